"""Resources with every exported column filled in, for each library."""

from decimal import Decimal

import pytest

from apps.faculty.models import Employment, LecturerContact
from apps.organizations.models import Organization
from apps.taxonomy.models import TeachingMethod
from tests.factories import CaseFactory, CourseFactory, LecturerFactory, TeachingSiteFactory

TA, TA2, TB, DA, DB, M = "440604010", "440604011", "440605011", "440604", "440605", "440600"
LIBRARIES = ["courses", "faculty", "cases", "sites"]


def _org(code):
    return Organization.objects.get(code=code)


def make_rich(library: str, author, *, owner_code=TA, **kwargs) -> list:
    """Two resources of ``library``: one with every column filled, one nearly empty."""
    common = {"owner_code": owner_code, "author": author, **kwargs}
    if library == "courses":
        full = CourseFactory(
            title="=产业体系专题（第一讲）",
            summary="第一段\n第二段",
            class_hours=Decimal("2.5"),
            domains=["industrial-system", "finance"],
            **common,
        )
        full.methods.set(TeachingMethod.objects.filter(code__in=["mind-map", "industry-map"]))
        bare = CourseFactory(
            title="空白课程",
            summary="",
            outline="",
            kind=None,
            class_hours=None,
            target_audience="",
            domains=[],
            **common,
        )
        return [full, bare]
    if library == "faculty":
        full = LecturerFactory(
            title="张教授",
            employment=Employment.FULL_TIME,
            domains=["talent", "sci-tech"],
            **common,
        )
        LecturerContact.objects.create(
            lecturer=full,
            phone="13800138000",
            email="zhang@example.cn",
            id_number="44060119800101001X",
        )
        bare = LecturerFactory(
            title="李老师",
            kind=None,
            employer="",
            position="",
            professional_title="",
            biography="",
            domains=[],
            **common,
        )
        return [full, bare]
    if library == "cases":
        full = CaseFactory(
            title="村级工业园改造",
            contributing_department=_org("440600-fgj"),
            domains=["industrial-system"],
            **common,
        )
        bare = CaseFactory(
            title="空白案例",
            background="",
            key_issues="",
            teaching_notes="",
            discussion_questions="",
            industry="",
            place=None,
            year=None,
            domains=[],
            **common,
        )
        return [full, bare]
    full = TeachingSiteFactory(
        title="某智能制造产业园",
        town=_org(TA),
        latitude=Decimal("23.021548"),
        longitude=Decimal("113.121416"),
        visit_contact="王主任 0757-12345678",
        domains=["industrial-system", "sci-tech"],
        **common,
    )
    bare = TeachingSiteFactory(
        title="空白教学点",
        category=None,
        host_organization="",
        address="",
        district=None,
        teaching_points="",
        visit_minutes=None,
        capacity=None,
        domains=[],
        **common,
    )
    return [full, bare]


@pytest.fixture
def rich(persona):
    def make(library, author="tA_teacher", **kwargs):
        return make_rich(library, persona(author), **kwargs)

    return make
