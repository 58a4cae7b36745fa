"""The vocabulary filters (``domain``, ``theme``, ``method``) answer each matching item once,
through the API and the list pages alike (``apps.sharing.filters.LinkedCodeFilter``)."""

import pytest

from apps.taxonomy.models import TeachingMethod, ThematicDomain
from tests.conftest import ORG
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses(persona):
    domains = list(ThematicDomain.objects.order_by("code")[:3])
    methods = list(TeachingMethod.objects.order_by("code")[:2])

    def course(title, domain_list, method_list):
        item = CourseFactory(
            owner_code=ORG["M"],
            status="published",
            scope="network",
            author=persona("muni_teacher"),
            title=title,
        )
        item.domains.set(domain_list)
        item.methods.set(method_list)
        return item

    course("两个领域两种方法", domains[:2], methods)
    course("一个领域", domains[1:2], [])
    course("别的领域", domains[2:], methods[:1])
    return domains, methods


@pytest.mark.parametrize("name", ["domain", "theme"])
def test_a_domain_filter_answers_each_matching_course_once(name, courses, api):
    domains, _methods = courses
    client = api("tA_teacher")

    first = client.get("/api/v1/courses/", {name: domains[0].code}).json()["results"]
    second = client.get("/api/v1/courses/", {name: domains[1].code}).json()["results"]
    none = client.get("/api/v1/courses/", {name: "no-such-domain"}).json()["results"]

    assert [c["title"] for c in first] == ["两个领域两种方法"]
    assert sorted(c["title"] for c in second) == ["一个领域", "两个领域两种方法"]
    assert none == []


def test_a_method_filter_answers_each_matching_course_once(courses, api):
    _domains, methods = courses
    client = api("tA_teacher")

    both = client.get("/api/v1/courses/", {"method": methods[0].code}).json()["results"]
    one = client.get("/api/v1/courses/", {"method": methods[1].code}).json()["results"]

    assert sorted(c["title"] for c in both) == ["两个领域两种方法", "别的领域"]
    assert [c["title"] for c in one] == ["两个领域两种方法"]


def test_the_list_page_counts_each_matching_course_once(courses, client, persona):
    domains, _methods = courses
    client.force_login(persona("tA_teacher"))

    page = client.get("/library/courses/", {"domain": domains[1].code})

    assert page.status_code == 200
    assert page.context["total"] == 2
