"""``seed_demo``'s joint meeting (联席会议): the brief's thirty-odd departments with contact
persons and membership, a meeting each quarter over three years with decisions (some done,
some overdue), and each year's plan approved at the year's first meeting and linked to the
demo's classes. A second run: test_second_run.py."""

import re
from collections import Counter

import pytest

from apps.meetings.models import Decision, ItemStatus, Meeting, MeetingStatus, Partner, PlanItem
from apps.organizations.models import Organization
from tests.seeds.demo import TODAY

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_joint_meeting(demo, demo_day):
    departments = Organization.objects.filter(kind="department")
    city = departments.filter(parent__kind="municipal")
    assert city.count() >= 30  # "more than thirty city and district departments"
    assert departments.filter(parent__kind="district").count() >= 5
    partners = Partner.objects.all()
    assert partners.count() == departments.count()
    assert partners.filter(member=True).count() >= 30
    assert all(p.contact_name and re.fullmatch(r"0757-\d{8}", p.contact_phone) for p in partners)

    meetings = Meeting.objects.all()
    assert meetings.count() == 12  # quarterly, 2024–2026
    assert set(meetings.values_list("held_on__year", flat=True)) == {2024, 2025, 2026}
    held = meetings.filter(status=MeetingStatus.HELD)
    assert held.count() == 11 and all(m.held_on <= TODAY for m in held)
    assert meetings.get(status=MeetingStatus.PLANNED).held_on > TODAY
    assert all(m.attendees.count() >= 30 for m in held)

    decisions = list(Decision.objects.all())
    assert len(decisions) == 33
    assert sum(d.is_done for d in decisions) > 20
    assert 1 <= sum(d.is_overdue for d in decisions) <= 8  # on the demo's day

    items = PlanItem.objects.all()
    per_year = Counter(items.values_list("plan__year", flat=True))
    assert set(per_year) == {2024, 2025, 2026} and min(per_year.values()) >= 12
    status = Counter(items.values_list("status", flat=True))
    assert status[ItemStatus.DECLINED] == 1 and status[ItemStatus.APPROVED] >= 36
    approved = items.filter(status=ItemStatus.APPROVED)
    assert all(i.meeting.held_on.month == 3 for i in approved.select_related("meeting"))
    linked = approved.filter(classes__isnull=False).distinct()
    assert linked.count() >= 15
    for item in linked.prefetch_related("classes").select_related("plan"):
        assert {c.start_date.year for c in item.classes.all()} == {item.plan.year}
        assert {c.theme_id for c in item.classes.all()} == {item.theme_id}
