"""Lists cached per audience (apps.sharing.list_cache) are never stale and never shared
between readers who may see different things."""

import itertools

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from apps.courses.models import Course, GroupRole, TeachingGroupMember
from apps.faculty.models import Lecturer
from apps.sharing import content_version, services
from apps.sharing.models import ContentVersion
from tests.conftest import ORG
from tests.factories import CourseFactory, LecturerFactory

from .cache_setup import COURSES, committed, published, taught_course, town_a_course

pytestmark = pytest.mark.django_db


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
    _course, lecturer = taught_course(persona, "张老师")
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


def test_a_committed_change_raises_the_versions_of_the_lists_that_could_show_it(
    persona, django_capture_on_commit_callbacks
):
    course = committed(django_capture_on_commit_callbacks, lambda: published(persona))
    watched = ["courses:o:440600", "courses:a:440600", "courses:c:440600", "content"]
    before = dict(ContentVersion.objects.filter(key__in=watched).values_list("key", "value"))

    committed(
        django_capture_on_commit_callbacks,
        lambda: services.resource_withdraw(Course, user=persona("muni_curator"), pk=course.pk),
    )

    after = dict(ContentVersion.objects.filter(key__in=watched).values_list("key", "value"))
    for key in watched[:3]:
        assert after[key] > before[key], key
    # Nothing raised everyone's lists: no organisation, vocabulary or name changed.
    assert after.get("content", 0) == before.get("content", 0)


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


# ---- invalidation with a scope: a change reaches the lists that could show it, no others -----


def read_from_cache(client, url=COURSES):
    """``(body, whether the list came from the cache)``: no query read the courses."""
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url).json()
    return body, not [q for q in queries.captured_queries if "courses_course" in q["sql"]]


def test_a_write_in_one_town_leaves_another_districts_lists_hot(
    persona, api, django_capture_on_commit_callbacks
):
    committed(django_capture_on_commit_callbacks, lambda: published(persona, title="全市课程"))
    readers = {name: api(name) for name in ("tB_teacher", "dB_curator", "tA2_teacher")}
    cached = {name: client.get(COURSES).json() for name, client in readers.items()}
    town = api("tA_teacher")

    def write_in_town_a():
        course = town_a_course(persona, title="祖庙新课")
        edited = town.patch(
            f"{COURSES}{course.pk}/",
            {"title": "祖庙新课（修订）"},
            format="json",
            HTTP_IF_MATCH=course.etag,
        )
        assert edited.status_code == 200, edited.json()
        # Submitted to the city: the municipal curators' business, not these readers'.
        services.resource_submit(Course, user=persona("tA_teacher"), pk=course.pk, scope="network")
        return course.pk

    pk = committed(django_capture_on_commit_callbacks, write_in_town_a)

    # Another district's teacher and curator, and a neighbouring town of the same district:
    # their lists are served from the cache.
    for name, client in readers.items():
        body, hot = read_from_cache(client)
        assert hot, f"{name}'s list was computed again"
        assert body == cached[name]
    # The town's own list has the change at once, and the city's curators see the submission.
    assert "祖庙新课（修订）" in titles(town.get(COURSES))
    assert "祖庙新课（修订）" in titles(api("muni_curator").get(COURSES))

    # Published to the whole city, it reaches every cached list.
    committed(
        django_capture_on_commit_callbacks,
        lambda: services.resource_publish(
            Course, user=persona("muni_curator"), pk=pk, scope="network"
        ),
    )
    for client in readers.values():
        body, hot = read_from_cache(client)
        assert not hot
        assert "祖庙新课（修订）" in [item["title"] for item in body["results"]]


def test_a_submission_reaches_the_curators_above_it_and_nobody_else(
    persona, api, django_capture_on_commit_callbacks
):
    course = committed(
        django_capture_on_commit_callbacks,
        lambda: town_a_course(persona, title="待审课程"),
    )
    district_a, district_b = api("dA_curator"), api("dB_curator")
    assert "待审课程" not in titles(district_a.get(COURSES))
    cached_b = district_b.get(COURSES).json()

    committed(
        django_capture_on_commit_callbacks,
        lambda: services.resource_submit(
            Course, user=persona("tA_teacher"), pk=course.pk, scope="district"
        ),
    )

    assert "待审课程" in titles(district_a.get(COURSES))
    assert read_from_cache(district_b) == (cached_b, True)


def test_a_narrowed_scope_leaves_the_lists_it_no_longer_reaches(
    persona, api, django_capture_on_commit_callbacks
):
    course = committed(
        django_capture_on_commit_callbacks,
        lambda: town_a_course(
            persona,
            status="published",
            scope="network",
            title="先全市后本区",
        ),
    )
    other_district = api("tB_teacher")
    assert "先全市后本区" in titles(other_district.get(COURSES))

    committed(
        django_capture_on_commit_callbacks,
        lambda: services.resource_publish(
            Course, user=persona("dA_curator"), pk=course.pk, scope="district"
        ),
    )

    assert "先全市后本区" not in titles(other_district.get(COURSES))
    assert "先全市后本区" in titles(api("tA2_teacher").get(COURSES))


