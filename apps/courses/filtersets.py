import django_filters
from django.utils.translation import gettext_lazy as _

from apps.sharing.filters import LinkedCodeFilter, ReviewFilterSet

from .models import Course


class CourseFilterSet(ReviewFilterSet):
    theme = LinkedCodeFilter(field_name="domains__code", label=_("Thematic domain (code)"))
    kind = django_filters.CharFilter(field_name="kind__code", label=_("Course kind (code)"))
    method = LinkedCodeFilter(field_name="methods__code", label=_("Teaching method (code)"))

    SEARCH_FIELDS = ("title", "summary", "outline")

    class Meta:
        model = Course
        fields = [
            *("owner", "within", "scope", "status", "theme", "domain", "kind", "method"),
            *("q", "overdue"),
        ]
