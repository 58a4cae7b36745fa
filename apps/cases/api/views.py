from django.db.models import Prefetch

from apps.courses.models import Course
from apps.sharing.api import SharedResourceViewSet

from ..filtersets import CaseFilterSet
from ..models import Case
from .serializers import CaseSerializer


class CaseViewSet(SharedResourceViewSet):
    """案例库 — the case library."""

    model = Case
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    select = ("place", "contributing_department")
    prefetch = ("domains",)

    def get_prefetches(self):
        courses = Course.objects.restrict(self.request.user, "view").only("id")
        return [*self.prefetch, Prefetch("courses", queryset=courses)]
