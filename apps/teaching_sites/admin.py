from apps.sharing.admin import SharedResourceAdmin, SharedResourceInline

from .models import LifecycleEvent


class LifecycleEventInline(SharedResourceInline):
    """The site's lifecycle history: append-only, changed through the lifecycle action."""

    model = LifecycleEvent
    can_delete = False
    fields = ["effective_on", "from_state", "to_state", "reason", "user", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TeachingSiteAdmin(SharedResourceAdmin):
    list_display = [
        "title",
        "category",
        "district",
        "lifecycle",
        *SharedResourceAdmin.list_display[1:],
    ]
    list_filter = [*SharedResourceAdmin.list_filter, "lifecycle", "category", "district"]
    search_fields = ["title", "host_organization", "address"]
    filter_horizontal = ["domains", "lecturers"]
    inlines = [LifecycleEventInline]
    readonly_fields = [*SharedResourceAdmin.readonly_fields, "lifecycle"]
    fields = [
        "title",
        "owner",
        "category",
        "host_organization",
        "address",
        "district",
        "town",
        "latitude",
        "longitude",
        "teaching_points",
        "domains",
        "visit_minutes",
        "capacity",
        "lecturers",
        "visit_contact",
        *readonly_fields,
    ]
