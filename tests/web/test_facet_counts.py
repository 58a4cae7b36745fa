"""List pages count once and then read the counts from the cache (apps.web.facets).

What users depend on: the numbers beside each facet and the result total are those of
what *they* may see, a change shows up on the next page load, and a second load does not
count the library again.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.courses.models import Course
from apps.sharing import services
from tests.conftest import ORG
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def without_csrf(response) -> str:
    """The page without its CSRF token, which is masked afresh on every render."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def total(response) -> int:
    return response.context["total"]


def facet(response, name) -> dict:
    values = next(f for f in response.context["facets"] if f["name"] == name)["values"]
    return {v["label"]: v["n"] for v in values}


def make_courses(persona):
    author = persona("muni_teacher")
    for _ in range(3):
        CourseFactory(owner_code=ORG["M"], status="published", scope="network", author=author)
    # Pending at the town's district: the district curator counts it, a town teacher elsewhere
    # in the network does not.
    CourseFactory(
        owner_code=ORG["TA"], status="pending", scope="district", author=persona("tA_teacher")
    )


def test_a_second_load_reads_the_counts_without_counting_again(browser, persona):
    make_courses(persona)
    client = browser("tA_teacher")

    with CaptureQueriesContext(connection) as first:
        first_response = client.get("/library/courses/")
    assert total(first_response) == 4
    with CaptureQueriesContext(connection) as second:
        second_response = client.get("/library/courses/")

    counting = [q for q in first.captured_queries if "COUNT(" in q["sql"]]
    assert len(counting) >= 2  # the total and the facets (one pass on PostgreSQL, else several)
    assert not [q for q in second.captured_queries if "COUNT(" in q["sql"]]
    assert without_csrf(second_response) == without_csrf(first_response)
    # Another page of the same list reuses the counts.
    with CaptureQueriesContext(connection) as sorted_again:
        client.get("/library/courses/", {"sort": "title"})
    assert not [q for q in sorted_again.captured_queries if "COUNT(" in q["sql"]]


def test_a_change_is_counted_on_the_next_load(browser, persona):
    make_courses(persona)
    client = browser("tA_teacher")
    before = client.get("/library/courses/")

    CourseFactory(
        owner_code=ORG["M"], status="published", scope="network", author=persona("muni_teacher")
    )
    after = client.get("/library/courses/")

    assert total(after) == total(before) + 1
    assert facet(after, "status")["已发布"] == facet(before, "status")["已发布"] + 1


def test_a_publication_through_the_services_moves_the_status_counts(browser, persona):
    make_courses(persona)
    curator = persona("dA_curator")
    client = browser("dA_curator")
    before = facet(client.get("/library/courses/"), "status")

    pending = Course.objects.get(status="pending")
    services.resource_publish(Course, user=curator, pk=pending.pk, scope="district")
    after = facet(client.get("/library/courses/"), "status")

    assert after["已发布"] == before["已发布"] + 1
    assert after.get("待审核", 0) == before["待审核"] - 1


@pytest.mark.parametrize(
    ("first", "second"), [("dA_curator", "tB_teacher"), ("tB_teacher", "dA_curator")]
)
def test_readers_with_different_seats_never_see_each_others_counts(first, second, browser, persona):
    make_courses(persona)
    browser(first).get("/library/courses/")  # fills the cache for the first reader

    response = browser(second).get("/library/courses/")

    visible = Course.objects.restrict(persona(second), "view")
    assert total(response) == visible.count()
    assert sum(facet(response, "status").values()) == visible.count()


def test_filters_are_counted_apart(browser, persona):
    make_courses(persona)
    client = browser("tA_teacher")
    everything = client.get("/library/courses/")

    pending_only = client.get("/library/courses/", {"status": "pending"})

    assert (
        total(pending_only)
        == Course.objects.restrict(persona("tA_teacher"), "view").filter(status="pending").count()
    )
    assert total(pending_only) < total(everything)


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="GROUPING SETS: the PostgreSQL path only"
)
@pytest.mark.parametrize("library_key", ["courses", "faculty", "cases", "sites"])
@pytest.mark.parametrize("reader", ["tA_teacher", "muni_curator"])
@pytest.mark.parametrize(
    "query", [{}, {"status": "published"}, {"domain": "finance"}, {"q": "园区"}]
)
def test_one_pass_counts_equal_one_query_per_facet(library_key, reader, query, persona):
    """PostgreSQL counts every facet in one GROUPING SETS pass; it must give exactly what
    one aggregate per facet gives (the portable path, used on SQLite)."""
    from apps.sharing.registry import get_library
    from apps.web.facets import _count_rows_each, _count_rows_grouped
    from tests.factories import LIBRARY_FACTORIES

    library = get_library(library_key)
    factory = LIBRARY_FACTORIES[library_key]
    for owner, status, scope in [
        (ORG["M"], "published", "network"),
        (ORG["M"], "published", "network"),
        (ORG["DA"], "published", "district"),
        (ORG["TA"], "draft", "private"),
        (ORG["TA"], "pending", "network"),
    ]:
        author = {ORG["M"]: "muni_teacher", ORG["DA"]: "dA_teacher", ORG["TA"]: "tA_teacher"}
        factory(owner_code=owner, status=status, scope=scope, author=persona(author[owner]))
    user = persona(reader)
    base = library.model.objects.restrict(user, "view")
    filterset = library.filterset(query or None, queryset=base)
    queryset = filterset.qs if query else base

    def normal(counts):
        return {
            "total": counts["total"],
            "facets": {k: sorted(v, key=repr) for k, v in counts["facets"].items()},
        }

    grouped = normal(_count_rows_grouped(library, queryset))
    each = normal(_count_rows_each(library, queryset))
    assert grouped == each
    assert grouped["total"] == queryset.count()


@pytest.mark.parametrize(
    "query",
    [{"q": "！？…"}, {"within": "no-such-school"}, {"q": "园区", "within": "no-such-school"}],
)
def test_a_list_known_to_be_empty_shows_zero_results(query, browser, persona):
    make_courses(persona)

    response = browser("tA_teacher").get("/library/courses/", query)

    assert response.status_code == 200
    assert total(response) == 0
    assert all(sum(facet(response, f["name"]).values()) == 0 for f in response.context["facets"])


def test_a_signed_in_user_without_a_school_sees_an_empty_list(client, persona, django_user_model):
    make_courses(persona)
    client.force_login(django_user_model.objects.create_user(username="no_seat"))

    response = client.get("/library/courses/")

    assert response.status_code == 200
    assert total(response) == 0
