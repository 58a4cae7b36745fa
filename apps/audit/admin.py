"""The audit log in the admin site: read-only, for superusers and municipal admins."""

from django.contrib import admin

from .access import is_municipal_admin
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "occurred_at",
        "action",
        "source",
        "username",
        "organization",
        "object_type",
        "object_id",
        "object_repr",
        "request_id",
    ]
    list_filter = ["action", "source", "occurred_at", "content_type"]
    search_fields = ["request_id", "object_repr", "username", "organization__code"]
    list_select_related = ["organization", "content_type"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False  # no COUNT(*) over the whole log on every page
    fields = [
        "occurred_at",
        "action",
        "source",
        "user",
        "username",
        "token",
        "organization",
        "content_type",
        "object_id",
        "object_repr",
        "changes",
        "request_id",
    ]
    readonly_fields = fields

    def _may_read(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or is_municipal_admin(user))

    def has_module_permission(self, request):
        return self._may_read(request)

    def has_view_permission(self, request, obj=None):
        return self._may_read(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
