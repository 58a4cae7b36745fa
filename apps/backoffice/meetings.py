"""The joint meeting (联席会议) in the admin.

* Partner departments: membership for whoever may see the directory; the contact person only
  for those ``apps.meetings.policy.may_read_contact`` allows (not even a superuser otherwise,
  like a lecturer's contact). A save goes through ``apps.meetings.services.partner_update``
  (its rule, its audit event with the contact redacted); only the municipal curators save.
* Meetings, decisions, plans and their items: to look up, read-only, within what the person
  may see (``services.meetings_for`` / ``plans_for``); they are recorded through the pages
  and the API, which call the services.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from apps.accounts.actor import actor_for
from apps.meetings import policy, services
from apps.meetings.models import CONTACT_FIELDS, Decision, Meeting, Partner, PlanItem, TrainingPlan


def _seated(request) -> bool:
    return bool(actor_for(request.user).seats)


class _ReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return _seated(request)

    def has_view_permission(self, request, obj=None):
        return _seated(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["organization", "member", "member_since"]  # never the contact
    list_filter = ["member"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__short_name", "organization__code"]

    def get_queryset(self, request):
        if not policy.in_network(request.user):
            return Partner.objects.none()
        return Partner.objects.select_related("organization")

    def lookup_allowed(self, lookup, value, request=None):
        # A filter on a contact field would answer yes or no about a value the reader may
        # not see (the list's count): one character at a time, the whole phone number.
        if lookup.split("__")[0] in CONTACT_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def _contact(self, request, obj) -> bool:
        return obj is not None and policy.may_read_contact(request.user, obj.organization)

    def get_fields(self, request, obj=None):
        base = ["organization", "member", "member_since"]
        return [*base, *CONTACT_FIELDS] if self._contact(request, obj) else base

    def get_readonly_fields(self, request, obj=None):
        return ["organization"]

    def has_module_permission(self, request):
        return _seated(request)

    def has_view_permission(self, request, obj=None):
        return _seated(request)

    def has_add_permission(self, request):
        return False  # a department's row is made by its first save through the services

    def has_change_permission(self, request, obj=None):
        return policy.is_recorder(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not policy.is_recorder(request.user):
            raise PermissionDenied
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        services.partner_update(user=request.user, department=obj.organization, data=data)


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ["text", "owner", "due_on", "done_on"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(_ReadOnly):
    list_display = ["title", "held_on", "status", "convened_by"]
    list_filter = ["status", "held_on"]
    list_select_related = ["convened_by"]
    search_fields = ["title"]
    date_hierarchy = "held_on"
    inlines = [DecisionInline]

    def get_queryset(self, request):
        return services.meetings_for(request.user).select_related("convened_by")


@admin.register(TrainingPlan)
class TrainingPlanAdmin(_ReadOnly):
    list_display = ["year", "title"]

    def get_queryset(self, request):
        return services.plans_for(request.user)


@admin.register(PlanItem)
class PlanItemAdmin(_ReadOnly):
    list_display = ["title", "plan", "proposed_by", "quarter", "status", "meeting"]
    list_filter = ["status", "plan", "quarter"]
    list_select_related = ["plan", "proposed_by", "meeting"]
    search_fields = ["title", "proposed_by__name"]

    def get_queryset(self, request):
        return PlanItem.objects.filter(plan__in=services.plans_for(request.user)).select_related(
            "plan", "proposed_by", "meeting"
        )
