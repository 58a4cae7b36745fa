"""The figures: whole city for the municipal school, one district for a district school,
the gaps ranking and the reuse flow."""

import pytest

from apps.courses.models import Course
from apps.organizations.models import Organization
from apps.sharing import services
from apps.taxonomy.models import ThematicDomain
from tests.conftest import ORG

pytestmark = pytest.mark.django_db

TB = "440605011"
LIB = {
    "courses": "Course library",
    "faculty": "Lecturer library",
    "cases": "Case library",
    "sites": "On-site teaching library",
}
TIER = {
    "municipal": "Municipal party school",
    "district": "District party school",
    "town": "Town or street party school",
    "department": "Partner department",
}


def short(code: str) -> str:
    org = Organization.objects.get(code=code)
    return org.short_name or org.name


def library_row(result, key):
    return result.row("libraries", LIB[key])


def test_municipal_curator_sees_the_whole_city(page, city):
    result = page("muni_curator")

    # Library, Published, Pending review, Times reused, Reuses made
    assert library_row(result, "courses")[1:3] == ["6", "2"]
    assert library_row(result, "faculty")[1:3] == ["2", "0"]
    assert library_row(result, "cases")[1:3] == ["2", "0"]
    assert library_row(result, "sites")[1:3] == ["1", "0"]
    assert result.row("libraries", "Total")[1:3] == ["11", "2"]
    # Tier, courses, lecturers, cases, sites, total
    assert result.row("tiers", TIER["municipal"])[1:] == ["2", "1", "0", "0", "3"]
    assert result.row("tiers", TIER["district"])[1:] == ["2", "1", "0", "1", "4"]
    assert result.row("tiers", TIER["town"])[1:] == ["2", "0", "1", "0", "3"]
    assert result.row("tiers", TIER["department"])[1:] == ["0", "0", "1", "0", "1"]
    assert result.row("tiers", "Total")[1:] == ["6", "2", "2", "1", "11"]
    schools = [row[0] for row in result.table("schools")]
    assert short(ORG["DB"]) in schools and short(TB) in schools and short(ORG["DEP"]) in schools
    assert result.response.context["network"].members == {
        "municipal": 0,
        "district": 5,
        "town": 32,
        "department": Organization.objects.filter(kind="department").count(),
    }


def test_district_curator_sees_only_their_district(page, city):
    result = page("dA_curator")

    # 禅城: its own course and site, 祖庙's course and case; 南海's and the city's are out.
    assert library_row(result, "courses")[1:3] == ["2", "1"]
    assert library_row(result, "faculty")[1:3] == ["0", "0"]
    assert library_row(result, "cases")[1:3] == ["1", "0"]
    assert library_row(result, "sites")[1:3] == ["1", "0"]
    assert result.row("libraries", "Total")[1:3] == ["4", "1"]
    # A district's network has no municipal school: no row for it. It has its own district
    # departments (禅城区发展和改革局, 禅城区教育局), which have contributed nothing yet.
    assert [row[0] for row in result.table("tiers")] == [
        TIER["district"],
        TIER["town"],
        TIER["department"],
    ]
    assert result.row("tiers", TIER["district"])[1:] == ["1", "0", "0", "1", "2"]
    assert result.row("tiers", TIER["town"])[1:] == ["1", "0", "1", "0", "2"]
    assert result.row("tiers", TIER["department"])[1:] == ["0", "0", "0", "0", "0"]
    schools = [row[0] for row in result.table("schools")]
    assert schools[0] == short(ORG["DA"])
    assert short(ORG["TA"]) in schools
    assert short(ORG["DB"]) not in schools and short(TB) not in schools
    assert short(ORG["M"]) not in schools
    assert result.row("schools", short(ORG["TA"]))[2:7] == ["1", "0", "1", "0", "2"]


def test_another_district_sees_its_own(page, city):
    result = page("dB_curator")

    assert result.row("libraries", "Total")[1:3] == ["3", "1"]
    assert result.table("schools")[0][0] == short(ORG["DB"])


