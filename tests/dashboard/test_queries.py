"""The dashboard costs the same number of queries for a handful of resources or hundreds.

``stats.collect`` reads: the subtree's organisations, the thematic domains, per
library published/pending counts by owner and published counts by domain (4 + 4),
the reuse flows, and the training classes and their sessions by year and host: 13 queries.
The page adds the session, the user, the user's seats and the navigation's names, a constant,
and one aggregate per added table (contributions; consultation reports by year and school).
"""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.courses.models import Course
from apps.dashboard.stats import collect
from apps.faculty.models import Lecturer
from apps.organizations.models import Organization
from apps.sharing import services
from apps.taxonomy.models import ThematicDomain
from tests.conftest import ORG
from tests.dashboard.conftest import DASHBOARD, EXPORT

pytestmark = pytest.mark.django_db

COLLECT_QUERIES = 13
OWNERS = [ORG["M"], ORG["DA"], ORG["TA"], "440604011", ORG["DB"], "440605011", ORG["DEP"]]
REUSERS = [(ORG["TA"], "tA_teacher"), ("440604011", "tA2_teacher"), ("440605011", "tB_teacher")]


def grow(make, persona, per_library: int, reuses: int, new_towns: int):
    """Resources in every library, owner and domain mix; reuses; extra schools."""
    domains = list(ThematicDomain.objects.values_list("code", flat=True))
    owners = itertools.cycle(OWNERS)
    published = []
    for library in ("courses", "faculty", "cases", "sites"):
        for i in range(per_library):
            status = "pending" if i % 5 == 4 else "published"
            resource = make(library, next(owners), status=status, domains=domains[: 1 + i % 7])
            if status == "published" and library in ("courses", "faculty"):
                published.append(resource)
    district = Organization.objects.get(code=ORG["DA"])
    for i in range(new_towns):
        Organization.objects.create(
            code=f"44060499{i}", name=f"测试镇{i}", kind="town", parent=district
        )
    sources = itertools.cycle(published)
    for i in range(reuses):
        resource = next(sources)
        code, username = REUSERS[i % len(REUSERS)]
        services.resource_reuse(
            Course if isinstance(resource, Course) else Lecturer,
            user=persona(username),
            pk=resource.pk,
            target_code=code,
        )


def count(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("name", ["muni_curator", "dA_curator"])
def test_page_and_export_cost_the_same_for_small_and_large_networks(browser, make, persona, name):
    client = browser(name)
    grow(make, persona, per_library=2, reuses=1, new_towns=0)
    small_page = count(client, DASHBOARD)
    small_export = count(client, EXPORT)

    grow(make, persona, per_library=30, reuses=25, new_towns=6)
    large_page = count(client, DASHBOARD)
    large_export = count(client, EXPORT)

    assert small_page == large_page
    assert small_export == large_export
    assert large_page <= COLLECT_QUERIES + 7


@pytest.mark.parametrize("code", [ORG["M"], ORG["DA"]])
def test_collect_reads_a_fixed_number_of_queries(make, persona, code):
    root = Organization.objects.get(code=code)
    grow(make, persona, per_library=3, reuses=2, new_towns=0)
    with CaptureQueriesContext(connection) as small:
        first = collect(root)

    grow(make, persona, per_library=25, reuses=20, new_towns=4)
    with CaptureQueriesContext(connection) as large:
        second = collect(root)

    assert len(small.captured_queries) == len(large.captured_queries) == COLLECT_QUERIES
    assert second.published_total > first.published_total
    assert second.reuse_total > first.reuse_total
