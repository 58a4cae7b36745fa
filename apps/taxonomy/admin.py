from django.contrib import admin

from .models import CourseKind, LecturerKind, SiteCategory, TeachingMethod, ThematicDomain


@admin.register(ThematicDomain, CourseKind, TeachingMethod, LecturerKind, SiteCategory)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name", "name_en", "code"]
