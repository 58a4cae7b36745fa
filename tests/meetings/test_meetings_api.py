"""The joint meeting over HTTP: states (409), bad input (400 naming the field), what a plan
shows each reader (its classes and meetings, only those visible), and the query budgets."""

import pytest

from apps.audit.models import AuditEvent
from apps.meetings.models import Decision, ItemStatus, Meeting, PlanItem
from tests.factories import TrainingClassFactory
from tests.helpers import assert_problem

MEETINGS = "/api/v1/meetings/"
ITEMS = "/api/v1/plan-items/"


def test_bad_input_names_the_field(api, world):
    client = api("muni_curator")
    before = (Meeting.objects.count(), AuditEvent.objects.count())
    assert_problem(client.post(MEETINGS, {"held_on": "2026-01-01"}, format="json"), 400, ["title"])
    assert_problem(
        client.post(MEETINGS, {"title": "x", "held_on": "soon"}, format="json"), 400, ["held_on"]
    )
    assert_problem(
        client.post(
            MEETINGS,
            {"title": "x", "held_on": "2026-01-01", "attendees": ["441900"]},
            format="json",
        ),
        400,
        ["attendees"],
    )
    assert_problem(
        client.post(
            MEETINGS, {"title": "x", "held_on": "2026-01-01", "attendees": ["nope"]}, format="json"
        ),
        400,
        ["attendees"],
    )
    assert (Meeting.objects.count(), AuditEvent.objects.count()) == before
    held = world["held"]
    assert_problem(
        client.post(f"{MEETINGS}{held.pk}/decisions/", {"text": "x"}, format="json"), 400, ["owner"]
    )
    assert_problem(
        client.post(
            f"{MEETINGS}{held.pk}/decisions/",
            {"text": "x", "owner": "440600", "done_on": "2020-01-01"},
            format="json",
        ),
        400,
        ["done_on"],
    )
    assert_problem(
        client.post(
            "/api/v1/plans/2025/items/",
            {"title": "x", "proposed_by": "440600", "quarter": 5},
            format="json",
        ),
        400,
        ["quarter"],
    )
    assert_problem(client.post("/api/v1/plans/", {"year": 1800}, format="json"), 400, ["year"])
    assert Decision.objects.count() == 1


def test_states_answer_409_and_change_nothing(api, world):
    client = api("muni_curator")
    # A cancelled meeting takes no decisions.
    refused = client.post(
        f"{MEETINGS}{world['cancelled'].pk}/decisions/",
        {"text": "x", "owner": "440600"},
        format="json",
    )
    assert_problem(refused, 409)
    assert not Decision.objects.filter(meeting=world["cancelled"]).exists()
    # An item is decided once.
    again = client.post(
        f"{ITEMS}{world['approved'].pk}/decide/",
        {"status": "declined", "meeting": world["held"].pk},
        format="json",
    )
    assert_problem(again, 409)
    assert PlanItem.objects.get(pk=world["approved"].pk).status == ItemStatus.APPROVED
    # Only an approved item is carried out by classes.
    link = client.post(
        f"{ITEMS}{world['proposed'].pk}/classes/",
        {"classes": [world["town_class"].pk]},
        format="json",
    )
    assert_problem(link, 409)
    assert not world["proposed"].classes.exists()
    # One plan a year.
    assert_problem(client.post("/api/v1/plans/", {"year": 2025}, format="json"), 409)


def test_an_item_is_decided_at_a_meeting_that_was_held(api, world):
    client = api("muni_curator")
    url = f"{ITEMS}{world['proposed'].pk}/decide/"
    assert_problem(client.post(url, {"status": "approved"}, format="json"), 400, ["meeting"])
    assert_problem(
        client.post(url, {"status": "approved", "meeting": world["planned"].pk}, format="json"),
        400,
        ["meeting"],
    )
    assert_problem(
        client.post(url, {"status": "approved", "meeting": 999999}, format="json"), 400, ["meeting"]
    )
    assert_problem(
        client.post(url, {"status": "proposed", "meeting": world["held"].pk}, format="json"),
        400,
        ["status"],
    )
    assert PlanItem.objects.get(pk=world["proposed"].pk).status == ItemStatus.PROPOSED
    ok = client.post(url, {"status": "declined", "meeting": world["held"].pk}, format="json")
    assert ok.status_code == 200
    assert ok.json()["status"] == "declined" and ok.json()["meeting"] == world["held"].pk


def test_the_plan_shows_each_reader_only_the_classes_and_meetings_they_may_see(api, world):
    town_class = world["town_class"]
    # 祖庙's class: its members and the schools above see it; 南海's curator does not.
    seen = api("tA_curator").get("/api/v1/plans/2025/").json()
    approved = next(i for i in seen["items"] if i["id"] == world["approved"].pk)
    assert approved["classes"] == [
        {
            "id": town_class.pk,
            "title": town_class.title,
            "start_date": town_class.start_date.isoformat(),
        }
    ]
    assert approved["meeting"] is None  # a town school does not see the joint meeting
    other = api("dB_curator").get("/api/v1/plans/2025/").json()
    approved = next(i for i in other["items"] if i["id"] == world["approved"].pk)
    assert approved["classes"] == []
    assert approved["meeting"] == world["held"].pk
    assert town_class.title not in str(other)


def test_linking_classes_replaces_and_refuses_a_class_out_of_sight(api, world):
    client = api("muni_curator")
    extra = TrainingClassFactory(host_code="440605", title="南海区制造业专题班")
    url = f"{ITEMS}{world['approved'].pk}/classes/"
    response = client.post(url, {"classes": [extra.pk]}, format="json")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["classes"]] == [extra.pk]
    # A class the municipal curator may not see: 东莞's (a school of another city).
    outside = TrainingClassFactory(host_code="441900", title="东莞的班")
    refused = client.post(url, {"classes": [outside.pk]}, format="json")
    assert_problem(refused, 400, ["classes"])
    assert_problem(client.post(url, {"classes": [99999999]}, format="json"), 400, ["classes"])
    assert list(PlanItem.objects.get(pk=world["approved"].pk).classes.all()) == [extra]


def test_meetings_list_query_budget(api, world, django_assert_max_num_queries):
    client = api("muni_curator")
    for n in range(10):
        meeting = Meeting.objects.create(
            convened_by=world["held"].convened_by, held_on="2024-01-01", title=f"m{n}"
        )
        meeting.attendees.set([world["city_dept"].organization])
        Decision.objects.create(meeting=meeting, text="d", owner=world["city_dept"].organization)
    with django_assert_max_num_queries(7):
        response = client.get(MEETINGS)
    assert len(response.json()["results"]) == 13


def test_plan_query_budget(api, world, django_assert_max_num_queries):
    plan = world["plan"]
    for n in range(15):
        item = PlanItem.objects.create(
            plan=plan, title=f"i{n}", proposed_by=world["city_dept"].organization
        )
        item.domains.set([])
    client = api("dA_curator")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/plans/2025/")
    assert len(response.json()["items"]) == 17


def test_partners_list_query_budget(api, world, django_assert_max_num_queries):
    client = api("muni_curator")
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/partners/")
    assert len(response.json()) >= 46


@pytest.mark.parametrize("who", ["muni_curator", "dept"])
def test_decisions_are_flagged_overdue(api, world, who):
    body = api(who).get(f"{MEETINGS}{world['held'].pk}/").json()
    assert body["decisions"][0]["overdue"] is True  # due 2025-06-30, not done
