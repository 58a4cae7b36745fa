"""``GET /api/v1/<library>/{id}/history/`` and ``GET /api/v1/audit/``: who may read, filters."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.services import member_add
from apps.courses.models import Course
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from tests.audit.conftest import Since, course
from tests.conftest import ORG
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
AUDIT = "/api/v1/audit/"


def edit(persona, obj, n, user="tA_teacher"):
    for i in range(n):
        services.resource_update(Course, user=persona(user), pk=obj.pk, data={"title": f"第{i}版"})


# ---- a resource's history -------------------------------------------------------------------


def test_history_lists_the_resources_events_newest_first(persona, api):
    obj = course(persona)
    client = api("tA_teacher")
    client.patch(f"{COURSES}{obj.pk}/", {"title": "改一"}, format="json")
    client.post(f"{COURSES}{obj.pk}/submit/", {"scope": "private"}, format="json")
    other = course(persona)
    client.patch(f"{COURSES}{other.pk}/", {"title": "别的课程"}, format="json")

    response = api("tA_curator").get(f"{COURSES}{obj.pk}/history/")

    assert response.status_code == 200, response.content
    results = [e for e in response.json()["results"] if e["source"] == "app"]
    assert [e["action"] for e in results] == ["submit", "update"]
    submit = results[0]
    assert submit["user"] == "tA_teacher"
    assert submit["organization"] == ORG["TA"]
    assert submit["object_type"] == "courses.course"
    assert submit["object_id"] == obj.pk
    assert submit["changes"]["status"] == ["draft", "pending"]
    assert submit["token"] is None
    assert submit["request_id"]
    assert set(submit) == {
        "id",
        "occurred_at",
        "action",
        "source",
        "user",
        "token",
        "organization",
        "object_type",
        "object_id",
        "object_repr",
        "changes",
        "request_id",
    }


@pytest.mark.parametrize(
    ("reader", "status"),
    [
        ("tA_curator", 200),  # curator of the owner
        ("tA_admin", 200),  # admin of the owner
        ("dA_curator", 200),  # curator of the audience (published at district)
        ("tA_teacher", 403),  # sees it, may not read its history
        ("tA_viewer", 403),
        ("tA2_teacher", 403),  # sees it through the district audience
        ("tB_teacher", 404),  # another district: cannot see it at all
        ("dB_curator", 404),
    ],
)
def test_who_may_read_a_resources_history(reader, status, persona, api):
    obj = course(persona, status=Status.PUBLISHED, scope=Scope.DISTRICT)
    response = api(reader).get(f"{COURSES}{obj.pk}/history/")
    assert response.status_code == status, response.content
    if status != 200:
        assert response["Content-Type"].startswith("application/problem+json")


def test_history_needs_authentication(persona):
    from rest_framework.test import APIClient

    obj = course(persona)
    assert APIClient().get(f"{COURSES}{obj.pk}/history/").status_code == 401


def test_every_library_has_a_history(persona, api):
    case = CaseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    assert api("tA_curator").get(f"/api/v1/cases/{case.pk}/history/").status_code == 200
    assert api("tA_teacher").get(f"/api/v1/cases/{case.pk}/history/").status_code == 403


def test_history_costs_the_same_queries_for_few_and_many_events(persona, api, token_client):
    obj = course(persona)
    client = api("tA_curator")
    edit(persona, obj, 2)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{COURSES}{obj.pk}/history/", {"page_size": 50})
        assert response.status_code == 200, response.content
        return len(response.json()["results"]), len(queries.captured_queries)

    few_events, few_queries = measure()
    edit(persona, obj, 12, user="tA_curator")
    token, _raw = token_client("tA_teacher")
    token.patch(
        f"{COURSES}{obj.pk}/",
        {"title": "令牌改的"},
        format="json",
        HTTP_IF_MATCH=f'"{Course.objects.get(pk=obj.pk).version}"',
    )
    many_events, many_queries = measure()
    assert many_events >= few_events + 13
    assert few_queries == many_queries


def test_history_pages_with_a_cursor(persona, api):
    obj = course(persona)
    edit(persona, obj, 5)
    client = api("tA_curator")
    first = client.get(f"{COURSES}{obj.pk}/history/", {"page_size": 3}).json()
    second = client.get(first["next"]).json()
    ids = [e["id"] for e in first["results"] + second["results"]]
    assert len(first["results"]) == 3 and ids == sorted(ids, reverse=True)
    assert len(set(ids)) == len(ids) >= 5


# ---- the whole log --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "status"),
    [
        ("muni_admin", 200),
        ("muni_curator", 403),
        ("muni_teacher", 403),
        ("tA_admin", 403),  # an admin, but of a town school
        ("dA_curator", 403),
        ("dept", 403),
    ],
)
def test_only_municipal_admins_read_the_whole_log(reader, status, api):
    assert api(reader).get(AUDIT).status_code == status


def test_the_whole_log_needs_authentication():
    from rest_framework.test import APIClient

    assert APIClient().get(AUDIT).status_code == 401


@pytest.fixture
def log(persona, api):
    """A few events across organisations, users, libraries and kinds; returns their request ids."""
    mark = Since()
    ta_course = course(persona)
    da_course = course(persona, owner="DA", author="dA_teacher")
    case = CaseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    ids = {
        "ta_edit": api("tA_teacher").patch(
            f"{COURSES}{ta_course.pk}/", {"title": "镇课程"}, format="json"
        )["X-Request-ID"],
        "ta_submit": api("tA_teacher").post(
            f"{COURSES}{ta_course.pk}/submit/", {"scope": "private"}, format="json"
        )["X-Request-ID"],
        "da_edit": api("dA_teacher").patch(
            f"{COURSES}{da_course.pk}/", {"title": "区课程"}, format="json"
        )["X-Request-ID"],
        "case_edit": api("tA_curator").patch(
            f"/api/v1/cases/{case.pk}/", {"title": "案例"}, format="json"
        )["X-Request-ID"],
    }
    member_add(username="audit_newcomer", org_code=ORG["DA"], role="teacher")
    return mark, ids, {"ta": ta_course, "da": da_course, "case": case}


def listed(api, **params):
    response = api("muni_admin").get(AUDIT, {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_log_is_newest_first_and_holds_every_kind_of_event(log, api):
    mark, _ids, _objs = log
    results = [e for e in listed(api) if e["id"] > mark.mark and e["source"] == "app"]
    assert [e["action"] for e in results] == [
        "membership_add",
        "update",
        "update",
        "submit",
        "update",
    ]


def test_filters(log, api):
    mark, ids, objs = log

    def actions(**params):
        return [
            (e["action"], e["object_id"])
            for e in listed(api, **params)
            if e["id"] > mark.mark and e["source"] == "app"
        ]

    ta, da, case = objs["ta"].pk, objs["da"].pk, objs["case"].pk
    assert actions(action="submit") == [("submit", ta)]
    assert actions(action="submit,membership_add")[1] == ("submit", ta)
    assert actions(user="dA_teacher") == [("update", da)]
    assert actions(organization=ORG["DA"])[1:] == [("update", da)]
    assert actions(organization=ORG["DA"])[0][0] == "membership_add"
    assert actions(object_type="cases") == [("update", case)]
    assert actions(object_type="cases.case") == [("update", case)]
    assert actions(object_type="courses", object_id=ta) == [("submit", ta), ("update", ta)]
    assert actions(request_id=ids["da_edit"]) == [("update", da)]
    assert actions(object_type="accounts.membership")[0][0] == "membership_add"
    assert actions(source="db") == []


def test_date_filters(log, api):
    mark, _ids, _objs = log
    mine = [e for e in listed(api) if e["id"] > mark.mark]
    newest = max(e["occurred_at"] for e in mine)
    today = newest[:10]
    assert {e["id"] for e in listed(api, since=today) if e["id"] > mark.mark} == {
        e["id"] for e in mine
    }
    assert listed(api, until="2000-01-01") == []
    assert {e["id"] for e in listed(api, until=today)} >= {e["id"] for e in mine}
    assert listed(api, since="2999-01-01T00:00:00Z") == []
    bad = api("muni_admin").get(AUDIT, {"since": "昨天"})
    assert bad.status_code == 400
    assert "since" in bad.json()["errors"]


def test_the_whole_log_costs_the_same_queries_for_few_and_many_events(persona, api):
    client = api("muni_admin")

    def measure():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(AUDIT, {"page_size": 100}).status_code == 200
        return len(queries.captured_queries)

    edit(persona, course(persona), 2)
    few = measure()
    edit(persona, course(persona, owner="DA", author="dA_teacher"), 10, user="dA_teacher")
    member_add(username="audit_more", org_code=ORG["TA"], role="teacher")
    assert measure() == few


def test_the_schema_documents_history_and_the_log(client):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    for library in ("courses", "faculty", "cases", "sites"):
        assert "get" in schema["paths"][f"/api/v1/{library}/{{id}}/history/"]
    assert "get" in schema["paths"]["/api/v1/audit/"]
    names = {p["name"] for p in schema["paths"]["/api/v1/audit/"]["get"]["parameters"]}
    assert {
        "action",
        "user",
        "organization",
        "object_type",
        "since",
        "until",
        "request_id",
    } <= names
