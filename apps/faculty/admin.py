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

    def get_queryset(self, request):
        # Django asks "may view?" here without the lecturer, which this rule cannot answer
        # (it hid every recorded contact, and re-adding one clashed with it). The inline is
        # only there for a lecturer the user may read (``has_view_permission`` with it).
        return self.model._default_manager.all()

    @staticmethod
    def service_content(formset) -> dict:
        """The contact as ``data["contact"]``, saved with the lecturer by the sharing services
        (one audit event, the values redacted there), not as a row of its own."""
        changed = [form for form in formset.forms if form.cleaned_data and form.has_changed()]
        if not changed:
            return {}
        row = changed[0].cleaned_data
        return {"contact": {name: row.get(name, "") for name in ("phone", "email", "id_number")}}


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
