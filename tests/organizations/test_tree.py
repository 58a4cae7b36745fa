"""The tier tree: the real Foshan network and its materialised paths."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.organizations.models import Organization, OrganizationKind

pytestmark = pytest.mark.django_db

MUNICIPAL = "440600"
TOWNS_PER_DISTRICT = {"440604": 4, "440605": 7, "440606": 10, "440607": 7, "440608": 4}
DISTRICT_NAMES = {
    "440604": "禅城",
    "440605": "南海",
    "440606": "顺德",
    "440607": "三水",
    "440608": "高明",
}


def by_kind(kind: str) -> list[Organization]:
    return list(Organization.objects.filter(kind=kind).select_related("parent"))


def test_one_municipal_school_at_the_root():
    """The city's tree has one root; another city's school (a joint class's partner) is a
    root of its own, outside it."""
    roots = list(Organization.objects.filter(parent__isnull=True).order_by("code"))
    assert [(o.code, o.kind) for o in roots] == [
        (MUNICIPAL, OrganizationKind.MUNICIPAL),
        ("441900", OrganizationKind.EXTERNAL),
    ]
    assert Organization.objects.filter(kind=OrganizationKind.MUNICIPAL).count() == 1
    assert Organization.objects.get(code="441900").children.count() == 0


def test_five_districts_under_the_municipal_school():
    districts = by_kind(OrganizationKind.DISTRICT)
    assert sorted(d.code for d in districts) == sorted(TOWNS_PER_DISTRICT)
    assert {d.parent.code for d in districts} == {MUNICIPAL}
    for district in districts:
        assert DISTRICT_NAMES[district.code] in district.name, district.name


def test_towns_per_district_and_their_parents():
    towns = by_kind(OrganizationKind.TOWN)
    assert len(towns) == 32
    assert Counter(t.parent.code for t in towns) == Counter(TOWNS_PER_DISTRICT)
    assert {t.parent.kind for t in towns} == {OrganizationKind.DISTRICT}
    for town in towns:
        assert town.code.startswith(town.parent.code), town.code


def test_city_departments_under_the_municipal_school_and_district_ones_under_their_district():
    departments = by_kind(OrganizationKind.DEPARTMENT)
    city = [d for d in departments if d.parent.code == MUNICIPAL]
    district = [d for d in departments if d.parent.code != MUNICIPAL]
    # The brief's "more than thirty city and district departments" of the joint meeting.
    assert len(city) == 36
    assert all(d.code.startswith(f"{MUNICIPAL}-") for d in city)
    assert len(district) == 10
    assert Counter(d.parent.code for d in district) == Counter(dict.fromkeys(TOWNS_PER_DISTRICT, 2))
    assert {d.parent.kind for d in district} == {OrganizationKind.DISTRICT}
    assert all(d.code.startswith(f"{d.parent.code}-") for d in district)
    assert all(d.name.startswith("佛山市") or "佛山市委" in d.name for d in city), [
        d.name for d in city
    ]
    assert Organization.objects.count() == 1 + 5 + 32 + len(departments) + 1  # + 东莞


def test_every_stored_path_and_depth_follows_the_parent_chain():
    orgs = {o.pk: o for o in Organization.objects.all()}
    assert len(orgs) == 85  # the city's 84 and 东莞's school
    for org in orgs.values():
        chain = []
        node = org
        while node is not None:
            chain.append(node.code)
            node = orgs.get(node.parent_id)
        chain.reverse()
        assert org.path == "".join(f"{code}/" for code in chain), org.code
        assert org.depth == len(chain) - 1, org.code
        assert org.lineage_codes == chain


def test_depth_per_kind():
    depths = {
        kind: set(Organization.objects.filter(kind=kind).values_list("depth", flat=True))
        for kind in OrganizationKind.values
    }
    assert depths == {
        OrganizationKind.PROVINCE: set(),  # the city's fixtures have none (see seed_scale)
        OrganizationKind.MUNICIPAL: {0},
        OrganizationKind.DISTRICT: {1},
        OrganizationKind.TOWN: {2},
        OrganizationKind.DEPARTMENT: {1, 2},  # city departments, district departments
        OrganizationKind.EXTERNAL: {0},
    }


def test_subtree_of_district_is_one_prefix_query(django_assert_num_queries):
    district = Organization.objects.get(code="440605")
    expected = {"440605"} | set(
        Organization.objects.filter(parent=district).values_list("code", flat=True)
    )
    assert len(expected) == 1 + 7 + 2  # the district, its 7 towns, its 2 departments

    with django_assert_num_queries(1) as captured:
        codes = [o.code for o in Organization.objects.subtree_of(district)]

    assert sorted(codes) == sorted(expected)
    assert len(codes) == len(set(codes))
    sql = captured.captured_queries[0]["sql"].upper()
    assert "LIKE" in sql
    assert "RECURSIVE" not in sql
    assert "440605/%" in captured.captured_queries[0]["sql"]


def test_subtree_of_town_and_of_the_root():
    town = Organization.objects.get(code="440604010")
    assert [o.code for o in Organization.objects.subtree_of(town)] == ["440604010"]
    root = Organization.objects.get(code=MUNICIPAL)
    outside = Organization.objects.filter(kind=OrganizationKind.EXTERNAL).count()
    assert Organization.objects.subtree_of(root).count() == Organization.objects.count() - outside


def test_ancestors_of_town():
    town = Organization.objects.get(code="440606101")
    with CaptureQueriesContext(connection) as captured:
        ancestors = list(Organization.objects.ancestors_of(town))
    assert len(captured) == 1
    assert [(o.code, o.kind) for o in ancestors] == [
        (MUNICIPAL, OrganizationKind.MUNICIPAL),
        ("440606", OrganizationKind.DISTRICT),
        ("440606101", OrganizationKind.TOWN),
    ]
    assert town.parent.code == "440606"


def test_new_organisation_under_a_town_gets_path_and_depth_from_save():
    town = Organization.objects.get(code="440604010")
    child = Organization(
        code="440604010-a", name="祖庙街道某社区党校", kind=OrganizationKind.TOWN, parent=town
    )
    child.save()
    child.refresh_from_db()
    assert child.path == "440600/440604/440604010/440604010-a/"
    assert child.depth == 3
    district = Organization.objects.get(code="440604")
    assert child.code in set(
        Organization.objects.subtree_of(district).values_list("code", flat=True)
    )
    assert [o.code for o in Organization.objects.ancestors_of(child)] == [
        MUNICIPAL,
        "440604",
        "440604010",
        "440604010-a",
    ]
    # Nothing else moved.
    assert Organization.objects.get(code="440604010").path == "440600/440604/440604010/"
    assert Organization.objects.count() == 86
