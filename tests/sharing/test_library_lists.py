"""The lecturer, case and site libraries list and filter like the course library does.

A list request costs a fixed number of queries however many items and links the
page holds: the session, the user, the user's seats, the page itself (owner,
author, audience, the library's foreign keys and "is the source visible" joined
in), then one prefetch per relation — domains and the teaching seats in visible
courses (faculty); domains and visible courses (cases); domains, visible
lecturers and visible courses (sites). A detail read costs the same with one item.

Each library's own filters narrow the list and never reach past what the reader
may see: every filter case has invisible items that match it.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cases.models import Case
from apps.courses.models import GroupRole, TeachingGroupMember
from apps.faculty.models import Employment, Lecturer
from apps.organizations.models import Organization
from apps.taxonomy.models import LecturerKind, SiteCategory, ThematicDomain
from apps.teaching_sites.models import TeachingSite
from tests.conftest import ORG
from tests.factories import CaseFactory, CourseFactory, LecturerFactory, TeachingSiteFactory

pytestmark = pytest.mark.django_db

TB, DB = "440605011", "440605"
READERS = ["tA_teacher", "muni_curator"]
AUTHORS = {
    ORG["TA"]: "tA_teacher",
    ORG["DA"]: "dA_teacher",
    ORG["M"]: "muni_teacher",
    TB: "tB_teacher",
    DB: "dB_curator",
}
MODELS = {"faculty": Lecturer, "cases": Case, "sites": TeachingSite}
FACTORIES = {
    "courses": CourseFactory,
    "faculty": LecturerFactory,
    "cases": CaseFactory,
    "sites": TeachingSiteFactory,
}
# session + user + seats + the content versions with the lineage ids (the cache's key, read
# in one round trip; these requests miss the cache) + page, one prefetch per relation,
# visible sources. A list and an item cost the same (a list cost one more before the lineage
# ids joined the versions' query, an item one less before items were cached).
DETAIL_QUERIES = {"faculty": 8, "cases": 8, "sites": 9}
LIST_QUERIES = dict(DETAIL_QUERIES)
ROLES = [GroupRole.PARTY_SCHOOL_TEACHER, GroupRole.OFFICIAL, GroupRole.ENTREPRENEUR]

# (owner, status, scope): all visible to both readers, for different reasons.
SHAPES = [
    (ORG["TA"], "published", "network"),
    (ORG["TA"], "published", "district"),
    (ORG["TA"], "pending", "network"),
    (ORG["DA"], "published", "district"),
    (ORG["M"], "published", "network"),
    (TB, "published", "network"),
]


def org(code):
    return Organization.objects.get(code=code)


def build(library, persona, owner, status="draft", scope="private", **kwargs):
    kwargs.setdefault("author", persona(AUTHORS[owner]))
    return FACTORIES[library](owner_code=owner, status=status, scope=scope, **kwargs)


def measure(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.content
    return response, len(queries.captured_queries)


# ---- query counts --------------------------------------------------------------------------


@pytest.fixture
def links(persona):
    """``links(library)``: courses (and, for sites, lecturers) to link to: three visible to
    every reader, one visible to none. The lecturer library gets no extra lecturers."""

    def make(library):
        common = {"status": "published", "scope": "network"}
        courses = [build("courses", persona, ORG["M"], **common) for _ in range(3)]
        hidden_course = build("courses", persona, TB)
        lecturers, hidden_lecturer = [], None
        if library == "sites":
            lecturers = [build("faculty", persona, ORG["M"], **common) for _ in range(3)]
            hidden_lecturer = build("faculty", persona, TB)
        return courses, lecturers, hidden_course, hidden_lecturer

    return make


def rich_item(library, persona, shape, links, i, domains, source=None):
    """An item with ``i``-dependent numbers of domains and visible links, plus hidden links."""
    courses, lecturers, hidden_course, hidden_lecturer = links
    owner, status, scope = shape
    extra = {}
    if library == "cases":
        extra = {"contributing_department": org(ORG["DEP"]), "place": org(ORG["TA"])}
    if library == "sites":
        extra = {"town": org(ORG["TA"])}
    item = build(
        library,
        persona,
        owner,
        status,
        scope,
        domains=domains,
        source=source,
        source_version=source.version if source else None,
        **extra,
    )
    n = i % 4
    if library == "faculty":
        TeachingGroupMember.objects.bulk_create(
            TeachingGroupMember(course=course, lecturer=item, role=ROLES[k % 3])
            for k, course in enumerate([*courses[:n], hidden_course])
        )
    elif library == "cases":
        item.courses.set([*courses[:n], hidden_course])
    else:
        item.courses.set([*courses[:n], hidden_course])
        item.lecturers.set([*lecturers[:n], hidden_lecturer])
    return item


def visible_links(library, item):
    """The visible links an item shows, by key: how many of each."""
    if library == "faculty":
        return {"teaches": len(item["teaches"])}
    if library == "cases":
        return {"courses": len(item["courses"])}
    return {"courses": len(item["courses"]), "lecturers": len(item["lecturers"])}


@pytest.fixture
def fifty(persona, links):
    domain_codes = list(ThematicDomain.objects.values_list("code", flat=True))

    def make(library):
        linked = links(library)
        source = None
        items = []
        for i in range(50):
            item = rich_item(
                library,
                persona,
                SHAPES[i % len(SHAPES)],
                linked,
                i,
                domains=domain_codes[: 1 + i % len(domain_codes)],
                source=source if i % 5 == 4 else None,
            )
            source = source or item
            items.append(item)
        model = MODELS[library]
        for name in READERS:
            assert model.objects.restrict(persona(name), "view").count() == 50, name
        return items, linked

    return make


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("library", ["faculty", "cases", "sites"])
def test_listing_fifty_costs_the_same_queries_as_listing_five(library, reader, fifty, api):
    items, (_, _, hidden_course, hidden_lecturer) = fifty(library)
    client = api(reader)
    path = f"/api/v1/{library}/"

    small, small_count = measure(client, path, {"page_size": 5})
    large, large_count = measure(client, path, {"page_size": 50})

    assert [i["id"] for i in small.json()["results"]] == [o.pk for o in items[::-1][:5]]
    results = large.json()["results"]
    assert [i["id"] for i in results] == [o.pk for o in items[::-1]]
    assert large.json()["next"] is None
    assert {len(i["domains"]) for i in results} == set(range(1, 8))
    assert sum(i["source"] is not None for i in results) == 10
    if library == "faculty":
        assert {len(i["teaches"]) for i in results} == {0, 1, 2, 3}
        assert hidden_course.pk not in {t["course"] for i in results for t in i["teaches"]}
    else:
        assert {len(i["courses"]) for i in results} == {0, 1, 2, 3}
        assert hidden_course.pk not in {c for i in results for c in i["courses"]}
    if library == "sites":
        assert {len(i["lecturers"]) for i in results} == {0, 1, 2, 3}
        assert hidden_lecturer.pk not in {lec for i in results for lec in i["lecturers"]}
    assert small_count == large_count
    assert large_count == LIST_QUERIES[library]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("library", ["faculty", "cases", "sites"])
def test_reading_one_item_does_not_depend_on_its_links(library, reader, persona, links, api):
    domain_codes = list(ThematicDomain.objects.values_list("code", flat=True))
    linked = links(library)
    lean = rich_item(library, persona, SHAPES[0], linked, 0, domains=domain_codes[:1])
    rich = rich_item(library, persona, SHAPES[0], linked, 3, domains=domain_codes, source=lean)
    client = api(reader)

    lean_response, lean_count = measure(client, f"/api/v1/{library}/{lean.pk}/")
    rich_response, rich_count = measure(client, f"/api/v1/{library}/{rich.pk}/")

    assert len(lean_response.json()["domains"]) == 1
    assert len(rich_response.json()["domains"]) == 7
    assert rich_response.json()["source"] == lean.pk
    assert set(visible_links(library, rich_response.json()).values()) == {3}
    assert set(visible_links(library, lean_response.json()).values()) == {0}
    assert lean_count == rich_count
    assert rich_count == DETAIL_QUERIES[library]


# ---- library filters -----------------------------------------------------------------------
#
# Six items per library. Who sees them (written out by hand):
#   A 祖庙 published network   B 禅城区 published district   C 祖庙 draft
#   D 市委党校 draft           X 桂城 draft                  Y 南海区 pending district
VISIBLE = {
    "tA_teacher": {"A", "B", "C"},
    "muni_curator": {"A", "B", "D"},
    "tB_teacher": {"A", "X"},
}
PLACES = {
    "A": (ORG["TA"], "published", "network"),
    "B": (ORG["DA"], "published", "district"),
    "C": (ORG["TA"], "draft", "private"),
    "D": (ORG["M"], "draft", "private"),
    "X": (TB, "draft", "private"),
    "Y": (DB, "pending", "district"),
}
ATTRIBUTES = {
    "faculty": {
        "A": {"kind": "research-expert", "employment": "full_time", "domains": ["sci-tech"]},
        "B": {
            "kind": "party-school-teacher",
            "employment": "part_time",
            "domains": ["industrial-system", "sci-tech"],
        },
        "C": {"kind": "research-expert", "employment": "part_time", "domains": ["finance"]},
        "D": {"kind": "research-expert", "employment": "full_time", "domains": ["sci-tech"]},
        "X": {
            "kind": "research-expert",
            "employment": "full_time",
            "domains": ["sci-tech", "finance"],
        },
        "Y": {"kind": "entrepreneur-craftsman", "employment": "full_time", "domains": ["finance"]},
    },
    "cases": {
        "A": {
            "place": ORG["TA"],
            "dept": ORG["DEP"],
            "year": 2023,
            "industry": "制造业",
            "domains": ["industrial-system"],
        },
        "B": {
            "place": ORG["DA"],
            "dept": "440600-kjj",
            "year": 2024,
            "industry": "金融服务",
            "domains": ["finance"],
        },
        "C": {
            "place": "440604011",
            "dept": ORG["DEP"],
            "year": 2024,
            "industry": "先进制造业",
            "domains": ["industrial-system", "sci-tech"],
        },
        "D": {
            "place": TB,
            "dept": None,
            "year": 2023,
            "industry": "制造业",
            "domains": ["sci-tech"],
        },
        "X": {
            "place": ORG["TA"],
            "dept": ORG["DEP"],
            "year": 2023,
            "industry": "制造业",
            "domains": ["industrial-system"],
        },
        "Y": {
            "place": DB,
            "dept": "440600-kjj",
            "year": 2024,
            "industry": "金融",
            "domains": ["finance"],
        },
    },
    "sites": {
        "A": {
            "category": "industrial-park",
            "district": ORG["DA"],
            "town": ORG["TA"],
            "lifecycle": "admitted",
            "domains": ["industrial-system"],
        },
        "B": {
            "category": "enterprise",
            "district": ORG["DA"],
            "town": "440604011",
            "lifecycle": "suspended",
            "domains": ["sci-tech"],
        },
        "C": {
            "category": "industrial-park",
            "district": ORG["DA"],
            "town": None,
            "lifecycle": "candidate",
            "domains": ["sci-tech", "finance"],
        },
        "D": {
            "category": "lighthouse-factory",
            "district": DB,
            "town": TB,
            "lifecycle": "admitted",
            "domains": ["industrial-system"],
        },
        "X": {
            "category": "industrial-park",
            "district": ORG["DA"],
            "town": ORG["TA"],
            "lifecycle": "admitted",
            "domains": ["industrial-system"],
        },
        "Y": {
            "category": "enterprise",
            "district": DB,
            "town": TB,
            "lifecycle": "candidate",
            "domains": ["sci-tech"],
        },
    },
}
# (library, query, the items it matches whoever reads — visibility is applied on top)
FILTERS = [
    ("faculty", {"kind": "research-expert"}, "ACDX"),
    ("faculty", {"kind": "party-school-teacher"}, "B"),
    ("faculty", {"kind": "no-such-kind"}, ""),
    ("faculty", {"employment": "full_time"}, "ADXY"),
    ("faculty", {"employment": "part_time"}, "BC"),
    ("faculty", {"domain": "sci-tech"}, "ABDX"),
    ("faculty", {"domain": "finance"}, "CXY"),
    ("faculty", {"kind": "research-expert", "employment": "full_time"}, "ADX"),
    ("cases", {"district": ORG["DA"]}, "ABCX"),
    ("cases", {"district": DB}, "DY"),
    ("cases", {"district": ORG["TA"]}, "AX"),
    ("cases", {"district": ORG["M"]}, "ABCDXY"),
    ("cases", {"district": "no-such-org"}, ""),
    ("cases", {"department": ORG["DEP"]}, "ACX"),
    ("cases", {"department": "440600-kjj"}, "BY"),
    ("cases", {"year": 2023}, "ADX"),
    ("cases", {"year": 2024}, "BCY"),
    ("cases", {"industry": "制造"}, "ACDX"),
    ("cases", {"industry": "金融"}, "BY"),
    ("cases", {"domain": "industrial-system"}, "ACX"),
    ("cases", {"domain": "finance"}, "BY"),
    ("cases", {"district": ORG["DA"], "year": 2024}, "BC"),
    ("sites", {"category": "industrial-park"}, "ACX"),
    ("sites", {"category": "enterprise"}, "BY"),
    ("sites", {"district": ORG["DA"]}, "ABCX"),
    ("sites", {"district": DB}, "DY"),
    ("sites", {"town": ORG["TA"]}, "AX"),
    ("sites", {"town": TB}, "DY"),
    ("sites", {"lifecycle": "admitted"}, "ADX"),
    ("sites", {"lifecycle": "suspended"}, "B"),
    ("sites", {"lifecycle": "candidate"}, "CY"),
    ("sites", {"lifecycle": "retired"}, ""),
    ("sites", {"domain": "sci-tech"}, "BCY"),
    ("sites", {"category": "industrial-park", "district": ORG["DA"]}, "ACX"),
]


def make_filter_items(library, persona):
    items = {}
    for name, (owner, status, scope) in PLACES.items():
        attrs = dict(ATTRIBUTES[library][name])
        domains = attrs.pop("domains")
        if library == "faculty":
            attrs["kind"] = LecturerKind.objects.get(code=attrs["kind"])
            attrs["employment"] = Employment(attrs["employment"])
        elif library == "cases":
            attrs["place"] = org(attrs["place"])
            dept = attrs.pop("dept")
            attrs["contributing_department"] = org(dept) if dept else None
        else:
            attrs["category"] = SiteCategory.objects.get(code=attrs["category"])
            attrs["district"] = org(attrs["district"])
            attrs["town"] = org(attrs["town"]) if attrs["town"] else None
        items[name] = build(library, persona, owner, status, scope, domains=domains, **attrs)
    return items


def listed(client, library, params):
    response = client.get(f"/api/v1/{library}/", {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    assert response.json()["next"] is None
    return [item["id"] for item in response.json()["results"]]


@pytest.mark.parametrize("reader", list(VISIBLE))
@pytest.mark.parametrize(
    ("library", "query", "matches"),
    FILTERS,
    ids=[f"{lib}|{'&'.join(f'{k}={v}' for k, v in q.items())}" for lib, q, _ in FILTERS],
)
def test_a_library_filter_narrows_within_what_the_reader_may_see(
    library, query, matches, reader, persona, api
):
    items = make_filter_items(library, persona)
    ids = {pk: name for name, pk in ((n, o.pk) for n, o in items.items())}
    client = api(reader)
    assert {ids[pk] for pk in listed(client, library, {})} == VISIBLE[reader]

    found = listed(client, library, query)

    assert len(found) == len(set(found))
    assert {ids[pk] for pk in found} == set(matches) & VISIBLE[reader]


@pytest.mark.parametrize(
    ("library", "query", "field"),
    [
        ("faculty", {"employment": "sometimes"}, "employment"),
        ("cases", {"year": "去年"}, "year"),
        ("sites", {"lifecycle": "approved"}, "lifecycle"),
    ],
)
def test_an_invalid_choice_or_number_is_400_naming_the_filter(library, query, field, api):
    response = api("tA_teacher").get(f"/api/v1/{library}/", query)

    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert set(response.json()["errors"]) == {field}
