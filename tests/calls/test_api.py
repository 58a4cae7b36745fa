"""Calls over the API: publish, read, edit, close; and ``"call"`` on a library POST, for each
of the four libraries, which creates the resource and its answer together or neither."""

import pytest
from django_tasks_db.models import DBTaskResult

from apps.audit.models import AuditEvent
from apps.calls.models import Call, CallAnswer, CallStatus
from apps.cases.models import Case
from apps.courses.models import Course
from apps.faculty.models import Lecturer
from apps.teaching_sites.models import TeachingSite
from tests.calls.conftest import DEPT_A, in_days
from tests.conftest import ORG
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

CALLS = "/api/v1/calls/"

NEW = {
    "organization": ORG["DA"],
    "topic": "基层治理案例征集",
    "kinds": ["cases", "lecturers"],
    "invited": [ORG["TA"], "440604011"],
    "due_on": "2099-12-31",
}

PAYLOADS = {
    "cases": ("/api/v1/cases/", Case, {"title": "工业园区改造", "year": 2025}),
    "courses": ("/api/v1/courses/", Course, {"title": "制造业当家专题课"}),
    "faculty": ("/api/v1/faculty/", Lecturer, {"title": "张三"}),
    "sites": ("/api/v1/sites/", TeachingSite, {"title": "祖庙产业园"}),
}


