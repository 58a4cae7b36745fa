from apps.sharing.api import SharedResourceViewSet

from ..filtersets import CourseFilterSet
from ..models import Course
from .serializers import CourseSerializer


class CourseViewSet(SharedResourceViewSet):
    """课程库 — the course library."""

    model = Course
    serializer_class = CourseSerializer
    filterset_class = CourseFilterSet
    select = ("kind",)
    prefetch = ("domains", "methods")
