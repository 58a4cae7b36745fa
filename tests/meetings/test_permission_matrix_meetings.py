"""The permission matrix, joint-meeting section (apps/meetings/policy.py):

    persona        meetings seen            record (meeting, decision,  propose an item
                                            plan, decide, link)
    muni_curator   all                      yes                         any organisation
    muni_admin     all                      yes                         any organisation
    muni_teacher   all (the convenor's)     403                         403
    dA_curator     all (a district curator) 403                         its own school
    dA_teacher     the one 禅城 attended      403                         403
    tA_curator     none                     403 (404 on a meeting)      its own school
    dept (fgj)     the one fgj attended     403                         its own department
    441900         none; no plans           404                         404
    anonymous      401                      401                         401

Refusals change nothing: no row, no audit event.
"""

import datetime

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.meetings.models import Decision, Meeting, PlanItem, TrainingPlan
from tests.helpers import assert_problem

MEETINGS = "/api/v1/meetings/"
SEEN = {
    "muni_curator": {"held", "planned", "cancelled"},
    "muni_admin": {"held", "planned", "cancelled"},
    "muni_teacher": {"held", "planned", "cancelled"},
    "dA_curator": {"held", "planned", "cancelled"},
    "dA_teacher": {"held"},
    "tA_curator": set(),
    "dept": {"held"},
}
RECORDERS = {"muni_curator", "muni_admin"}
NEW_MEETING = {
    "title": "2026年第一次联席会议",
    "held_on": "2026-03-18",
    "attendees": ["440600-fgj"],
}


def _counts():
    return (
        Meeting.objects.count(),
        Decision.objects.count(),
        TrainingPlan.objects.count(),
        PlanItem.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("who", sorted(SEEN))
def test_who_sees_which_meetings(api, world, who):
    client = api(who)
    listed = {row["id"] for row in client.get(MEETINGS).json()["results"]}
    expected = {world[name].pk for name in SEEN[who]}
    assert listed == expected
    for name in ("held", "planned", "cancelled"):
        response = client.get(f"{MEETINGS}{world[name].pk}/")
        assert response.status_code == (200 if name in SEEN[who] else 404)
    decision = client.get(f"/api/v1/decisions/{world['decision'].pk}/")
    assert decision.status_code == (200 if "held" in SEEN[who] else 404)


def test_outside_the_network_and_anonymous(world, external_user):
    client = APIClient()
    client.force_login(external_user)
    assert client.get(MEETINGS).json()["results"] == []
    assert client.get(f"{MEETINGS}{world['held'].pk}/").status_code == 404
    assert client.get("/api/v1/plans/").json() == []
    assert client.get("/api/v1/plans/2025/").status_code == 404
    assert client.get(f"/api/v1/plan-items/{world['approved'].pk}/").status_code == 404
    before = _counts()
    assert (
        client.post("/api/v1/plans/2025/items/", {"title": "x"}, format="json").status_code == 404
    )
    assert _counts() == before
    anonymous = APIClient()
    for url in (MEETINGS, "/api/v1/plans/", "/api/v1/partners/", f"{MEETINGS}{world['held'].pk}/"):
        assert anonymous.get(url).status_code == 401
    assert anonymous.post(MEETINGS, NEW_MEETING, format="json").status_code == 401
    assert _counts() == before


@pytest.mark.parametrize("who", sorted(SEEN))
def test_who_records_a_meeting(api, world, who):
    before = _counts()
    response = api(who).post(MEETINGS, NEW_MEETING, format="json")
    if who in RECORDERS:
        assert response.status_code == 201
        body = response.json()
        assert body["convened_by"] == "440600" and body["attendees"] == ["440600-fgj"]
        assert Meeting.objects.count() == before[0] + 1
        assert AuditEvent.objects.count() == before[4] + 1
    else:
        assert_problem(response, 403)
        assert _counts() == before


@pytest.mark.parametrize("who", sorted(SEEN))
def test_who_records_a_decision_and_marks_it_done(api, world, who):
    client = api(who)
    held = world["held"]
    before = _counts()
    added = client.post(
        f"{MEETINGS}{held.pk}/decisions/",
        {"text": "各区党校报送课程", "owner": "440604", "due_on": "2025-09-30"},
        format="json",
    )
    done = client.patch(
        f"/api/v1/decisions/{world['decision'].pk}/", {"done_on": "2025-05-01"}, format="json"
    )
    if who in RECORDERS:
        assert added.status_code == 201 and added.json()["overdue"] is True
        assert done.status_code == 200 and done.json()["done"] is True
    else:
        expected = 403 if "held" in SEEN[who] else 404
        assert_problem(added, expected)
        assert_problem(done, expected)
        assert _counts() == before
        assert Decision.objects.get(pk=world["decision"].pk).done_on is None


@pytest.mark.parametrize(
    "who, proposer, expected",
    [
        ("muni_curator", "440600-zsj", 201),
        ("muni_admin", "440605", 201),
        ("muni_teacher", "440600", 403),
        ("dA_curator", "440604", 201),
        ("dA_curator", "440605", 403),
        ("dA_teacher", "440604", 403),
        ("tA_curator", "440604010", 201),
        ("dept", "440600-fgj", 201),
        ("dept", "440600-kjj", 403),
    ],
)
def test_who_proposes_a_plan_item_for_whom(api, world, who, proposer, expected):
    before = _counts()
    response = api(who).post(
        "/api/v1/plans/2025/items/",
        {"title": "新质生产力专题班", "proposed_by": proposer, "quarter": 3},
        format="json",
    )
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.json()["status"] == "proposed"
        assert response.json()["proposed_by"] == proposer
    else:
        assert _counts() == before


@pytest.mark.parametrize("who", sorted(SEEN))
def test_who_decides_an_item_and_links_classes(api, world, who):
    client = api(who)
    before = _counts()
    decided = client.post(
        f"/api/v1/plan-items/{world['proposed'].pk}/decide/",
        {"status": "approved", "meeting": world["held"].pk},
        format="json",
    )
    linked = client.post(
        f"/api/v1/plan-items/{world['approved'].pk}/classes/", {"classes": []}, format="json"
    )
    plan = client.post("/api/v1/plans/", {"year": 2026}, format="json")
    if who in RECORDERS:
        assert decided.status_code == 200 and decided.json()["status"] == "approved"
        assert linked.status_code == 200 and linked.json()["classes"] == []
        assert plan.status_code == 201
    else:
        for response in (decided, linked, plan):
            assert_problem(response, 403)
        assert _counts() == before
        item = PlanItem.objects.get(pk=world["proposed"].pk)
        assert item.status == "proposed" and item.meeting is None
        assert list(world["approved"].classes.all()) == [world["town_class"]]


def test_everyone_in_the_network_reads_the_plan(api, world):
    for who in SEEN:
        response = api(who).get("/api/v1/plans/2025/")
        assert response.status_code == 200
        assert {i["title"] for i in response.json()["items"]} == {
            "数字政府专题班",
            "制造业当家专题班",
        }


def test_a_new_meeting_can_be_dated_today(api, world):
    today = datetime.date.today().isoformat()
    response = api("muni_curator").post(MEETINGS, {**NEW_MEETING, "held_on": today}, format="json")
    assert response.status_code == 201
