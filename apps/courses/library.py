from django.utils.translation import gettext_lazy as _

from apps.sharing.registry import Library, register

from .filtersets import CourseFilterSet
from .models import Course

LIBRARY = register(
    Library(
        key="courses",
        model=Course,
        filterset=CourseFilterSet,
        label=_("Course library"),
        item_label=_("course"),
        position=1,
        facets=("domain", "kind", "scope", "status"),
    )
)
