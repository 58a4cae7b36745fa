"""The calls' world: a district call (禅城区委党校, 440604) inviting 祖庙街道党校 (440604010) and a
department of the district (区工信局, made here), and a municipal call inviting 发改局."""

import datetime

import pytest

from apps.accounts.models import Membership, User
from apps.calls import services
from apps.organizations.models import Organization, OrganizationKind
from apps.taxonomy.models import ThematicDomain
from tests.conftest import ORG

DEPT_A = "440604-gxj"


def in_days(n: int) -> datetime.date:
    return services.local_today() + datetime.timedelta(days=n)


@pytest.fixture
def dept_a(db):
    """A department of the 禅城 district, with a submitter (``deptA``)."""
    district = Organization.objects.get(code=ORG["DA"])
    department, _ = Organization.objects.get_or_create(
        code=DEPT_A,
        defaults={"name": "禅城区工信局", "kind": OrganizationKind.DEPARTMENT, "parent": district},
    )
    user, _ = User.objects.get_or_create(username="deptA")
    Membership.objects.get_or_create(user=user, organization=department, role="submitter")
    return department


@pytest.fixture
def external(db):
    """A school of another city, with a teacher (``ext_teacher``)."""
    school, _ = Organization.objects.get_or_create(
        code="441900", defaults={"name": "东莞市委党校", "kind": OrganizationKind.EXTERNAL}
    )
    user, _ = User.objects.get_or_create(username="ext_teacher")
    Membership.objects.get_or_create(user=user, organization=school, role="teacher")
    return school


@pytest.fixture
def district_call(persona, org, dept_a):
    return services.call_create(
        user=persona("dA_curator"),
        organization=org("DA"),
        topic="制造业当家典型案例征集",
        description="请报送推动制造业高质量发展的案例、课程、师资和基地。",
        domains=list(ThematicDomain.objects.all()[:1]),
        kinds=["cases", "courses", "faculty", "sites"],
        invited=[org("TA"), dept_a],
        due_on=in_days(10),
    )


@pytest.fixture
def city_call(persona, org):
    return services.call_create(
        user=persona("muni_curator"),
        organization=org("M"),
        topic="营商环境改革案例征集",
        kinds=["cases"],
        invited=[org("DEP")],
        due_on=in_days(5),
    )
