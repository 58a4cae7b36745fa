from django.db.models import Prefetch

from apps.courses.models import Course, TeachingGroupMember
from apps.sharing.api import SharedResourceViewSet

from ..filtersets import LecturerFilterSet
from ..models import Lecturer
from .serializers import LecturerSerializer


class LecturerViewSet(SharedResourceViewSet):
    """师资库 — the lecturer library."""

    model = Lecturer
    serializer_class = LecturerSerializer
    filterset_class = LecturerFilterSet
    select = ("kind",)
    prefetch = ("domains",)

    def get_prefetches(self):
        seats = TeachingGroupMember.objects.filter(
            course_id__in=Course.objects.restrict(self.request.user, "view").values("pk")
        ).select_related("course")
        return [*self.prefetch, Prefetch("group_seats", queryset=seats)]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            queryset = queryset.select_related("contact")
        return queryset
