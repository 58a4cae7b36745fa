"""What a course's section of its detail page shows beyond its fields: the visible group."""

from apps.faculty.models import Lecturer


def detail_context(obj, *, user, actor) -> dict:
    """The "1+N" teaching group, with only the lecturers the reader may see."""
    return {
        "group": obj.teaching_group.filter(
            lecturer__in=Lecturer.objects.restrict(user, "view")
        ).select_related("lecturer", "lecturer__kind")
    }
