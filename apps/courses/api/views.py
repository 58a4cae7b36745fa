from django.db.models import Prefetch

from apps.attachments.api import AttachmentsMixin
from apps.cases.models import Case
from apps.faculty.models import Lecturer
from apps.sharing.api import SharedResourceViewSet
from apps.teaching_sites.models import TeachingSite

from ..filtersets import CourseFilterSet
from ..models import Course, TeachingGroupMember
from .serializers import CourseSerializer


class CourseViewSet(AttachmentsMixin, SharedResourceViewSet):
    """课程库 — the course library."""

    model = Course
    serializer_class = CourseSerializer
    filterset_class = CourseFilterSet
    select = ("kind",)
    prefetch = ("domains", "methods")

    def get_prefetches(self):
        user = self.request.user
        return [
            *self.prefetch,
            Prefetch("cases", queryset=Case.objects.restrict(user, "view").only("id")),
            Prefetch("sites", queryset=TeachingSite.objects.restrict(user, "view").only("id")),
            Prefetch(
                "teaching_group",
                queryset=TeachingGroupMember.objects.filter(
                    lecturer_id__in=Lecturer.objects.restrict(user, "view").values("pk")
                ).select_related("lecturer"),
            ),
        ]
