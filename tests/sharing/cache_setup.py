"""What the cache tests (test_list_cache, test_item_cache) build: courses in known places, and
a change committed as another worker commits it."""

from tests.conftest import ORG
from tests.factories import CourseFactory

COURSES = "/api/v1/courses/"


def published(persona, **kwargs):
    """A course of the municipal school, published to the whole network."""
    return CourseFactory(
        owner_code=ORG["M"],
        status="published",
        scope="network",
        author=persona("muni_teacher"),
        **kwargs,
    )


def town_a_course(persona, **kwargs):
    """A course of 祖庙街道党校 (town A), written by its teacher."""
    return CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"), **kwargs)


def committed(django_capture_on_commit_callbacks, change):
    """Run ``change`` as another worker would: committed, its versions raised in the database,
    nothing left in this transaction's own marker."""
    with django_capture_on_commit_callbacks(execute=True):
        return change()


def taught_course(persona, lecturer_title):
    """A published course whose teaching group names a published lecturer: ``(course,
    lecturer)``."""
    from apps.courses.models import GroupRole, TeachingGroupMember
    from tests.factories import LecturerFactory

    course = published(persona)
    lecturer = LecturerFactory(
        owner_code=ORG["M"],
        status="published",
        scope="network",
        author=persona("muni_teacher"),
        title=lecturer_title,
    )
    TeachingGroupMember.objects.create(course=course, lecturer=lecturer, role=GroupRole.OFFICIAL)
    return course, lecturer
