"""``seed_demo``'s department sites: 市工业和信息化局 supplies three factories, one admitted and
published to the city, one being assessed, one waiting for assessment; all through the
services (audit, lifecycle history), and a second run adds nothing. (``seed_demo`` loads them:
tests/seeds/demo/test_command.py.)"""

import pytest

from apps.audit.models import AuditEvent
from apps.sharing.choices import Scope, Status
from apps.teaching_sites.models import Lifecycle, TeachingSite
from seeds.dept_sites import DEPARTMENT_CODE, SITES, seed_dept_sites

pytestmark = pytest.mark.django_db


def department_sites():
    return TeachingSite.objects.filter(owner__code=DEPARTMENT_CODE).order_by("title")


@pytest.fixture
def seeded(persona):
    return seed_dept_sites({"muni_curator": persona("muni_curator")})


def test_the_department_supplies_a_site_at_each_stage(seeded, persona):
    assert seeded == {"department sites": len(SITES)}
    stages = {s.title: (s.status, s.scope, s.lifecycle) for s in department_sites()}
    assert stages == {
        "美的集团灯塔工厂": (Status.PUBLISHED, Scope.NETWORK, Lifecycle.ADMITTED),
        "顺德机器人谷": (Status.PENDING, Scope.NETWORK, Lifecycle.ASSESSING),
        "高明海天调味食品产业园": (Status.PENDING, Scope.NETWORK, Lifecycle.CANDIDATE),
    }
    submitter = department_sites().first().author
    assert submitter.username == "gxj_submitter"
    assert submitter.memberships.filter(organization__code=DEPARTMENT_CODE, role="submitter")


def test_the_admitted_one_is_reusable_and_the_others_wait_in_the_citys_queue(seeded, persona):
    reusable = TeachingSite.objects.restrict(persona("tB_teacher"), "reuse")
    assert list(reusable.filter(owner__code=DEPARTMENT_CODE).values_list("title", flat=True)) == [
        "美的集团灯塔工厂"
    ]
    queue = TeachingSite.objects.restrict(persona("muni_curator"), "review")
    assert set(queue.filter(owner__code=DEPARTMENT_CODE).values_list("title", flat=True)) == {
        "顺德机器人谷",
        "高明海天调味食品产业园",
    }
    assert not TeachingSite.objects.restrict(persona("dA_curator"), "view").filter(
        owner__code=DEPARTMENT_CODE, status=Status.PENDING
    )


def test_each_went_through_the_services(seeded):
    published = department_sites().get(title="美的集团灯塔工厂")
    assert [
        (e.from_state, e.to_state, e.user.username) for e in published.events.order_by("id")
    ] == [
        ("candidate", "assessing", "muni_curator"),
        ("assessing", "admitted", "muni_curator"),
    ]
    actions = AuditEvent.objects.filter(
        object_id=published.pk, content_type__model="teachingsite"
    ).order_by("id")
    assert [e.action for e in actions] == ["create", "submit", "lifecycle", "lifecycle", "publish"]


def test_a_second_run_adds_nothing(seeded, persona):
    before = [(s.pk, s.version, s.status, s.lifecycle) for s in department_sites()]
    assert seed_dept_sites({"muni_curator": persona("muni_curator")}) == {"department sites": 0}
    assert [(s.pk, s.version, s.status, s.lifecycle) for s in department_sites()] == before
