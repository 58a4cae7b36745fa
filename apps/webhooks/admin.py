"""Webhooks and their delivery log in the admin site: read-only, for superusers and municipal
admins (to see which departments are connected and why a delivery fails). Secrets are never
shown; departments manage their webhooks through the API."""

from django.contrib import admin

from apps.audit.access import is_municipal_admin

from .models import Attempt, Delivery, Webhook


def may_read(request) -> bool:
    user = request.user
    return user.is_active and (user.is_superuser or is_municipal_admin(user))


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def _may_read(self, request) -> bool:
        return may_read(request)

    def has_module_permission(self, request):
        return self._may_read(request)

    def has_view_permission(self, request, obj=None):
        return self._may_read(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = ["number", "at", "response_status", "error", "duration_ms"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return may_read(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyAdmin):
    list_display = ["url", "organization", "events", "active", "created_by", "created_at"]
    list_filter = ["active", "organization"]
    search_fields = ["url", "organization__code", "organization__name"]
    list_select_related = ["organization", "created_by"]
    fields = ["organization", "url", "events", "active", "created_by", "created_at"]
    readonly_fields = fields


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "event_key",
        "kind",
        "webhook",
        "status",
        "attempts",
        "response_status",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["event_key", "webhook__url", "webhook__organization__code"]
    list_select_related = ["webhook__organization"]
    date_hierarchy = "created_at"
    fields = [
        "webhook",
        "event_key",
        "kind",
        "status",
        "attempts",
        "response_status",
        "last_error",
        "created_at",
        "last_attempt_at",
        "delivered_at",
        "payload",
    ]
    readonly_fields = fields
    inlines = [AttemptInline]
