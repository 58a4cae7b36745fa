"""Calls for contributions (征集) in the admin: the calls a person may see
(``services.calls_for``) with their answers inline, read-only. A change saves through
``apps.calls.services`` (the rule holds through every entry point): topic, description, due
date and domains by ``call_update`` (the publisher's curators, open calls only); calls are
published and closed on their pages and over the API, and answers are recorded by creating
the resource for the call.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from apps.accounts.actor import actor_for
from apps.calls import policy, services
from apps.calls.models import Call, CallAnswer
from apps.sharing.exceptions import SharingError

EDITABLE = ("topic", "description", "due_on", "domains")


class CallAnswerInline(admin.TabularInline):
    model = CallAnswer
    fields = ["organization", "library", "object_id", "title", "answered_by", "answered_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["topic", "organization", "due_on", "status"]
    list_filter = ["status", "due_on"]
    list_select_related = ["organization"]
    search_fields = ["topic", "organization__name"]
    fields = ["topic", "description", "organization", "domains", "kinds", "due_on", "status"]
    readonly_fields = ["organization", "kinds", "status"]
    inlines = [CallAnswerInline]

    def get_queryset(self, request):
        return services.calls_for(request.user).select_related("organization")

    def has_module_permission(self, request):
        return bool(actor_for(request.user).seats)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return "edit" in policy.allowed_actions(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE}
        try:
            services.call_update(user=request.user, pk=obj.pk, data=data)
        except SharingError as exc:
            raise PermissionDenied(str(exc.message)) from None

    def save_related(self, request, form, formsets, change):
        return None  # domains are saved by the service; answers are read-only
