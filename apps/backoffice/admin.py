"""The training classes in the admin: the themes' definition, and the classes and site visits
to look up (read-only: a class, its timetable and a visit change through the class pages and
the API, which call ``apps.classes.services``).

* Themes (``ClassTheme``): every curator or admin may read them; the municipal school's admins
  name them and mark which count as manufacturing-first (制造业当家), which is how the
  manufacturing share's definition changes (``apps.classes.stats``). None is deleted (a class
  keeps its theme): an unused theme is made inactive.
* Classes: the ones the person may see (``services.classes_for``), with filters and search.
* Site visits: those of the classes the person may see, and those asked of the sites their
  school owns (``services.visits_for_site``'s reach).
"""

from django.contrib import admin
from django.db.models import Q

from apps.accounts.actor import actor_for
from apps.accounts.admin import is_municipal_admin
from apps.classes import services
from apps.classes.models import ClassTheme, SiteVisit, TrainingClass


def _seated(request) -> bool:
    return bool(actor_for(request.user).seats)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return _seated(request)

    def has_view_permission(self, request, obj=None):
        return _seated(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClassTheme)
class ClassThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "manufacturing_first", "position", "is_active"]
    list_filter = ["manufacturing_first", "is_active"]
    search_fields = ["name", "name_en", "code"]
    ordering = ["position", "code"]
    list_editable = ["manufacturing_first", "is_active"]  # for who may change (Django checks)

    def has_module_permission(self, request):
        return _seated(request) or is_municipal_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return is_municipal_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_municipal_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrainingClass)
class TrainingClassAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "host",
        "class_type",
        "theme",
        "start_date",
        "end_date",
        "trainee_count",
        "status",
    ]
    list_filter = ["status", "class_type", "theme", "cadre_level", "start_date"]
    list_select_related = ["host", "theme"]
    search_fields = ["title", "host__name", "host__short_name", "venue"]
    date_hierarchy = "start_date"

    def get_queryset(self, request):
        return services.classes_for(request.user).select_related("host", "theme")


@admin.register(SiteVisit)
class SiteVisitAdmin(ReadOnlyAdmin):
    list_display = ["site", "starts_at", "ends_at", "visitors", "status", "class_title"]
    list_filter = ["status"]
    list_select_related = ["site", "session__training_class"]
    search_fields = ["site__title", "session__training_class__title"]

    @admin.display(description=TrainingClass._meta.verbose_name)
    def class_title(self, obj):
        return obj.session.training_class.title

    def get_queryset(self, request):
        actor = actor_for(request.user)
        visible = services.classes_for(request.user).values("pk")
        return SiteVisit.objects.filter(
            Q(session__training_class__in=visible) | Q(site__owner_id__in=sorted(actor.org_ids))
        ).select_related("site", "session__training_class")


# The other admin modules register themselves when imported:
# consultation reports (咨政报告) and the review intervals (待复核).
from . import calls, consultations, meetings, review, surveys  # noqa: E402, F401
