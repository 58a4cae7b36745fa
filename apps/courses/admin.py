from apps.faculty.models import Lecturer
from apps.sharing.admin import SharedResourceAdmin, SharedResourceInline

from .models import TeachingGroupMember


class TeachingGroupInline(SharedResourceInline):
    """The "1+N" joint teaching group: the seats whose lecturer the editor may see. Saved with
    the course by the sharing services (``courses.services.teaching_group_set``: its rules,
    the hidden seats kept, one audit event), not row by row."""

    model = TeachingGroupMember
    autocomplete_fields = ["lecturer"]

    def get_queryset(self, request):
        visible = Lecturer.objects.restrict(request.user, "view").values("pk")
        return super().get_queryset(request).filter(lecturer__in=visible)

    @staticmethod
    def service_content(formset) -> dict:
        """The group as ``data["teaching_group"]``, in the order of the rows' positions."""
        if not formset.has_changed():
            return {}
        kept = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not formset._should_delete_form(form)
        ]
        kept.sort(key=lambda row: row.get("position") or 0)  # stable: ties keep row order
        return {
            "teaching_group": [
                {"lecturer": row["lecturer"], "role": row["role"], "duty": row.get("duty", "")}
                for row in kept
            ]
        }


class CourseAdmin(SharedResourceAdmin):
    list_filter = [*SharedResourceAdmin.list_filter, "kind", "domains"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["domains", "methods", "cases", "sites"]
    inlines = [TeachingGroupInline]
    fields = [
        "title",
        "owner",
        "summary",
        "outline",
        "domains",
        "kind",
        "methods",
        "class_hours",
        "target_audience",
        "cases",
        "sites",
        *SharedResourceAdmin.readonly_fields,
    ]