def test_a_deleted_draft_leaves_its_owners_list(persona, api, django_capture_on_commit_callbacks):
    course = committed(
        django_capture_on_commit_callbacks,
        lambda: CourseFactory(
            owner_code=ORG["TA"], author=persona("tA_teacher"), title="要删的草稿"
        ),
    )
    town = api("tA_teacher")
    assert "要删的草稿" in titles(town.get(COURSES))

    committed(
        django_capture_on_commit_callbacks,
        lambda: services.resource_delete(Course, user=persona("tA_teacher"), pk=course.pk),
    )

    assert "要删的草稿" not in titles(town.get(COURSES))


def test_a_teaching_group_change_reaches_only_the_lists_showing_its_course(
    persona, api, django_capture_on_commit_callbacks
):
    def setup():
        course = town_a_course(persona)
        lecturer = LecturerFactory(
            owner_code=ORG["M"],
            status="published",
            scope="network",
            author=persona("muni_teacher"),
            title="李讲师",
        )
        return course, lecturer

    course, lecturer = committed(django_capture_on_commit_callbacks, setup)
    town, other_district = api("tA_teacher"), api("tB_teacher")
    assert "李讲师" not in str(town.get(COURSES).json())
    cached_b = other_district.get(COURSES).json()

    committed(
        django_capture_on_commit_callbacks,
        lambda: TeachingGroupMember.objects.create(
            course=course, lecturer=lecturer, role=GroupRole.OFFICIAL
        ),
    )

    assert "李讲师" in str(town.get(COURSES).json())
    assert read_from_cache(other_district) == (cached_b, True)


def test_a_change_in_the_writers_own_transaction_shows_before_it_commits(persona, api):
    """No commit here (the test's transaction never commits): the writer's marker."""
    client = api("tA_teacher")
    assert titles(client.get(COURSES)) == []

    town_a_course(persona, title="未提交的草稿")

    assert titles(client.get(COURSES)) == ["未提交的草稿"]


def test_an_item_turns_overdue_at_midnight_without_any_write(persona, api, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    published(persona, review_by=today)
    client = api("tA_teacher")
    assert [item["overdue"] for item in client.get(COURSES).json()["results"]] == [False]

    monkeypatch.setattr(timezone, "localdate", lambda *args: today + timedelta(days=1))

    assert [item["overdue"] for item in client.get(COURSES).json()["results"]] == [True]


class _Undone(Exception):
    pass


def test_a_rolled_back_savepoint_does_not_stay_in_the_writers_list(persona, api):
    """The writer's transaction: a change inside a nested atomic that fails is undone, but the
    transaction's marker stays the one that change set, so its list (cached with the change)
    is served again."""
    client = api("tA_teacher")
    town_a_course(persona, title="保留的草稿")
    assert titles(client.get(COURSES)) == ["保留的草稿"]

    with pytest.raises(_Undone), transaction.atomic():
        town_a_course(persona, title="回滚的草稿")
        assert sorted(titles(client.get(COURSES))) == ["保留的草稿", "回滚的草稿"]
        raise _Undone

    assert not Course.objects.filter(title="回滚的草稿").exists()
    assert titles(client.get(COURSES)) == ["保留的草稿"]


def test_another_workers_uncommitted_list_is_not_served(persona, api, monkeypatch):
    """Markers count per process: two workers sharing the lists cache (Redis) hand out the same
    numbers, so a marker carries its process too. Else one worker's list read inside a
    transaction that then rolled back would be served to another's transaction with the same
    number, for a reader with the same seats."""
    start = next(content_version._markers) + 1
    client = api("tA_teacher")

    # Worker 1: a transaction that reads its list with an uncommitted draft, then rolls back.
    monkeypatch.setattr(content_version, "_PROCESS", "worker-1")
    monkeypatch.setattr(content_version, "_markers", itertools.count(start))
    with pytest.raises(_Undone), transaction.atomic():
        town_a_course(persona, title="别人未提交的")
        assert titles(client.get(COURSES)) == ["别人未提交的"]
        raise _Undone

    # Worker 2 (its counter at the same number): a transaction with a change elsewhere.
    monkeypatch.setattr(content_version, "_PROCESS", "worker-2")
    monkeypatch.setattr(content_version, "_markers", itertools.count(start))
    with transaction.atomic():
        CourseFactory(owner_code="440605011", author=persona("tB_teacher"), title="桂城草稿")
        assert titles(client.get(COURSES)) == []


def test_an_instance_saved_twice_leaves_the_lists_of_its_middle_state(
    persona, api, django_capture_on_commit_callbacks
):
    """Private → district → private on one loaded instance, each save committed: the second
    save raises what the district could see, not only what the loaded row could."""
    from apps.organizations.models import Organization

    course = committed(
        django_capture_on_commit_callbacks,
        lambda: town_a_course(
            persona,
            status="published",
            scope="private",
            title="逐步收窄",
        ),
    )
    course = Course.objects.get(pk=course.pk)  # loaded: remembers the private state
    neighbour = api("tA2_teacher")  # same district, another town

    def narrow(scope, code):
        course.scope, course.audience = scope, Organization.objects.get(code=code)
        course.save()

    committed(django_capture_on_commit_callbacks, lambda: narrow("district", ORG["DA"]))
    assert "逐步收窄" in titles(neighbour.get(COURSES))

    committed(django_capture_on_commit_callbacks, lambda: narrow("private", ORG["TA"]))
    assert "逐步收窄" not in titles(neighbour.get(COURSES))
