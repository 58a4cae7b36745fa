"""A source published by the municipal school, a town's copy of it, and a newer version.

Built through the services (publish, reuse, edit), as a user makes them, so that every
kept version is one the services kept.
"""

from apps.courses.models import Course
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from tests.conftest import ORG
from tests.factories import CourseFactory


def published_source(persona, **content) -> Course:
    """A municipal course published to the whole network (kept as its first version)."""
    draft = CourseFactory(
        owner_code=ORG["M"],
        author=persona("muni_teacher"),
        status=Status.DRAFT,
        scope=Scope.NETWORK,
        **content,
    )
    return services.resource_publish(
        Course, user=persona("muni_curator"), pk=draft.pk, scope=Scope.NETWORK
    )


def town_copy(persona, source: Course, user="tA_teacher") -> Course:
    return services.resource_reuse(Course, user=persona(user), pk=source.pk, target_code=ORG["TA"])


def edit(persona, obj: Course, user="muni_curator", **data) -> Course:
    return services.resource_update(Course, user=persona(user), pk=obj.pk, data=data)


def behind_copy(persona):
    """(source, copy): the town copied version N, edited its summary, and the source then
    changed its outline (published N+1)."""
    source = published_source(persona, summary="原简介", outline="一、旧大纲")
    copy = town_copy(persona, source)
    copy = edit(persona, copy, user="tA_teacher", summary="本镇改写的简介")
    source = edit(persona, source, outline="一、新大纲\n二、新增内容")
    return source, copy
