"""The joint meeting's test world: two departments' contact persons (a city one and a district
one), a held and a planned meeting, a cancelled one, a plan with items, and a class."""

import datetime

import pytest

from apps.accounts.models import Membership, User
from apps.meetings.models import (
    Decision,
    ItemStatus,
    Meeting,
    MeetingStatus,
    Partner,
    PlanItem,
    TrainingPlan,
)
from apps.organizations.models import Organization
from tests.factories import TrainingClassFactory

CITY_PHONE = "0757-83030001"
DISTRICT_PHONE = "0757-82270002"
OTHER_PHONE = "0757-86660003"


def code(c):
    return Organization.objects.get(code=c)


@pytest.fixture
def external_user(db):
    user = User.objects.create_user(username="dg_curator")
    Membership.objects.create(user=user, organization=code("441900"), role="curator")
    return user


@pytest.fixture
def world(db):
    muni = code("440600")
    city_dept = Partner.objects.create(
        organization=code("440600-fgj"),
        contact_name="陈立新",
        contact_title="综合科科长",
        contact_phone=CITY_PHONE,
        contact_email="chenlx@fgj.example.cn",
        member=True,
        member_since=datetime.date(2024, 3, 1),
    )
    district_dept = Partner.objects.create(
        organization=code("440604-fgj"),
        contact_name="黎慧敏",
        contact_phone=DISTRICT_PHONE,
        member=True,
        member_since=datetime.date(2024, 3, 1),
    )
    other_district = Partner.objects.create(
        organization=code("440605-jcj"), contact_name="邓志强", contact_phone=OTHER_PHONE
    )
    held = Meeting.objects.create(
        convened_by=muni,
        held_on=datetime.date(2025, 3, 20),
        title="2025年第一次联席会议",
        status=MeetingStatus.HELD,
        minutes="审议年度培训计划。",
    )
    held.attendees.set([code("440600-fgj"), code("440604")])
    planned = Meeting.objects.create(
        convened_by=muni, held_on=datetime.date(2099, 6, 1), title="下一次联席会议"
    )
    cancelled = Meeting.objects.create(
        convened_by=muni,
        held_on=datetime.date(2025, 1, 10),
        title="取消的会议",
        status=MeetingStatus.CANCELLED,
    )
    decision = Decision.objects.create(
        meeting=held,
        text="市发改局牵头开发专题课程",
        owner=code("440600-fgj"),
        due_on=datetime.date(2025, 6, 30),
    )
    plan = TrainingPlan.objects.create(year=2025, title="2025年度干部培训计划")
    proposed = PlanItem.objects.create(
        plan=plan, title="数字政府专题班", proposed_by=code("440600-zsj"), quarter=2
    )
    approved = PlanItem.objects.create(
        plan=plan,
        title="制造业当家专题班",
        proposed_by=code("440600-gxj"),
        quarter=1,
        status=ItemStatus.APPROVED,
        meeting=held,
    )
    town_class = TrainingClassFactory(host_code="440604010", title="祖庙制造业当家专题班")
    approved.classes.set([town_class])
    return {
        "city_dept": city_dept,
        "district_dept": district_dept,
        "other_district": other_district,
        "held": held,
        "planned": planned,
        "cancelled": cancelled,
        "decision": decision,
        "plan": plan,
        "proposed": proposed,
        "approved": approved,
        "town_class": town_class,
    }
