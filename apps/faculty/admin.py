from django.contrib import admin

from apps.accounts.actor import actor_for
from apps.sharing.admin import SharedResourceAdmin

from .models import LecturerContact
from .privacy import may_read_contact


class ContactInline(admin.StackedInline):
    """Personal contact data: shown only to those ``faculty.privacy`` allows."""

    model = LecturerContact
    can_delete = False
    extra = 0

    def _allowed(self, request, obj) -> bool:
        return obj is not None and may_read_contact(actor_for(request.user), obj)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request, obj)


class LecturerAdmin(SharedResourceAdmin):
    list_display = ["title", "kind", "employer", *SharedResourceAdmin.list_display[1:]]
    list_filter = [*SharedResourceAdmin.list_filter, "kind", "employment", "domains"]
    search_fields = ["title", "employer", "position"]
    filter_horizontal = ["domains"]
    inlines = [ContactInline]
    fields = [
        "title",
        "owner",
        "kind",
        "employer",
        "position",
        "professional_title",
        "employment",
        "domains",
        "biography",
        *SharedResourceAdmin.readonly_fields,
    ]
