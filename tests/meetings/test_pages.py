"""The joint meeting's pages: what each tier sees, what the recorders do, refusals that change
nothing, errors beside the field."""

import pytest

from apps.meetings.models import Decision, ItemStatus, Meeting, PlanItem


def test_the_nav_links_to_the_joint_meeting(browser, world):
    body = browser("tA_teacher").get("/classes/").content.decode()
    assert 'href="/meetings/"' in body


@pytest.mark.parametrize(
    "who, sees",
    [("muni_teacher", True), ("dA_curator", True), ("dept", True), ("tA_curator", False)],
)
def test_the_meeting_list_and_detail(browser, world, who, sees):
    client = browser(who)
    body = client.get("/meetings/").content.decode()
    assert ("2025年第一次联席会议" in body) is sees
    detail = client.get(f"/meetings/{world['held'].pk}/")
    assert detail.status_code == (200 if sees else 404)
    if sees:
        text = detail.content.decode()
        assert "市发改局牵头开发专题课程" in text and "审议年度培训计划" in text
        assert "Mark as done" not in text and "标记为已办结" not in text  # not a recorder


def test_a_recorder_records_a_meeting_and_a_decision(browser, world):
    client = browser("muni_curator")
    assert client.get("/meetings/new/").status_code == 200
    bad = client.post("/meetings/new/", {"held_on": "2026-03-01", "status": "held"})
    assert bad.status_code == 400
    assert 'id="title-error"' in bad.content.decode()
    response = client.post(
        "/meetings/new/",
        {"title": "2026年第一次联席会议", "held_on": "2026-03-01", "status": "held"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="2026年第一次联席会议")
    added = client.post(
        f"/meetings/{meeting.pk}/decisions/",
        {"text": "各部门报送培训需求", "owner": world["city_dept"].organization.pk, "due_on": ""},
    )
    assert added.status_code == 302
    decision = Decision.objects.get(meeting=meeting)
    done = client.post(f"/decisions/{decision.pk}/done/")
    assert done.status_code == 302
    decision.refresh_from_db()
    assert decision.done_on is not None


@pytest.mark.parametrize("who, status", [("muni_teacher", 403), ("tA_curator", 404), ("dept", 403)])
def test_refused_page_writes_change_nothing(browser, world, who, status):
    client = browser(who)
    meetings = Meeting.objects.count()
    assert (
        client.post(
            "/meetings/new/", {"title": "x", "held_on": "2026-01-01", "status": "held"}
        ).status_code
        == 403
    )
    response = client.post(
        f"/meetings/{world['held'].pk}/decisions/",
        {"text": "x", "owner": world["held"].convened_by_id},
    )
    assert response.status_code == status
    assert client.post(f"/decisions/{world['decision'].pk}/done/").status_code == status
    assert Meeting.objects.count() == meetings
    assert Decision.objects.count() == 1
    assert Decision.objects.get().done_on is None
    decide = client.post(
        f"/plan-items/{world['proposed'].pk}/decide/",
        {
            f"d{world['proposed'].pk}-status": "approved",
            f"d{world['proposed'].pk}-meeting": world["held"].pk,
        },
    )
    assert decide.status_code == 403
    assert PlanItem.objects.get(pk=world["proposed"].pk).status == ItemStatus.PROPOSED


def test_the_plan_page_links_visible_classes_and_the_meeting(browser, world):
    own = browser("tA_curator").get("/plans/2025/").content.decode()
    assert "制造业当家专题班" in own and f'href="/classes/{world["town_class"].pk}/"' in own
    assert f'href="/meetings/{world["held"].pk}/"' not in own  # a town school does not see it
    other = browser("dB_curator").get("/plans/2025/").content.decode()
    assert world["town_class"].title not in other
    assert f'href="/meetings/{world["held"].pk}/"' in other
    assert browser("dept").get("/plans/").status_code == 302


def test_the_recorder_approves_at_a_meeting_and_links_classes(browser, world):
    client = browser("muni_curator")
    item = world["proposed"]
    page = client.get("/plans/2025/").content.decode()
    assert f"/plan-items/{item.pk}/decide/" in page
    wrong = client.post(
        f"/plan-items/{item.pk}/decide/",
        {f"d{item.pk}-status": "approved", f"d{item.pk}-meeting": world["planned"].pk},
    )
    assert wrong.status_code == 400  # only held meetings are offered
    ok = client.post(
        f"/plan-items/{item.pk}/decide/",
        {f"d{item.pk}-status": "approved", f"d{item.pk}-meeting": world["held"].pk},
    )
    assert ok.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.APPROVED and item.meeting == world["held"]


def test_a_department_proposes_for_itself(browser, world):
    client = browser("dept")
    page = client.get("/plans/2025/").content.decode()
    assert "Propose a class" in page or "提出" in page
    response = client.post(
        "/plans/2025/items/",
        {
            "title": "营商环境专题班",
            "proposed_by": world["city_dept"].organization.pk,
            "quarter": "2",
        },
    )
    assert response.status_code == 302
    assert PlanItem.objects.filter(title="营商环境专题班", proposed_by__code="440600-fgj").exists()
    other = client.post(
        "/plans/2025/items/", {"title": "x", "proposed_by": world["district_dept"].organization.pk}
    )
    assert other.status_code == 400  # not among the choices
    assert not PlanItem.objects.filter(title="x").exists()
