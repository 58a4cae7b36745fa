"""Workbooks cannot take the server's memory: far-out cells, wide headers, huge exports."""

import io
import tracemalloc

import openpyxl
import pytest
from django.contrib.messages import ERROR, get_messages

from apps.courses.models import Course
from apps.exchange import limits
from apps.exchange.importing import read_sheet
from apps.sharing.choices import Scope, Status
from tests.factories import CourseFactory
from tests.helpers import assert_problem

from .conftest import TA
from .helpers import HEADERS, XLSX, upload

pytestmark = pytest.mark.django_db

COURSE_HEADERS = HEADERS["courses"]
FAR = 18278  # column ZZZ, the last one openpyxl reads


def far_out_workbook(rows: int) -> bytes:
    """Course headers, then ``rows`` rows of a title and one cell in column ZZZ."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(COURSE_HEADERS)
    for n in range(rows):
        sheet.cell(row=n + 2, column=1, value=f"课程{n}")
        sheet.cell(row=n + 2, column=FAR, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_far_out_cell_per_row_is_not_padded_into_memory():
    content = far_out_workbook(1000)
    assert len(content) < 200_000  # a small file...

    tracemalloc.start()
    try:
        headers, rows = read_sheet(io.BytesIO(content))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 50 * 1024 * 1024, f"peak {peak / 2**20:.0f} MB"  # ...stays small in memory
    assert headers == COURSE_HEADERS
    assert len(rows) == 1000
    assert rows[0] == (2, ("课程0", *[None] * (len(COURSE_HEADERS) - 1)))
    assert rows[-1][0] == 1001
    assert max(len(values) for _number, values in rows) == len(COURSE_HEADERS)


def test_a_file_with_far_out_cells_imports_its_rows(api):
    response = api("tA_curator").post(
        "/api/v1/courses/import/",
        {"file": upload(far_out_workbook(3)), "owner": TA},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 3, "updated": 0, "unchanged": 0}
    assert set(Course.objects.filter(owner__code=TA).values_list("title", flat=True)) >= {
        "课程0",
        "课程1",
        "课程2",
    }


def test_a_header_row_wider_than_the_bound_is_refused_naming_the_limit(api):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(COURSE_HEADERS)
    sheet.cell(row=1, column=limits.MAX_COLUMNS + 1, value="备注")
    sheet.append(["课程一"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = api("tA_curator").post(
        "/api/v1/courses/import/",
        {"file": upload(buffer.getvalue()), "owner": TA},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    body = assert_problem(response, 400, fields=["file"])
    assert str(limits.MAX_COLUMNS) in body["errors"]["file"][0]
    assert not Course.objects.filter(title="课程一").exists()


# ---- exports ----------------------------------------------------------------------------------


@pytest.fixture
def four_published(persona):
    return [
        CourseFactory(
            owner_code=TA,
            author=persona("tA_teacher"),
            status=Status.PUBLISHED,
            scope=Scope.NETWORK if n else Scope.DISTRICT,
            title=f"课程{n}",
        )
        for n in range(4)
    ]


def test_an_api_export_over_the_row_limit_is_refused_naming_the_limit(
    api, settings, four_published
):
    settings.EXPORT_MAX_ROWS = 3
    client = api("tA_teacher")

    response = client.get("/api/v1/courses/export/", HTTP_ACCEPT_LANGUAGE="en")

    body = assert_problem(response, 400)
    assert "3" in body["detail"] and "filter" in body["detail"]
    assert body["limit"] == 3
    assert not response.has_header("Content-Disposition")

    narrowed = client.get("/api/v1/courses/export/?scope=network")
    assert narrowed.status_code == 200 and narrowed["Content-Type"] == XLSX
    settings.EXPORT_MAX_ROWS = 4
    assert client.get("/api/v1/courses/export/").status_code == 200


def test_an_admin_export_over_the_row_limit_stays_on_the_list_with_a_message(
    client, persona, settings, four_published
):
    settings.EXPORT_MAX_ROWS = 3
    user = persona("tA_curator")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)

    response = client.post(
        "/admin/courses/course/",
        {
            "action": "export_selected_xlsx",
            "_selected_action": [c.pk for c in four_published],
            "index": 0,
            "select_across": 0,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    assert response["Content-Type"] != XLSX
    errors = [m.message for m in get_messages(response.wsgi_request) if m.level == ERROR]
    assert len(errors) == 1 and "3" in errors[0]
