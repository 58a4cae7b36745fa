from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample

from apps.faculty.models import Lecturer
from apps.sharing.api import ReviewActionsMixin, SharedResourceViewSet, library_schema

from ..filtersets import CourseFilterSet
from ..models import Course, TeachingGroupMember
from .serializers import CourseSerializer


@library_schema(
    CourseSerializer,
    create={
        "examples": [
            OpenApiExample(
                "town-course",
                summary="镇街党校新建课程 A town school's new course",
                value={
                    "owner": "440604010",
                    "title": "街道产业地图",
                    "summary": "用产业地图读懂一条街道的经济结构。",
                    "kind": "lecture",
                    "domains": ["industrial-system"],
                    "methods": ["industry-map"],
                    "class_hours": "2.0",
                    "target_audience": "镇街干部",
                },
            )
        ]
    },
    partial_update={
        "examples": [
            OpenApiExample(
                "change-hours", summary="改课时 Change the hours", value={"class_hours": "3.0"}
            )
        ]
    },
)
class CourseViewSet(ReviewActionsMixin, SharedResourceViewSet):
    """课程库 — the course library."""

    model = Course
    serializer_class = CourseSerializer
    filterset_class = CourseFilterSet
    select = ("kind",)
    prefetch = ("domains", "methods")

    def get_prefetches(self):
        """Besides the linked cases and sites: the seats of the teaching group whose lecturer
        the reader may see."""
        user = self.request.user
        return [
            *super().get_prefetches(),
            Prefetch(
                "teaching_group",
                queryset=TeachingGroupMember.objects.filter(
                    lecturer_id__in=Lecturer.objects.restrict(user, "view").values("pk")
                ).select_related("lecturer"),
            ),
        ]
