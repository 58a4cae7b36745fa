"""The dashboard's contributions and recommendations per school (贡献与向上推荐)."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from apps.dashboard.contributions import collect as contributions
from apps.dashboard.stats import collect
from apps.organizations.models import Organization
from apps.sharing import services
from tests.conftest import ORG
from tests.dashboard.conftest import EXPORT

pytestmark = pytest.mark.django_db
TOWN = "祖庙街道党校"


def recommend(obj, persona, note="建议全市共享"):
    return services.resource_recommend(type(obj), user=persona("dA_curator"), pk=obj.pk, note=note)


@pytest.fixture
def recommendations(make, persona):
    """Town 祖庙: three resources shared with the district; 禅城 recommends two of them, the
    city publishes one (both credits) and one waits."""
    waiting = make("courses", ORG["TA"], scope="district")
    accepted = make("cases", ORG["TA"], scope="district")
    make("faculty", ORG["TA"], scope="district")  # shared in the district, not recommended
    make("courses", ORG["TA"], scope="private")  # not beyond itself
    recommend(waiting, persona)
    recommend(accepted, persona)
    services.resource_publish(
        type(accepted), user=persona("muni_curator"), pk=accepted.pk, scope="network"
    )
    return waiting, accepted


def test_contributions_per_school_and_recommendations_per_district(recommendations):
    network = collect(Organization.objects.get(code=ORG["M"]))
    rows = {row.name: row for row in contributions(network)}
    town = next(r for r in rows.values() if r.kind == "town")
    assert (town.shared, town.city_wide, town.recommended) == (3, 1, 0)
    district = next(r for r in rows.values() if r.kind == "district")
    assert (
        district.recommended,
        district.recommended_published,
        district.recommended_waiting,
    ) == (2, 1, 1)
    assert district.shared == 0


def test_a_declined_recommendation_is_no_longer_counted(recommendations, persona):
    waiting, _accepted = recommendations
    services.resource_decline_recommendation(
        type(waiting), user=persona("muni_curator"), pk=waiting.pk, reason="重复"
    )
    network = collect(Organization.objects.get(code=ORG["M"]))
    district = next(r for r in contributions(network) if r.kind == "district")
    assert (district.recommended, district.recommended_waiting) == (1, 0)


def test_the_page_and_the_workbook_show_the_table(recommendations, page, browser):
    shown = page("muni_curator")
    assert shown.row("contributions", "禅城区委党校")[2:] == ["0", "0", "2", "1", "1"]
    assert shown.row("contributions", TOWN)[2:] == ["3", "1", "0", "0", "0"]
    workbook = load_workbook(BytesIO(browser("muni_curator").get(EXPORT).content))
    sheets = [ws for ws in workbook.worksheets if ws.max_column == 7]
    rows = [[c.value for c in row] for ws in sheets for row in ws.iter_rows()]
    assert any(row[0] == "禅城区委党校" and row[2:] == [0, 0, 2, 1, 1] for row in rows)


def test_the_table_costs_one_query_whatever_the_numbers(make, persona):
    root = Organization.objects.get(code=ORG["M"])
    network = collect(root)
    with CaptureQueriesContext(connection) as small:
        contributions(network)
    for _ in range(4):
        recommend(make("courses", ORG["TA"], scope="district"), persona)
        make("sites", "440604011", scope="district")
    with CaptureQueriesContext(connection) as large:
        found = contributions(network)
    assert len(small.captured_queries) == len(large.captured_queries) == 1
    assert sum(r.recommended for r in found) == 4