def test_a_district_curator_publishes_a_call_and_the_invitees_are_told(api):
    jobs = DBTaskResult.objects.count()

    response = api("dA_curator").post(CALLS, NEW, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kinds"] == ["faculty", "cases"]  # registry order; "lecturers" is faculty
    assert sorted(body["invited"]) == sorted(NEW["invited"])
    assert body["status"] == "open"
    assert response["ETag"] == '"1"'
    assert [row["state"] for row in body["invitees"]] == ["waiting", "waiting"]
    assert DBTaskResult.objects.count() == jobs + 1  # the invitation's fan-out
    assert AuditEvent.objects.filter(object_id=body["id"], action="create").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kinds", ["recipes"]),
        ("kinds", []),
        ("invited", ["440605011"]),  # a town of another district
        ("invited", [ORG["DA"]]),  # the publisher itself
        ("due_on", "2001-01-01"),
        ("topic", ""),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_made(api, field, value):
    response = api("dA_curator").post(CALLS, {**NEW, field: value}, format="json")

    assert_problem(response, 400, [field])
    assert not Call.objects.exists()


@pytest.mark.parametrize("name", ["dA_teacher", "tA_curator", "dept", "dB_curator"])
def test_only_curators_of_the_publisher_may_publish(api, name):
    response = api(name).post(CALLS, NEW, format="json")

    assert response.status_code == 403
    assert not Call.objects.exists()


def test_a_town_school_cannot_publish_even_for_itself(api):
    response = api("tA_curator").post(
        CALLS, {**NEW, "organization": ORG["TA"], "invited": []}, format="json"
    )

    assert response.status_code == 403


def test_the_list_filters_open_and_invited_calls(api, district_call, city_call):
    client = api("tA_teacher")

    everything = client.get(CALLS).json()["results"]
    invited = client.get(CALLS, {"invited": "me"}).json()["results"]
    closed = client.get(CALLS, {"open": "false"}).json()["results"]

    assert [c["id"] for c in everything] == [district_call.pk]
    assert [c["id"] for c in invited] == [district_call.pk]
    assert closed == []
    assert_problem(client.get(CALLS, {"invited": "everyone"}), 400, ["invited"])


def test_the_list_costs_the_same_for_one_call_or_ten(
    api, persona, org, dept_a, django_assert_max_num_queries
):
    from apps.calls import services

    for n in range(10):
        services.call_create(
            user=persona("dA_curator"),
            organization=org("DA"),
            topic=f"征集{n}",
            kinds=["cases"],
            invited=[org("TA"), dept_a],
            due_on=in_days(n + 1),
        )
    client = api("dA_curator")
    with django_assert_max_num_queries(8):
        response = client.get(CALLS)
    assert len(response.json()["results"]) == 10


def test_the_publisher_sees_every_invitee_and_an_invitee_only_itself(api, district_call, dept_a):
    publisher = api("dA_curator").get(f"{CALLS}{district_call.pk}/").json()
    invitee = api("tA_teacher").get(f"{CALLS}{district_call.pk}/").json()

    assert sorted(row["organization"] for row in publisher["invitees"]) == sorted(
        [ORG["TA"], DEPT_A]
    )
    assert [row["organization"] for row in invitee["invitees"]] == [ORG["TA"]]
    # The list of codes follows the same rule: an invitee does not learn who else is asked.
    assert sorted(publisher["invited"]) == sorted([ORG["TA"], DEPT_A])
    assert invitee["invited"] == [ORG["TA"]]
    listed = api("tA_teacher").get(CALLS).json()["results"]
    assert [c["invited"] for c in listed if c["id"] == district_call.pk] == [[ORG["TA"]]]


def test_patch_needs_the_current_version_and_close_ends_it(api, district_call):
    client = api("dA_curator")
    url = f"{CALLS}{district_call.pk}/"

    stale = client.patch(url, {"topic": "新题目"}, format="json", HTTP_IF_MATCH='"7"')
    changed = client.patch(url, {"topic": "新题目"}, format="json", HTTP_IF_MATCH='"1"')
    closed = client.post(f"{url}close/", HTTP_IF_MATCH='"2"')
    again = client.post(f"{url}close/")
    edit_closed = client.patch(url, {"topic": "再改"}, format="json")

    assert stale.status_code == 412
    assert changed.status_code == 200 and changed.json()["topic"] == "新题目"
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert again.status_code == 409
    assert edit_closed.status_code == 409
    district_call.refresh_from_db()
    assert (district_call.topic, district_call.status) == ("新题目", CallStatus.CLOSED)


def test_an_invitee_may_not_edit_or_close(api, district_call):
    url = f"{CALLS}{district_call.pk}/"

    assert api("tA_curator").patch(url, {"topic": "x"}, format="json").status_code == 403
    assert api("tA_curator").post(f"{url}close/").status_code == 403
    district_call.refresh_from_db()
    assert (district_call.topic, district_call.status, district_call.version) == (
        "制造业当家典型案例征集",
        "open",
        1,
    )


# ---- answering with a library POST -------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(PAYLOADS))
def test_a_new_resource_with_call_is_recorded_as_the_answer(api, district_call, key):
    url, _model, payload = PAYLOADS[key]

    response = api("tA_teacher").post(
        url, {**payload, "owner": ORG["TA"], "call": district_call.pk}, format="json"
    )

    assert response.status_code == 201, response.content
    answer = CallAnswer.objects.get(call=district_call)
    assert (answer.library, answer.object_id, answer.organization.code) == (
        key,
        response.json()["id"],
        ORG["TA"],
    )
    detail = api("dA_curator").get(f"{CALLS}{district_call.pk}/").json()
    states = {row["organization"]: row["state"] for row in detail["invitees"]}
    assert states == {ORG["TA"]: "answered", DEPT_A: "waiting"}


@pytest.mark.parametrize("key", sorted(PAYLOADS))
def test_a_call_not_wanting_the_kind_refuses_and_nothing_is_created(api, persona, org, dept_a, key):
    from apps.calls import services

    other = "courses" if key != "courses" else "cases"
    call = services.call_create(
        user=persona("dA_curator"),
        organization=org("DA"),
        topic="只要一种",
        kinds=[other],
        invited=[org("TA")],
        due_on=in_days(3),
    )
    url, model, payload = PAYLOADS[key]
    before = model.objects.count()

    response = api("tA_teacher").post(
        url, {**payload, "owner": ORG["TA"], "call": call.pk}, format="json"
    )

    assert_problem(response, 400, ["call"])
    assert model.objects.count() == before
    assert not CallAnswer.objects.exists()


@pytest.mark.parametrize(
    ("who", "owner", "call_id"),
    [
        ("tA_teacher", ORG["TA"], 999999),  # no such call
        ("tA_teacher", ORG["TA"], "abc"),  # not a number
        ("tA2_teacher", "440604011", "CALL"),  # a sibling school, not invited (out of sight)
        ("dA_teacher", ORG["DA"], "CALL"),  # the publisher itself is not invited
    ],
)
def test_a_bad_call_refuses_naming_call_and_nothing_is_created(
    api, district_call, who, owner, call_id
):
    before = Case.objects.count()
    call_id = district_call.pk if call_id == "CALL" else call_id

    response = api(who).post(
        "/api/v1/cases/",
        {"title": "不该留下", "year": 2025, "owner": owner, "call": call_id},
        format="json",
    )

    assert_problem(response, 400, ["call"])
    assert Case.objects.count() == before
    assert not CallAnswer.objects.exists()


def test_a_closed_call_takes_no_answer(api, persona, district_call):
    from apps.calls import services

    services.call_close(user=persona("dA_curator"), pk=district_call.pk)
    before = Case.objects.count()

    response = api("tA_teacher").post(
        "/api/v1/cases/",
        {"title": "迟到", "year": 2025, "owner": ORG["TA"], "call": district_call.pk},
        format="json",
    )

    assert_problem(response, 400, ["call"])
    assert Case.objects.count() == before


def test_a_department_answers_the_city_call_with_a_case(api, city_call):
    response = api("dept").post(
        "/api/v1/cases/",
        {
            "owner": ORG["DEP"],
            "title": "项目审批“一网通办”改革",
            "background": "发改局推动投资项目审批流程再造的经过。",
            "key_issues": "部门协同；数据共享",
            "teaching_notes": "适合政务服务专题班",
            "discussion_questions": "如何打破部门壁垒？",
            "domains": ["business-environment"],
            "year": 2024,
            "call": city_call.pk,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    detail = api("muni_curator").get(f"{CALLS}{city_call.pk}/").json()
    row = detail["invitees"][0]
    assert row["state"] == "answered"
    assert [a["id"] for a in row["answers"]] == [response.json()["id"]]
