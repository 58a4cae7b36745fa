"""Consultation reports (咨政报告) in the admin: to look up, read-only.

A report is filed, changed and decided through the report pages and the API, which call
``apps.consultations.services``: the admin saves nothing, so no rule can be skipped here.
Staff see the reports they may see by the report's confidentiality (``services.reports_for``),
like anywhere else; superusers alone see them all (they run the site). The search and the
filters run inside that set, so a title out of reach is never matched, listed or counted.
"""

from django.contrib import admin

from apps.accounts.actor import actor_for
from apps.consultations import services
from apps.consultations.models import Report


def _may_enter(request) -> bool:
    return request.user.is_superuser or bool(actor_for(request.user).seats)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "date", "confidentiality", "status", "adoption_level"]
    list_filter = ["status", "adoption_level", "confidentiality", "date"]
    list_select_related = ["owner"]
    search_fields = ["title", "owner__name", "owner__short_name"]
    date_hierarchy = "date"
    exclude = ["file"]
    readonly_fields = ["file_name", "file_size", "file_type"]

    def get_queryset(self, request):
        reports = (
            Report.objects.all()
            if request.user.is_superuser
            else services.reports_for(request.user)
        )
        return reports.select_related("owner")

    def has_module_permission(self, request):
        return _may_enter(request)

    def has_view_permission(self, request, obj=None):
        return _may_enter(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
