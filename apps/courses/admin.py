from apps.sharing.admin import SharedResourceAdmin, SharedResourceInline

from .models import TeachingGroupMember


class TeachingGroupInline(SharedResourceInline):
    """The "1+N" joint teaching group."""

    model = TeachingGroupMember
    autocomplete_fields = ["lecturer"]


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