def test_gaps_rank_the_empty_domains_first(page, make):
    for _ in range(5):
        make("courses", ORG["DA"], domains=["industrial-system"])
    make("faculty", ORG["TA"], domains=["sci-tech"])
    make("cases", ORG["DA"], domains=["sci-tech"])
    make("sites", ORG["DA"], domains=["sci-tech", "talent"])
    make("courses", ORG["DB"], domains=["finance"] * 1)  # another district: not counted here

    result = page("dA_curator")

    label = {d.code: d.name_en for d in ThematicDomain.objects.all()}
    rows = result.table("gaps")
    # Rank, domain, published resources, gap to fill
    assert rows == [
        ["1", label["finance"], "0", "Yes"],
        ["2", label["business-environment"], "0", "Yes"],
        ["3", label["talent"], "1", "Yes"],
        ["4", label["sci-tech"], "3", "Yes"],
        ["5", label["industrial-system"], "5", "No"],
    ]
    # Domains no longer in use are not gaps to fill.
    inactive = set(ThematicDomain.objects.filter(is_active=False).values_list("name_en", flat=True))
    assert inactive and not inactive & {row[1] for row in rows}
    assert [row[0] for row in page("dA_curator", threshold=3).table("gaps")] == list("12345")
    assert [row[3] for row in page("dA_curator", threshold=3).table("gaps")] == [
        "Yes",
        "Yes",
        "Yes",
        "No",
        "No",
    ]
    gaps = result.chart("gaps")
    assert gaps["categories"][0] == label["finance"]
    assert gaps["gaps"] == [True, True, True, True, False]
    assert gaps["threshold"] == 5
    # The domain table keeps the taxonomy's order and counts a resource in each domain.
    assert result.row("domains", label["talent"])[1:] == ["0", "0", "0", "1", "1"]
    assert result.row("domains", label["sci-tech"])[1:] == ["0", "1", "1", "1", "3"]


def test_a_bad_threshold_falls_back_to_the_default(page):
    assert page("dA_curator", threshold="lots").response.context["threshold"] == 5
    assert page("dA_curator", threshold="-4").response.context["threshold"] == 0


def reuse(persona, course, into):
    return services.resource_reuse(Course, user=persona(into[1]), pk=course.pk, target_code=into[0])


def test_the_flow_shows_publisher_to_reusing_school_after_a_reuse(page, make, persona):
    city_course = make("courses", ORG["M"])
    town_course = make("courses", ORG["TA"])
    lecturer = make("faculty", ORG["M"])

    before = page("muni_curator")
    assert before.table("flows") == [["No reuse yet."]]
    assert before.chart("flows")["links"] == []

    reuse(persona, city_course, (ORG["TA"], "tA_teacher"))
    reuse(persona, city_course, (TB, "tB_teacher"))
    reuse(persona, town_course, (ORG["TA"], "tA_teacher"))  # a school reusing its own
    services.resource_reuse(
        type(lecturer), user=persona("tA_teacher"), pk=lecturer.pk, target_code=ORG["TA"]
    )

    city = page("muni_curator")
    # Publisher, publisher's tier, reusing school, its tier, courses, lecturers, cases, sites, total
    rows = {(r[0], r[2]): r for r in city.table("flows")}
    m, ta, tb = short(ORG["M"]), short(ORG["TA"]), short(TB)
    assert rows[(m, ta)][4:] == ["1", "1", "0", "0", "2"]
    assert rows[(m, ta)][1] == TIER["municipal"]
    assert rows[(m, ta)][3] == TIER["town"]
    assert rows[(m, tb)][4:] == ["1", "0", "0", "0", "1"]
    assert rows[(ta, f"{ta} (own resource)")][-1] == "1"
    assert city.row("flows", "Total")[-1] == "4"
    links = {
        (link["source"], link["target"]): link["value"] for link in city.chart("flows")["links"]
    }
    assert links == {
        (f"p:{ORG['M']}", f"r:{ORG['TA']}"): 2,
        (f"p:{ORG['M']}", f"r:{TB}"): 1,
        (f"p:{ORG['TA']}", f"r:{ORG['TA']}"): 1,
    }
    # Each school is a node on each side, so no link ever closes a cycle.
    assert all(s.startswith("p:") and t.startswith("r:") for s, t in links)
    # Who published what, who reused: the per-school numbers agree.
    assert city.row("libraries", LIB["courses"])[3:] == ["3", "3"]
    assert city.row("schools", m)[-2:] == ["3", "0"]
    assert city.row("schools", ta)[-2:] == ["1", "3"]

    # 禅城 sees what its schools took from the city, not what 南海's school took.
    district = page("dA_curator")
    pairs = {(r[0], r[2]) for r in district.table("flows")}
    assert pairs == {(m, ta), (ta, f"{ta} (own resource)")}
    assert district.row("libraries", LIB["courses"])[3:] == ["1", "2"]
    # 南海 sees only its town's reuse from the city.
    assert {(r[0], r[2]) for r in page("dB_curator").table("flows")} == {(m, tb)}


def test_reuses_of_a_districts_resources_by_others_count_for_it(page, make, persona):
    course = make("courses", ORG["DA"])  # network scope: 南海's town may reuse it
    reuse(persona, course, (TB, "tB_teacher"))

    district = page("dA_curator")

    assert {(r[0], r[2]) for r in district.table("flows")} == {(short(ORG["DA"]), short(TB))}
    # Times reused counts it; reuses made by 禅城's schools do not.
    assert district.row("libraries", LIB["courses"])[3:] == ["1", "0"]
