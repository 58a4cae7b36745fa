"""The dashboard's training-class figures (apps.classes.stats): by year and by the schools right
below the network's school, with their definitions beside them, in the page and the workbook,
in a fixed number of queries."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from apps.classes.models import ClassTheme, Session
from apps.classes.stats import DEFINITIONS, class_stats
from apps.organizations.models import Organization
from tests.conftest import ORG
from tests.dashboard.conftest import DASHBOARD, EXPORT
from tests.factories import TrainingClassFactory, slot

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def course(make):
    return make("courses", ORG["M"])


def held(host, *, theme="manufacturing-first", kind="specialised", trainees=40, year=THIS_YEAR,
         status="finished", sessions=(), course=None):  # fmt: skip
    start = timezone.localdate().replace(year=year, month=3, day=2)
    cls = TrainingClassFactory(
        host_code=host,
        class_type=kind,
        theme=ClassTheme.objects.get(code=theme) if theme else None,
        trainee_count=trainees,
        start_date=start,
        end_date=start + timedelta(days=2),
        status=status,
    )
    for start_at, end_at in sessions:
        begin, finish = slot(cls, 0, start_at, end_at)
        Session.objects.create(
            training_class=cls, starts_at=begin, ends_at=finish, course=course, course_version=1
        )
    return cls


@pytest.fixture
def classes(course):
    """In 禅城 this year: the district's own two classes, a town's one; 南海 one; the city one.
    Last year one in 禅城; planned classes and other cities' do not count."""
    held(ORG["DA"], trainees=50, sessions=[("09:00", "11:30"), ("14:30", "17:00")], course=course)
    held(ORG["DA"], theme="finance", trainees=30)
    held(ORG["TA"], theme="smart-manufacturing", trainees=60, sessions=[("09:00", "12:00")],
         course=course)  # fmt: skip
    held(ORG["DB"], kind="main", theme="party-spirit", trainees=80)
    held(ORG["M"], theme="talent", trainees=100)
    held(ORG["DA"], year=THIS_YEAR - 1, trainees=20)
    held(ORG["DA"], status="planned", trainees=999)  # not held yet
    held(ORG["DA"], year=THIS_YEAR - 3, trainees=999)  # outside the three years


# Year, host school, classes, trainee-times, sessions, hours, specialised, manufacturing-first,
# share
def test_the_city_sees_each_district_and_its_own_classes_by_year(page, classes):
    result = page("muni_curator")
    rows = result.table("classes")
    this_year = [r for r in rows if r[0] == str(THIS_YEAR)]

    assert result.header("classes")[:3] == ["Year", "Host school", "Classes held"]
    assert this_year[0] == [str(THIS_YEAR), "市委党校", "1", "100", "0", "0", "1", "0", "0.0%"]
    chancheng = next(r for r in this_year if r[1] == "禅城区委党校")
    assert chancheng == [str(THIS_YEAR), "禅城区委党校", "3", "140", "3", "8", "3", "2", "66.7%"]
    nanhai = next(r for r in this_year if r[1] == "南海区委党校")
    assert nanhai[2:] == ["1", "80", "0", "0", "0", "0", "—"]
    assert this_year[-1][1:] == ["Total", "5", "320", "3", "8", "4", "2", "50.0%"]
    assert {r[0] for r in rows} == {str(y) for y in range(THIS_YEAR - 2, THIS_YEAR + 1)}
    last_year_total = next(r for r in rows if r[0] == str(THIS_YEAR - 1) and r[1] == "Total")
    assert last_year_total[2:4] == ["1", "20"]
    # The years together, and the summary card.
    assert result.footers["classes"][0][1:4] == ["Total", "6", "340"]
    card = result.html.split('class="card accent"')[1].split("</div>")[0]
    assert "60.0%" in card  # 3 of 5 specialised classes over the three years
    assert result.chart("classes")["value"] == 60.0
    # The same figures as apps.classes.stats computes them one by one.
    stats = class_stats(year=THIS_YEAR, within=Organization.objects.get(code=ORG["DA"]))
    assert (stats.classes, stats.trainee_times, stats.sessions, stats.hours) == (3, 140, 3, 8.0)


def test_a_district_sees_its_towns_and_its_definitions(page, classes):
    result = page("dA_curator")
    this_year = [r for r in result.table("classes") if r[0] == str(THIS_YEAR)]

    assert [r[1] for r in this_year][:2] == ["禅城区委党校", "祖庙街道党校"]
    assert this_year[0][2:4] == ["2", "80"]
    assert this_year[1][2:4] == ["1", "60"]
    assert this_year[-1][1:4] == ["Total", "3", "140"]
    assert "南海区委党校" not in [r[1] for r in result.table("classes")]
    for text in DEFINITIONS.values():
        assert str(text) in result.html


def test_flipping_a_themes_flag_changes_the_share(page, classes):
    ClassTheme.objects.filter(code="finance").update(manufacturing_first=True)

    this_year = [r for r in page("dA_curator").table("classes") if r[0] == str(THIS_YEAR)]
    assert this_year[-1][-3:] == ["3", "3", "100.0%"]


def test_no_classes_no_share(page):
    result = page("dA_curator")

    assert result.footers["classes"][0][2:] == ["0", "0", "0", "0", "0", "0", "—"]
    assert result.chart("classes")["value"] is None


def test_the_workbook_has_the_classes_sheet_with_its_definitions(browser, classes):
    response = browser("muni_curator").get(EXPORT, HTTP_ACCEPT_LANGUAGE="en")
    book = load_workbook(BytesIO(b"".join(response.streaming_content)
                                 if response.streaming else response.content))  # fmt: skip
    sheet = book["Training classes held (班次)"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    about = [row[1].value for row in book["About this export"].iter_rows() if len(row) > 1]

    assert values[0][:3] == ["Year", "Host school", "Classes held"]
    assert [str(THIS_YEAR), "禅城区委党校", 3, 140, 3, 8.0, 3, 2] == values[
        next(i for i, r in enumerate(values) if r[:2] == [str(THIS_YEAR), "禅城区委党校"])
    ][:8]
    for text in DEFINITIONS.values():
        assert str(text) in about


def test_the_class_figures_cost_two_queries_whatever_the_classes(browser, course):
    client = browser("muni_curator")
    held(ORG["DA"], sessions=[("09:00", "10:00")], course=course)
    with CaptureQueriesContext(connection) as small:
        assert client.get(DASHBOARD).status_code == 200
    for host in (ORG["M"], ORG["DA"], ORG["TA"], ORG["DB"], "440605011", "440604011"):
        for year in (THIS_YEAR - 2, THIS_YEAR - 1, THIS_YEAR):
            held(host, year=year, sessions=[("09:00", "10:00"), ("14:00", "15:00")],
                 course=course)  # fmt: skip
    with CaptureQueriesContext(connection) as large:
        assert client.get(DASHBOARD).status_code == 200

    assert len(small.captured_queries) == len(large.captured_queries)
    classes = [q for q in large.captured_queries if "classes_trainingclass" in q["sql"]]
    assert len(classes) == 2
