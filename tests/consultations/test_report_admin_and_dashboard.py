"""Reports in the admin (read-only, each staff member sees what they may see by the report's
confidentiality; superusers see all) and on the dashboard (counted by year and school,
restricted ones included as numbers, never a title)."""

import io
from datetime import date

import pytest
from django.test import Client
from openpyxl import load_workbook

from apps.accounts.models import User
from apps.dashboard.consultations import collect as report_rows
from apps.dashboard.stats import collect
from apps.organizations.models import Organization

pytestmark = pytest.mark.django_db
ADMIN_LIST = "/admin/consultations/report/"


def staff(persona, name) -> Client:
    user = persona(name)
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_lists_only_what_the_staff_member_may_see(persona, make_report):
    make_report("restricted", title="限阅标题甲")
    make_report("public", title="公开标题乙")
    page = staff(persona, "dA_curator").get(ADMIN_LIST).content.decode()
    assert "公开标题乙" in page and "限阅标题甲" not in page
    searched = staff(persona, "dA_curator").get(ADMIN_LIST, {"q": "限阅"}).content.decode()
    assert "限阅标题甲" not in searched
    page = staff(persona, "tA_curator").get(ADMIN_LIST).content.decode()
    assert "限阅标题甲" in page


def test_the_admin_changes_nothing_and_hides_reports_out_of_reach(persona, make_report):
    report = make_report("restricted", title="限阅标题甲")
    client = staff(persona, "dA_curator")
    assert client.get(f"{ADMIN_LIST}{report.pk}/change/").status_code in (302, 404)
    assert client.get(f"{ADMIN_LIST}add/").status_code == 403
    curator = staff(persona, "tA_curator")
    page = curator.get(f"{ADMIN_LIST}{report.pk}/change/")
    assert page.status_code == 200
    answer = curator.post(f"{ADMIN_LIST}{report.pk}/change/", {"title": "被改"})
    assert answer.status_code == 403
    report.refresh_from_db()
    assert report.title == "限阅标题甲"


def test_superusers_see_every_report(make_report):
    make_report("restricted", title="限阅标题甲")
    root = User.objects.create_superuser(username="root", password="x")
    client = Client()
    client.force_login(root)
    assert "限阅标题甲" in client.get(ADMIN_LIST).content.decode()


def test_the_dashboard_counts_reports_by_year_and_school(make_report, browser):
    make_report("public", date=date(2025, 3, 1))
    make_report(
        "restricted",
        title="限阅标题甲",
        date=date(2025, 4, 1),
        status="adopted",
        adoption_level="instruction",
        adopted_on=date(2025, 5, 1),
    )
    make_report(
        "internal",
        date=date(2024, 4, 1),
        status="adopted",
        adoption_level="department",
        adopted_on=date(2024, 5, 1),
    )
    make_report("public", owner="440605", by="dB_curator", date=date(2025, 1, 1))
    rows = report_rows(collect(Organization.objects.get(code="440604")))
    assert [(r["year"], r["owner_id"]) for r in rows] == [
        (2025, Organization.objects.get(code="440604010").pk),
        (2024, Organization.objects.get(code="440604010").pk),
    ]
    first, second = rows
    assert (first["filed"], first["adopted"], first["instruction"], first["restricted"]) == (
        2,
        1,
        1,
        1,
    )
    assert (second["adopted"], second["department"], second["waiting"]) == (1, 1, 0)
    city = report_rows(collect(Organization.objects.get(code="440600")))
    assert sum(r["filed"] for r in city) == 4

    page = browser("dA_curator").get("/dashboard/", {"org": "440604"}).content.decode()
    assert 'id="sec-consultations"' in page
    assert "限阅标题甲" not in page  # counted, never named
    export = browser("dA_curator").get("/dashboard/export/", {"org": "440604"})
    book = load_workbook(io.BytesIO(export.content))
    # the reports' sheet: year, school, then the counts (2025: two filed, one adopted)
    sheet = next(ws for ws in book.worksheets if ws.max_column == 9 and ws["A2"].value == "2025")
    assert [c.value for c in sheet[2]][2:5] == [2, 1, 1]
    assert "限阅标题甲" not in str([[c.value for c in row] for row in sheet.iter_rows()])
