"""The .xlsx export: one sheet per table, holding exactly the numbers of the page."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from apps.courses.models import Course
from apps.sharing import services
from tests.conftest import ORG
from tests.dashboard.conftest import DASHBOARD, EXPORT

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLES = [
    "libraries",
    "tiers",
    "domains",
    "gaps",
    "flows",
    "classes",
    "schools",
    "contributions",
    "consultations",
]


def as_page_text(value, number_format: str) -> str:
    """How the page writes a cell the workbook stores as ``value``."""
    if value is None:
        return ""
    if number_format.endswith("%"):
        return f"{value * 100:.1f}%"
    return str(value)


def sheets(response) -> list[list[list[str]]]:
    workbook = load_workbook(BytesIO(response.content))
    out = []
    for ws in workbook.worksheets:
        out.append(
            [
                [as_page_text(cell.value, cell.number_format) for cell in row]
                for row in ws.iter_rows()
            ]
        )
    return workbook.sheetnames, out


@pytest.fixture
def reused(make, persona, city):
    course = make("courses", ORG["M"], domains=["industrial-system", "finance"])
    services.resource_reuse(Course, user=persona("tA_teacher"), pk=course.pk, target_code=ORG["TA"])
    services.resource_reuse(
        Course, user=persona("tB_teacher"), pk=course.pk, target_code="440605011"
    )


@pytest.mark.parametrize("name", ["muni_curator", "dA_teacher"])
def test_the_workbook_has_a_sheet_per_table_with_the_pages_numbers(page, browser, reused, name):
    shown = page(name, threshold=2)
    response = browser(name).get(EXPORT, {"threshold": 2}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="dashboard-')
    names, books = sheets(response)
    assert len(names) == len(TABLES) + 1  # the tables, then "About this export"
    assert names[-1] == "About this export"
    for key, sheet, title in zip(TABLES, books, names, strict=False):
        assert title == shown.html.split(f'id="h-{key}">')[1].split("<")[0][:31]
        header, *rows = sheet
        assert header == shown.header(key)
        expected = [[("" if c == "—" else c) for c in row] for row in shown.rows(key)]
        if len(expected) == 1 and len(expected[0]) == 1:  # an empty table's message
            expected = []
        assert rows == expected, key
    # Some real numbers made it through, not only zeros.
    assert any(row[-1] not in ("0", "") for row in books[TABLES.index("flows")][1:])


def test_format_xlsx_on_the_page_is_the_same_export(browser, reused):
    client = browser("muni_curator")

    via_param = client.get(DASHBOARD, {"format": "xlsx", "org": ORG["DA"]})
    via_path = client.get(EXPORT, {"org": ORG["DA"]})

    assert via_param["Content-Type"] == XLSX
    assert sheets(via_param)[1] == sheets(via_path)[1]
    assert f"dashboard-{ORG['DA']}-" in via_param["Content-Disposition"]


def test_the_export_follows_the_same_access_rules(browser):
    assert browser("tA_teacher").get(EXPORT).status_code == 403
    assert browser("dA_curator").get(EXPORT, {"org": ORG["M"]}).status_code == 404
    assert browser().get(EXPORT).status_code == 302


def test_the_workbook_in_chinese(browser, reused):
    response = browser("muni_curator").get(EXPORT, HTTP_ACCEPT_LANGUAGE="zh-hans")
    names, books = sheets(response)

    assert names[0] == "各库资源"
    assert books[0][0][0] == "资源库"


@pytest.mark.parametrize("how", ["path", "format"])
def test_the_workbook_is_never_kept_by_a_shared_cache(browser, how):
    """Like the libraries' exports (apps/exchange/http.py): no proxy or shared cache keeps it."""
    client = browser("muni_curator")
    response = client.get(EXPORT) if how == "path" else client.get(DASHBOARD, {"format": "xlsx"})

    assert response["Content-Type"] == XLSX
    assert response["Cache-Control"] == "private, no-store"
