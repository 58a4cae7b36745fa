from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample

from apps.sharing.api import SharedResourceViewSet, library_schema

from ..filtersets import LecturerFilterSet
from ..models import Lecturer
from ..privacy import may_read_any_contact
from .serializers import LecturerSerializer


@library_schema(
    LecturerSerializer,
    create={
        "examples": [
            OpenApiExample(
                "new-lecturer",
                summary="新增讲师 A new lecturer",
                value={
                    "owner": "440600",
                    "title": "李明",
                    "kind": "party-school-teacher",
                    "employer": "中共佛山市委党校",
                    "position": "教研室主任",
                    "professional_title": "副教授",
                    "domains": ["industrial-system"],
                    "biography": "长期研究制造业转型升级。",
                },
            )
        ]
    },
)
class LecturerViewSet(SharedResourceViewSet):
    """师资库 — the lecturer library."""

    model = Lecturer
    serializer_class = LecturerSerializer
    filterset_class = LecturerFilterSet
    select = ("kind",)
    prefetch = ("domains",)

    def get_prefetches(self):
        """The courses a lecturer teaches: seats of teaching groups whose course the reader may
        see. The seats belong to the course library (which links to lecturers), so they are
        reached through the relation rather than by importing the library above this one."""
        seats = Lecturer.group_seats.rel.related_model
        courses = seats._meta.get_field("course").related_model
        visible = seats.objects.filter(
            course_id__in=courses.objects.restrict(self.request.user, "view").values("pk")
        ).select_related("course")
        return [*super().get_prefetches(), Prefetch("group_seats", queryset=visible)]

    def item_cacheable(self, actor) -> bool:
        """A curator's answer may carry the lecturer's contact (``apps.faculty.privacy``):
        personal data stays out of the shared cache, so curators read lecturers afresh."""
        return not may_read_any_contact(actor)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            queryset = queryset.select_related("contact")
        return queryset
