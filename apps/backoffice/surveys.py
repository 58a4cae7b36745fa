"""Needs surveys in the admin: the surveys a person may see (``services.surveys_for``), their
questions shown read-only. A change saves through ``apps.surveys.services`` (the rule holds
through every entry point): the title, introduction and dates by ``survey_update``, a deletion
by ``survey_delete`` (drafts only); surveys are started, built and opened on their pages.
Links and answers are not in the admin: a link's secret is kept nowhere, and answers are
anonymous aggregates read on the results page.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from apps.accounts.actor import actor_for
from apps.sharing.exceptions import SharingError
from apps.surveys import policy, services
from apps.surveys.models import Question, Survey


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "text", "domain", "kind", "options"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "audience", "status", "opens_on", "closes_on"]
    list_filter = ["status", "audience"]
    list_select_related = ["owner"]
    search_fields = ["title", "owner__name"]
    fields = ["title", "intro", "owner", "audience", "status", "opens_on", "closes_on"]
    readonly_fields = ["owner", "audience", "status"]
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return services.surveys_for(request.user).select_related("owner")

    def has_module_permission(self, request):
        return bool(policy.owners_for(actor_for(request.user)))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return "edit" in policy.allowed_actions(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return obj.status == "draft" and "edit" in policy.allowed_actions(request.user, obj)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.survey_update(user=request.user, pk=obj.pk, data=data)
        except SharingError as exc:
            raise PermissionDenied(str(exc.message)) from None

    def save_related(self, request, form, formsets, change):
        return None  # the questions are read-only here

    def delete_model(self, request, obj):
        try:
            services.survey_delete(user=request.user, pk=obj.pk)
        except SharingError as exc:
            messages.error(request, str(exc.message))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
