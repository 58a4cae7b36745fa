from django.contrib import admin

from apps.sharing.admin import SharedResourceAdmin

from .models import Course


@admin.register(Course)
class CourseAdmin(SharedResourceAdmin):
    list_filter = [*SharedResourceAdmin.list_filter, "kind", "domains"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["domains", "methods"]
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
        *SharedResourceAdmin.readonly_fields,
    ]
