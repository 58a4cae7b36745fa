"""Lists cached per audience (apps.sharing.list_cache) are never stale and never shared
between readers who may see different things."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from apps.courses.models import Course, GroupRole, TeachingGroupMember
from apps.faculty.models import Lecturer
from apps.sharing import services
from apps.sharing.models import ContentVersion
from tests.conftest import ORG
from tests.factories import CourseFactory, LecturerFactory

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"


def published(persona, **kwargs):
    return CourseFactory(
        owner_code=ORG["M"],
        status="published",
        scope="network",
        author=persona("muni_teacher"),
        **kwargs,
    )


def titles(response) -> list[str]:
    return [item["title"] for item in response.json()["results"]]


def test_a_second_read_of_the_same_list_comes_from_the_cache(persona, api):
    for _ in range(3):
        published(persona)
    client = api("tA_teacher")

    with CaptureQueriesContext(connection) as first:
        cold = client.get(COURSES)
    with CaptureQueriesContext(connection) as second:
        warm = client.get(COURSES)

    assert warm.json() == cold.json()
    assert len(second.captured_queries) < len(first.captured_queries)
    assert not [q for q in second.captured_queries if "courses_course" in q["sql"]]


def test_a_change_through_the_api_shows_on_the_next_read(persona, api):
    course = published(persona, title="旧标题")
    client = api("muni_curator")
    assert "旧标题" in titles(client.get(COURSES))

    response = client.patch(
        f"{COURSES}{course.pk}/", {"title": "新标题"}, format="json", HTTP_IF_MATCH=course.etag
    )

    assert response.status_code == 200
    assert titles(client.get(COURSES)) == ["新标题"]


def test_a_change_to_a_linked_lecturer_shows_in_the_course_list(persona, api):
    course = published(persona)
    lecturer = LecturerFactory(
        owner_code=ORG["M"],
        status="published",
        scope="network",
        author=persona("muni_teacher"),
        title="张老师",
    )
    TeachingGroupMember.objects.create(course=course, lecturer=lecturer, role=GroupRole.OFFICIAL)
    client = api("tA_teacher")
    assert "张老师" in str(client.get(COURSES).json())

    lecturer.title = "张教授"
    lecturer.save()

    body = str(client.get(COURSES).json())
    assert "张教授" in body and "张老师" not in body


@pytest.mark.parametrize(
    ("first", "second"), [("muni_curator", "tB_teacher"), ("tB_teacher", "muni_curator")]
)
def test_readers_with_different_seats_get_their_own_lists(first, second, persona, api):
    published(persona)
    CourseFactory(
        owner_code=ORG["TA"], status="pending", scope="network", author=persona("tA_teacher")
    )
    api(first).get(COURSES)  # cached for the first reader

    response = api(second).get(COURSES)

    expected = set(Course.objects.restrict(persona(second), "view").values_list("pk", flat=True))
    assert {item["id"] for item in response.json()["results"]} == expected


def test_a_change_committed_by_another_process_is_seen(persona, api):
    """Another worker's change raises the version in the database; no local signal fires."""
    course = published(persona, title="旧标题")
    client = api("tA_teacher")
    assert titles(client.get(COURSES)) == ["旧标题"]

    Course.objects.filter(pk=course.pk).update(title="别处改的标题")  # no signal here
    ContentVersion.objects.filter(key="content").update(value=F("value") + 1)

    assert titles(client.get(COURSES)) == ["别处改的标题"]


def test_the_database_version_rises_when_a_change_commits(
    persona, django_capture_on_commit_callbacks
):
    before = ContentVersion.objects.get(key="content").value
    with django_capture_on_commit_callbacks(execute=True):
        course = published(persona)
        services.resource_withdraw(Course, user=persona("muni_curator"), pk=course.pk)

    assert ContentVersion.objects.get(key="content").value > before


def test_an_invalid_filter_is_answered_and_never_cached(api):
    client = api("tA_teacher")

    first = client.get(COURSES, {"status": "no-such-status"})
    second = client.get(COURSES, {"status": "no-such-status"})

    assert first.status_code == second.status_code == 400
    assert "status" in str(second.json())


def test_the_list_page_results_follow_a_change(persona, client):
    course = published(persona, title="旧标题")
    client.force_login(persona("tA_teacher"))
    assert "旧标题" in client.get("/library/courses/").content.decode()

    course.title = "新标题"
    course.save()
    body = client.get("/library/courses/").content.decode()

    assert "新标题" in body and "旧标题" not in body


def test_turning_the_cache_off_computes_every_time(persona, api, settings):
    settings.LIST_CACHE_SECONDS = 0
    published(persona)
    client = api("tA_teacher")
    client.get(COURSES)

    with CaptureQueriesContext(connection) as again:
        client.get(COURSES)

    assert [q for q in again.captured_queries if "courses_course" in q["sql"]]


def test_lecturer_lists_never_carry_contact_data_into_the_cache(persona, api):
    lecturer = LecturerFactory(
        owner_code=ORG["M"], status="published", scope="network", author=persona("muni_teacher")
    )
    Lecturer.objects.get(pk=lecturer.pk).set_extra(
        {"contact": {"phone": "13800000000"}}, user=persona("muni_curator")
    )

    curator_view = api("muni_curator").get("/api/v1/faculty/")
    teacher_view = api("tA_teacher").get("/api/v1/faculty/")

    assert "13800000000" not in str(curator_view.json())
    assert "13800000000" not in str(teacher_view.json())


def test_a_request_with_parameters_the_list_does_not_read_bypasses_the_cache(persona, api):
    published(persona)
    client = api("tA_teacher")
    client.get(COURSES, {"made_up": "1"})

    with CaptureQueriesContext(connection) as again:
        response = client.get(COURSES, {"made_up": "1"})

    assert response.status_code == 200
    assert [q for q in again.captured_queries if "courses_course" in q["sql"]]


def test_lists_are_kept_apart_from_lockouts_and_rate_limits(persona, api):
    from django.core.cache import caches

    published(persona)
    api("tA_teacher").get(COURSES)

    assert caches["lists"] is not caches["default"]
    assert not [k for k in caches["default"]._cache if "lists:" in k]
    assert [k for k in caches["lists"]._cache if "lists:" in k]


def test_renaming_an_author_shows_in_the_list(persona, api):
    author = persona("muni_teacher")
    published(persona)
    client = api("tA_teacher")
    client.get(COURSES)

    author.username = "muni_teacher_renamed"
    author.save()

    assert "muni_teacher_renamed" in str(client.get(COURSES).json())


def test_a_sign_in_does_not_empty_the_cache(persona, api):
    from django.contrib.auth.models import update_last_login

    from apps.sharing import content_version

    before = content_version.current()
    update_last_login(None, persona("tA_teacher"))

    assert content_version.current() == before


def test_reindexing_the_search_columns_refreshes_cached_searches(persona, api):
    from apps.search.indexing import reindex

    course = published(persona, title="园区改造")
    client = api("tA_teacher")
    assert titles(client.get(COURSES, {"q": "工厂"})) == []

    Course.objects.filter(pk=course.pk).update(title="工厂改造")  # no signal, no new tokens
    reindex(Course)

    assert titles(client.get(COURSES, {"q": "工厂"})) == ["工厂改造"]
