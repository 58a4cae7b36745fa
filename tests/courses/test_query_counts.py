"""The course API reads in a fixed number of queries, however many items or links there are.

A list request costs: the session, the user, the user's seats (one query for the
actor), the ids of the organisations above them (the visibility filter's literal ids),
the page of courses (owner, author, audience and kind joined in), one prefetch each
for domains, methods, visible cases, visible sites and the teaching group (with its
lecturers), one query for which of the page's sources the reader may see, and the
content version (the list cache's key, ``apps.sharing.list_cache``; every measured
request here misses the cache). A detail read is the same with one course, without
the content version: details are not cached. If a change adds a per-item query, the
50-item page costs more than the 5-item one and these tests say so.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cases.models import Case
from apps.courses.models import Course, GroupRole, TeachingGroupMember
from apps.faculty.models import Lecturer
from apps.organizations.models import Organization
from apps.taxonomy.models import TeachingMethod, ThematicDomain
from apps.teaching_sites.models import Lifecycle, TeachingSite
from tests.conftest import ORG
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
# A list and an item on a cache miss: the versions and the lineage ids share one query.
LIST_QUERIES = 11
DETAIL_QUERIES = 11

READERS = ["tA_teacher", "muni_curator"]

# (owner, status, scope, author): all visible to both readers, for different reasons.
SHAPES = [
    (ORG["TA"], "published", "network", "tA_teacher"),
    (ORG["TA"], "published", "district", "tA_teacher"),
    (ORG["TA"], "pending", "network", "tA_teacher"),
    (ORG["DA"], "published", "district", "dA_teacher"),
    (ORG["M"], "published", "network", "muni_teacher"),
    ("440605011", "published", "network", "tB_teacher"),
]
GROUP_ROLES = [GroupRole.LEAD_EXPERT, GroupRole.OFFICIAL, GroupRole.ENTREPRENEUR]


def linked_resources(persona):
    """Network-published lecturers, cases and admitted sites that courses can link to."""
    municipal = Organization.objects.get(code=ORG["M"])
    common = {
        "owner": municipal,
        "audience": municipal,
        "author": persona("muni_teacher"),
        "status": "published",
        "scope": "network",
    }
    lecturers = [Lecturer.objects.create(title=f"讲师{i}", **common) for i in range(3)]
    cases = [Case.objects.create(title=f"案例{i}", **common) for i in range(2)]
    sites = [
        TeachingSite.objects.create(title=f"教学点{i}", lifecycle=Lifecycle.ADMITTED, **common)
        for i in range(2)
    ]
    return lecturers, cases, sites


def rich_course(persona, owner, status, scope, author, links, *, domains, methods, group, source):
    lecturers, cases, sites = links
    course = CourseFactory(
        owner_code=owner,
        status=status,
        scope=scope,
        author=persona(author),
        domains=domains,
        source=source,
        source_version=source.version if source else None,
    )
    course.methods.set(TeachingMethod.objects.filter(code__in=methods))
    course.cases.set(cases)
    course.sites.set(sites)
    TeachingGroupMember.objects.bulk_create(
        TeachingGroupMember(course=course, lecturer=lecturer, role=role, position=i)
        for i, (lecturer, role) in enumerate(zip(lecturers[:group], GROUP_ROLES, strict=False))
    )
    return course


@pytest.fixture
def fifty_courses(persona):
    links = linked_resources(persona)
    domain_codes = list(ThematicDomain.objects.values_list("code", flat=True))
    method_codes = list(TeachingMethod.objects.values_list("code", flat=True))
    first_source = None
    courses = []
    for i in range(50):
        owner, status, scope, author = SHAPES[i % len(SHAPES)]
        course = rich_course(
            persona,
            owner,
            status,
            scope,
            author,
            links,
            domains=domain_codes[: 1 + i % len(domain_codes)],
            methods=method_codes[: 1 + i % len(method_codes)],
            group=i % 4,
            source=first_source if i % 5 == 4 else None,
        )
        first_source = first_source or course
        courses.append(course)
    for name in READERS:
        assert Course.objects.restrict(persona(name), "view").count() == 50, name
    return courses


def measure(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.content
    return response, len(queries.captured_queries)


@pytest.mark.parametrize("reader", READERS)
def test_listing_fifty_courses_costs_the_same_queries_as_listing_five(reader, fifty_courses, api):
    client = api(reader)

    small, small_count = measure(client, COURSES, {"page_size": 5})
    large, large_count = measure(client, COURSES, {"page_size": 50})

    assert len(small.json()["results"]) == 5
    assert len(large.json()["results"]) == 50
    assert large.json()["next"] is None
    items = large.json()["results"]
    assert {len(item["domains"]) for item in items} == set(range(1, 8))
    assert {len(item["methods"]) for item in items} == set(range(1, 6))
    assert {len(item["teaching_group"]) for item in items} == {0, 1, 2, 3}
    assert all(len(item["cases"]) == 2 and len(item["sites"]) == 2 for item in items)
    assert sum(item["source"] is not None for item in items) == 10
    assert small_count == large_count
    assert large_count == LIST_QUERIES


@pytest.mark.parametrize("reader", READERS)
def test_following_the_next_page_costs_the_same_as_the_first(reader, fifty_courses, api):
    client = api(reader)

    first, first_count = measure(client, COURSES, {"page_size": 20})
    second, second_count = measure(client, first.json()["next"])

    assert len(second.json()["results"]) == 20
    assert first_count == second_count == LIST_QUERIES


@pytest.mark.parametrize("reader", READERS)
def test_reading_one_course_does_not_depend_on_how_many_domains_it_has(reader, persona, api):
    links = linked_resources(persona)
    all_domains = list(ThematicDomain.objects.values_list("code", flat=True))
    all_methods = list(TeachingMethod.objects.values_list("code", flat=True))
    shape = SHAPES[0]
    lean = rich_course(
        persona, *shape, links, domains=all_domains[:1], methods=[], group=0, source=None
    )
    rich = rich_course(
        persona, *shape, links, domains=all_domains, methods=all_methods, group=3, source=lean
    )
    client = api(reader)

    lean_response, lean_count = measure(client, f"{COURSES}{lean.pk}/")
    rich_response, rich_count = measure(client, f"{COURSES}{rich.pk}/")

    assert len(lean_response.json()["domains"]) == 1
    assert len(rich_response.json()["domains"]) == len(all_domains) == 7
    assert len(rich_response.json()["teaching_group"]) == 3
    assert rich_response.json()["source"] == lean.pk
    assert lean_count == rich_count
    assert rich_count == DETAIL_QUERIES
