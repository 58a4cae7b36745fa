"""Published versions, update notices, the three-way diff and the sync, through the REST API.

Every library serves the same endpoints (``apps.sharing.api``); courses carry the most
(links, a teaching group), so they stand for the four here, and one test runs the basic
path on every library.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.courses.models import Course
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from apps.sharing.models import PublishedVersion
from tests.conftest import ORG
from tests.factories import LIBRARY_FACTORIES
from tests.helpers import assert_problem, token_client

from .versions_setup import behind_copy, edit, published_source, town_copy

pytestmark = pytest.mark.django_db


def kept(obj):
    return list(
        PublishedVersion.objects.filter(object_id=obj.pk, content_type__model="course")
        .order_by("version")
        .values_list("version", flat=True)
    )


def state(copy):
    """Everything a refused sync must leave as it was."""
    row = Course.objects.get(pk=copy.pk)
    return (
        row.version,
        row.source_version,
        row.source_declined_version,
        row.summary,
        row.outline,
        sorted(row.domains.values_list("pk", flat=True)),
        row.updated_at,
    )


# ---- versions are kept ---------------------------------------------------------------------


def test_publishing_and_editing_while_published_keep_a_version_each(persona, api):
    source = published_source(persona)
    first = source.version
    source = edit(persona, source, outline="新大纲")

    assert kept(source) == [first, source.version]
    client = api("tB_teacher")
    listed = client.get(f"/api/v1/courses/{source.pk}/versions/")
    assert listed.status_code == 200, listed.content
    assert [v["version"] for v in listed.json()] == [source.version, first]
    assert listed.json()[0]["published_by"] == "muni_curator"
    old = client.get(f"/api/v1/courses/{source.pk}/versions/{first}/").json()
    assert old["content"]["outline"] == "一、背景\n二、做法"
    new = client.get(f"/api/v1/courses/{source.pk}/versions/{source.version}/").json()
    assert new["content"]["outline"] == "新大纲"


def test_a_publication_that_changes_no_content_keeps_nothing_and_tells_no_copy(persona, api):
    """Widening the scope raises the version but not the content: copies are not behind."""
    source = published_source(persona)
    draft = LIBRARY_FACTORIES["courses"](owner_code=ORG["DA"], author=persona("dA_teacher"))
    draft = services.resource_publish(
        Course, user=persona("dA_curator"), pk=draft.pk, scope=Scope.DISTRICT
    )
    copy = services.resource_reuse(
        Course, user=persona("tA_teacher"), pk=draft.pk, target_code=ORG["TA"]
    )
    widened = services.resource_publish(
        Course, user=persona("muni_curator"), pk=draft.pk, scope=Scope.NETWORK
    )

    assert widened.version > copy.source_version
    assert kept(widened) == [copy.source_version]
    item = api("tA_teacher").get(f"/api/v1/courses/{copy.pk}/").json()
    assert item["source_update"] is None
    assert kept(source) == [source.version]


def test_unknown_version_and_unknown_resource_answer_404(persona, api):
    source = published_source(persona)
    client = api("tB_teacher")
    assert_problem(client.get(f"/api/v1/courses/{source.pk}/versions/999/"), 404)
    assert_problem(client.get(f"/api/v1/courses/{source.pk + 999}/versions/"), 404)


@pytest.mark.parametrize("library", list(LIBRARY_FACTORIES))
def test_every_library_keeps_versions_and_reports_a_copy_behind(library, persona, api):
    from apps.sharing.registry import get_library

    model = get_library(library).model
    draft = LIBRARY_FACTORIES[library](owner_code=ORG["M"], author=persona("muni_teacher"))
    source = services.resource_publish(
        model, user=persona("muni_curator"), pk=draft.pk, scope=Scope.NETWORK
    )
    copy = services.resource_reuse(
        model, user=persona("tA_teacher"), pk=source.pk, target_code=ORG["TA"]
    )
    source = services.resource_update(
        model, user=persona("muni_curator"), pk=source.pk, data={"title": "新标题"}
    )
    client = api("tA_teacher")

    item = client.get(f"/api/v1/{library}/{copy.pk}/").json()
    assert item["source_update"] == {
        "from_version": copy.source_version,
        "to_version": source.version,
    }
    diff = client.get(f"/api/v1/{library}/{copy.pk}/source-diff/").json()
    title = next(f for f in diff["fields"] if f["field"] == "title")
    assert title["changed_upstream"] and not title["changed_locally"]
    synced = client.post(f"/api/v1/{library}/{copy.pk}/sync/", {"accept": ["title"]}, format="json")
    assert synced.status_code == 200, synced.content
    assert synced.json()["title"] == "新标题"
    assert synced.json()["source_update"] is None


# ---- update notices ------------------------------------------------------------------------


def test_a_copy_behind_its_source_says_so_in_list_and_detail(persona, api):
    source, copy = behind_copy(persona)
    client = api("tA_teacher")
    expected = {"from_version": copy.source_version, "to_version": source.version}

    assert client.get(f"/api/v1/courses/{copy.pk}/").json()["source_update"] == expected
    listed = client.get("/api/v1/courses/").json()["results"]
    items = {item["id"]: item for item in listed}
    assert items[copy.pk]["source_update"] == expected
    assert items[source.pk]["source_update"] is None


def test_the_cached_list_shows_the_notice_as_soon_as_the_source_changes(persona, api):
    source = published_source(persona)
    copy = town_copy(persona, source)
    client = api("tA_teacher")

    def notice():
        items = client.get("/api/v1/courses/").json()["results"]
        return next(i for i in items if i["id"] == copy.pk)["source_update"]

    assert notice() is None
    source = edit(persona, source, outline="新大纲")
    assert notice() == {"from_version": copy.source_version, "to_version": source.version}
    client.post(f"/api/v1/courses/{copy.pk}/sync/", {"decline": True}, format="json")
    assert notice() is None


def test_the_reuses_list_marks_the_copies_behind(persona, api):
    source = published_source(persona)
    behind = town_copy(persona, source)
    source = edit(persona, source, outline="新大纲")
    current = services.resource_reuse(
        Course, user=persona("tB_teacher"), pk=source.pk, target_code="440605011"
    )

    rows = api("muni_curator").get(f"/api/v1/courses/{source.pk}/reuses/").json()
    by_copy = {row["copy_id"]: row for row in rows}
    assert by_copy[behind.pk]["behind"] is True
    assert by_copy[behind.pk]["from_version"] == behind.source_version
    assert by_copy[behind.pk]["to_version"] == source.version
    assert by_copy[current.pk]["behind"] is False
    assert by_copy[current.pk]["from_version"] is None


# ---- the diff ------------------------------------------------------------------------------


def test_the_diff_gives_three_values_and_two_flags_per_field(persona, api):
    source, copy = behind_copy(persona)
    response = api("tA_teacher").get(f"/api/v1/courses/{copy.pk}/source-diff/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["from_version"] == copy.source_version
    assert body["to_version"] == source.version
    assert body["base_known"] is True
    assert body["source"] == {
        "library": "courses",
        "id": source.pk,
        "title": source.title,
        "status": "published",
    }
    fields = {f["field"]: f for f in body["fields"]}
    assert fields["outline"] == {
        "field": "outline",
        "label": fields["outline"]["label"],
        "base": "一、旧大纲",
        "upstream": "一、新大纲\n二、新增内容",
        "local": "一、旧大纲",
        "changed_locally": False,
        "changed_upstream": True,
    }
    assert fields["summary"]["local"] == "本镇改写的简介"
    assert fields["summary"]["changed_locally"] and not fields["summary"]["changed_upstream"]
    assert not fields["class_hours"]["changed_locally"]  # "2" and "2.0" are one value
    assert {"domains", "teaching_group", "title"} <= set(fields)


def test_the_diff_of_a_resource_that_is_not_a_copy_is_404(persona, api):
    source = published_source(persona)
    assert_problem(api("muni_curator").get(f"/api/v1/courses/{source.pk}/source-diff/"), 404)


def test_the_diff_costs_the_same_queries_for_few_and_many_links(persona, api):
    """Measured: 16 queries for a course copy: the session and seats (4), the copy, its
    source and two kept versions (4), its four links and its group (5), and which linked
    resources and seated lecturers the reader may see (3)."""
    from apps.taxonomy.models import ThematicDomain

    _source, copy = behind_copy(persona)
    client = api("tA_teacher")
    path = f"/api/v1/courses/{copy.pk}/source-diff/"
    client.get(path)

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    few = measure()
    edit(persona, copy, user="tA_teacher", domains=list(ThematicDomain.objects.all()))
    many = measure()
    assert few == many == DIFF_QUERIES


DIFF_QUERIES = 16


# ---- the sync ------------------------------------------------------------------------------


def test_accept_takes_the_fields_and_keeps_a_local_edit_in_another(persona, api):
    source, copy = behind_copy(persona)
    client = api("tA_teacher")

    response = client.post(
        f"/api/v1/courses/{copy.pk}/sync/",
        {"accept": ["outline"]},
        format="json",
        HTTP_IF_MATCH=f'"{copy.version}"',
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outline"] == "一、新大纲\n二、新增内容"
    assert body["summary"] == "本镇改写的简介"
    assert body["source_version"] == source.version
    assert body["version"] == copy.version + 1
    assert body["source_update"] is None
    assert response["ETag"] == f'"{copy.version + 1}"'


def test_decline_hides_the_notice_until_a_newer_version(persona, api):
    source, copy = behind_copy(persona)
    client = api("tA_teacher")

    response = client.post(f"/api/v1/courses/{copy.pk}/sync/", {"decline": True}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["source_update"] is None
    row = Course.objects.get(pk=copy.pk)
    assert (row.outline, row.version, row.source_version) == (
        "一、旧大纲",
        copy.version,
        copy.source_version,
    )
    source = edit(persona, source, target_audience="全体干部")
    again = client.get(f"/api/v1/courses/{copy.pk}/").json()["source_update"]
    assert again == {"from_version": copy.source_version, "to_version": source.version}


def test_a_viewer_who_sees_the_copy_may_not_sync_it_and_nothing_changes(persona, api):
    _source, copy = behind_copy(persona)
    before = state(copy)
    client = api("tA_viewer")
    assert client.get(f"/api/v1/courses/{copy.pk}/source-diff/").status_code == 200

    for body in ({"accept": ["outline"]}, {"decline": True}):
        assert_problem(client.post(f"/api/v1/courses/{copy.pk}/sync/", body, format="json"), 403)
    assert state(copy) == before


@pytest.mark.parametrize("name", ["tB_teacher", "dA_curator", "muni_curator", "dept"])
def test_who_cannot_see_the_copy_gets_404_for_diff_versions_and_sync(name, persona, api):
    _source, copy = behind_copy(persona)
    before = state(copy)
    client = api(name)
    for path in ("source-diff/", "versions/"):
        assert_problem(client.get(f"/api/v1/courses/{copy.pk}/{path}"), 404)
    body = {"accept": ["outline"]}
    assert_problem(client.post(f"/api/v1/courses/{copy.pk}/sync/", body, format="json"), 404)
    assert state(copy) == before


def test_nobody_reads_a_version_of_a_resource_out_of_their_sight(persona, api):
    draft = LIBRARY_FACTORIES["courses"](owner_code=ORG["TA"], author=persona("tA_teacher"))
    mine = services.resource_publish(
        Course, user=persona("tA_curator"), pk=draft.pk, scope=Scope.PRIVATE
    )
    for name in ("tA2_teacher", "dA_curator", "muni_curator", "tB_teacher", "dept"):
        client = api(name)
        assert_problem(client.get(f"/api/v1/courses/{mine.pk}/versions/"), 404)
        assert_problem(client.get(f"/api/v1/courses/{mine.pk}/versions/{mine.version}/"), 404)
    assert api("tA_viewer").get(f"/api/v1/courses/{mine.pk}/versions/").status_code == 200
    assert api(None).get(f"/api/v1/courses/{mine.pk}/versions/").status_code == 401


def test_unknown_fields_are_refused_naming_accept_and_change_nothing(persona, api):
    _source, copy = behind_copy(persona)
    before = state(copy)
    client = api("tA_teacher")
    for body, fields in (
        ({"accept": ["outline", "no_such_field"]}, ["accept"]),
        ({"accept": ["owner"]}, ["accept"]),
        ({"accept": []}, ["accept"]),
        ({}, ["accept"]),
        ({"accept": ["outline"], "decline": True}, ["decline"]),
        ({"accept": "outline"}, ["accept"]),
    ):
        response = client.post(f"/api/v1/courses/{copy.pk}/sync/", body, format="json")
        assert_problem(response, 400, fields)
    assert state(copy) == before


def test_a_stale_if_match_is_412_and_changes_nothing(persona, api):
    _source, copy = behind_copy(persona)
    before = state(copy)
    response = api("tA_teacher").post(
        f"/api/v1/courses/{copy.pk}/sync/",
        {"accept": ["outline"]},
        format="json",
        HTTP_IF_MATCH=f'"{copy.version - 1}"',
    )
    assert_problem(response, 412)
    assert state(copy) == before


@pytest.mark.parametrize("body", [{"accept": ["outline"]}, {"decline": True}])
def test_a_sync_pinned_to_a_version_the_source_has_moved_past_is_409(persona, api, body):
    """The user read the diff at version N; the source published N+1 since: nothing changes,
    and they read the diff again."""
    source, copy = behind_copy(persona)
    client = api("tA_teacher")
    compared = client.get(f"/api/v1/courses/{copy.pk}/source-diff/").json()["to_version"]
    assert compared == source.published_version
    source = edit(persona, source, outline="一、再改的大纲")
    before = state(copy)

    response = client.post(
        f"/api/v1/courses/{copy.pk}/sync/", {**body, "to_version": compared}, format="json"
    )

    problem = assert_problem(response, 409)
    assert str(source.published_version) in problem["detail"]
    assert state(copy) == before
    again = client.post(
        f"/api/v1/courses/{copy.pk}/sync/",
        {"accept": ["outline"], "to_version": source.published_version},
        format="json",
    )
    assert again.status_code == 200, again.content
    assert again.json()["outline"] == "一、再改的大纲"
    assert again.json()["source_version"] == source.published_version


def test_a_sync_pinned_to_the_newest_version_goes_through(persona, api):
    source, copy = behind_copy(persona)
    response = api("tA_teacher").post(
        f"/api/v1/courses/{copy.pk}/sync/",
        {"accept": ["outline"], "to_version": source.published_version},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["source_version"] == source.published_version


@pytest.mark.parametrize("to_version", ["five", -1, 10**10, True, None])
def test_a_to_version_that_is_no_number_is_refused_naming_it(persona, api, to_version):
    _source, copy = behind_copy(persona)
    before = state(copy)
    response = api("tA_teacher").post(
        f"/api/v1/courses/{copy.pk}/sync/",
        {"accept": ["outline"], "to_version": to_version},
        format="json",
    )
    assert_problem(response, 400, ["to_version"])
    assert state(copy) == before


def test_the_schema_documents_to_version(api):
    schemas = api("tA_teacher").get("/api/schema/?format=json").json()["components"]["schemas"]
    sync = next(v for k, v in schemas.items() if k.startswith("Sync"))
    assert sync["properties"]["to_version"]["type"] == "integer"
    assert "409" in sync["properties"]["to_version"]["description"]


def test_sync_of_a_resource_that_is_not_a_copy_or_is_up_to_date_is_409(persona, api):
    source = published_source(persona)
    copy = town_copy(persona, source)
    original = services.resource_create(
        Course, user=persona("tA_teacher"), owner_code=ORG["TA"], data={"title": "自有课程"}
    )
    client = api("tA_teacher")
    for pk in (original.pk, copy.pk):
        before = state(Course.objects.get(pk=pk))
        response = client.post(f"/api/v1/courses/{pk}/sync/", {"decline": True}, format="json")
        assert_problem(response, 409)
        assert state(Course.objects.get(pk=pk)) == before


def test_a_withdrawn_source_offers_nothing_and_the_copy_keeps_working(persona, api):
    source, copy = behind_copy(persona)
    services.resource_withdraw(Course, user=persona("muni_curator"), pk=source.pk)
    client = api("tA_teacher")

    item = client.get(f"/api/v1/courses/{copy.pk}/").json()
    assert item["source_update"] is None
    assert_problem(client.get(f"/api/v1/courses/{copy.pk}/source-diff/"), 404)
    before = state(copy)
    assert_problem(
        client.post(f"/api/v1/courses/{copy.pk}/sync/", {"decline": True}, format="json"), 409
    )
    assert state(copy) == before
    edited = client.patch(f"/api/v1/courses/{copy.pk}/", {"outline": "自己的大纲"}, format="json")
    assert edited.status_code == 200, edited.content


def test_a_sync_retried_with_the_same_idempotency_key_replays(persona, api):
    _source, copy = behind_copy(persona)
    client, _token = token_client(persona("tA_teacher"))
    path = f"/api/v1/courses/{copy.pk}/sync/"
    headers = {"HTTP_IDEMPOTENCY_KEY": "k-1", "HTTP_IF_MATCH": f'"{copy.version}"'}
    first = client.post(path, {"accept": ["outline"]}, format="json", **headers)
    again = client.post(path, {"accept": ["outline"]}, format="json", **headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Course.objects.get(pk=copy.pk).version == copy.version + 1


def test_a_token_sync_without_if_match_is_428_and_changes_nothing(persona):
    _source, copy = behind_copy(persona)
    before = state(copy)
    client, _token = token_client(persona("tA_teacher"))
    response = client.post(
        f"/api/v1/courses/{copy.pk}/sync/",
        {"accept": ["outline"]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert_problem(response, 428)
    assert state(copy) == before


def test_a_published_copy_that_syncs_keeps_a_version_of_its_own(persona, api):
    _source, copy = behind_copy(persona)
    copy = services.resource_publish(
        Course, user=persona("tA_curator"), pk=copy.pk, scope=Scope.PRIVATE
    )
    response = api("tA_curator").post(
        f"/api/v1/courses/{copy.pk}/sync/", {"accept": ["outline"]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.PUBLISHED
    assert kept(copy)[-1] == response.json()["version"]


def test_the_versions_list_costs_the_same_queries_for_one_and_many_versions(persona, api):
    source = published_source(persona)
    client = api("tA_teacher")
    path = f"/api/v1/courses/{source.pk}/versions/"
    client.get(path)

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json())

    one, listed_one = measure()
    for n in range(3):
        edit(persona, source, outline=f"第{n}版大纲")
    many, listed_many = measure()
    assert (listed_one, listed_many) == (1, 4)
    assert one == many
