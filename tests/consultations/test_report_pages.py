"""The reports' pages: the list and its filters, a report and its file, the forms with their
errors beside the fields, the decision form, and the nav link; out of reach answers 404 and
shows no title; a refused post changes nothing."""

from datetime import date

import pytest

from apps.audit.models import AuditEvent
from apps.consultations.models import Report

from .conftest import PDF, pdf

pytestmark = pytest.mark.django_db


def test_the_nav_links_to_the_reports(browser):
    page = browser("tA_teacher").get("/reports/")
    assert page.status_code == 200
    assert 'href="/reports/"' in page.content.decode()


def test_anonymous_readers_are_sent_to_sign_in(client, make_report):
    report = make_report("public")
    for path in ("/reports/", f"/reports/{report.pk}/", f"/reports/{report.pk}/file/"):
        answer = client.get(path)
        assert answer.status_code == 302 and "/login/" in answer["Location"]


def test_the_list_shows_what_the_reader_may_see_and_filters_it(browser, make_report):
    public = make_report("public", title="公开的建议", date=date(2024, 5, 1))
    make_report("restricted", title="限阅的建议")
    make_report("internal", title="内部的建议", status="not_adopted")
    page = browser("tB_teacher").get("/reports/").content.decode()  # another district's town
    assert "公开的建议" in page
    assert "限阅的建议" not in page and "内部的建议" not in page
    curator = browser("tA_curator")
    page = curator.get("/reports/").content.decode()
    assert all(t in page for t in ("公开的建议", "限阅的建议", "内部的建议"))
    assert "公开的建议" in curator.get("/reports/", {"year": "2024"}).content.decode()
    assert "限阅的建议" not in curator.get("/reports/", {"year": "2024"}).content.decode()
    page = curator.get("/reports/", {"status": "not_adopted"}).content.decode()
    assert "内部的建议" in page and "公开的建议" not in page
    page = curator.get("/reports/", {"q": "限阅"}).content.decode()
    assert "限阅的建议" in page and "公开的建议" not in page
    assert curator.get("/reports/", {"year": "x", "page": "zz"}).status_code == 200
    assert public.pk


def test_a_restricted_report_is_404_to_others_and_its_title_never_shows(browser, make_report):
    report = make_report("restricted", title="不可外传的标题")
    report.file.save("x", pdf().file, save=True)
    for path in ("", "edit/", "decide/", "file/"):
        answer = browser("dA_curator").get(f"/reports/{report.pk}/{path}")
        assert answer.status_code == 404
        assert "不可外传的标题" not in answer.content.decode()
    page = browser("muni_curator").get(f"/reports/{report.pk}/")
    assert page.status_code == 200 and "不可外传的标题" in page.content.decode()


def test_a_teacher_files_a_report_with_a_file_through_the_form(browser):
    client = browser("tA_teacher")
    form = client.get("/reports/new/")
    assert form.status_code == 200
    answer = client.post(
        "/reports/new/",
        {
            "owner": Report._meta.get_field("owner").related_model.objects.get(code="440604010").pk,
            "title": "关于产业园改造的建议",
            "date": "2025-06-30",
            "confidentiality": "internal",
            "trainee_authors": "王某, 李某",
            "file": pdf(),
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    report = Report.objects.get(title="关于产业园改造的建议")
    assert report.trainee_names == ["王某", "李某"] and report.created_by.username == "tA_teacher"
    detail = client.get(answer["Location"]).content.decode()
    assert "报告.pdf" in detail and f"/reports/{report.pk}/file/" in detail
    download = client.get(f"/reports/{report.pk}/file/")
    assert b"".join(download.streaming_content) == PDF


def test_the_form_shows_errors_beside_the_fields_and_keeps_the_input(browser, org):
    client = browser("tA_teacher")
    answer = client.post(
        "/reports/new/",
        {
            "owner": org("TA").pk,
            "title": "保留的标题",
            "date": "2999-01-01",
            "confidentiality": "internal",
            "file": pdf("报告.pdf", b"<html></html>"),
        },
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'id="date-error"' in page and "保留的标题" in page
    assert not Report.objects.exists()
    answer = client.post(
        "/reports/new/",
        {
            "owner": org("TA").pk,
            "title": "保留的标题",
            "date": "2025-01-01",
            "confidentiality": "internal",
            "file": pdf("报告.pdf", b"<html></html>"),
        },
    )
    assert answer.status_code == 400 and 'id="file-error"' in answer.content.decode()
    assert not Report.objects.exists()


def test_who_may_not_file_is_refused(browser):
    assert browser("dept").get("/reports/new/").status_code == 403
    assert browser("tA_viewer").post("/reports/new/", {"title": "x"}).status_code == 403
    assert not Report.objects.exists()


def test_edit_through_the_form_and_a_refused_edit_changes_nothing(browser, make_report):
    report = make_report("internal")
    viewer = browser("tA_viewer")
    assert viewer.get(f"/reports/{report.pk}/edit/").status_code == 403
    events = AuditEvent.objects.count()
    assert viewer.post(f"/reports/{report.pk}/edit/", {"title": "被改"}).status_code == 403
    report.refresh_from_db()
    assert report.title != "被改" and AuditEvent.objects.count() == events
    client = browser("tA_curator")
    form = client.get(f"/reports/{report.pk}/edit/")
    assert form.status_code == 200
    answer = client.post(
        f"/reports/{report.pk}/edit/",
        {
            "title": "改过的标题",
            "date": "2025-06-30",
            "confidentiality": "public",
            "version": report.version,
        },
    )
    assert answer.status_code == 302
    report.refresh_from_db()
    assert (report.title, report.confidentiality, report.version) == ("改过的标题", "public", 2)
    stale = client.post(
        f"/reports/{report.pk}/edit/",
        {"title": "迟到", "date": "2025-06-30", "confidentiality": "public", "version": 1},
    )
    assert stale.status_code == 412
    report.refresh_from_db()
    assert report.title == "改过的标题"


def test_the_decision_form(browser, make_report):
    report = make_report("internal")
    assert browser("tA_teacher").get(f"/reports/{report.pk}/decide/").status_code == 403
    client = browser("dA_curator")
    assert client.get(f"/reports/{report.pk}/decide/").status_code == 200
    missing = client.post(
        f"/reports/{report.pk}/decide/", {"decision": "adopt", "version": report.version}
    )
    assert missing.status_code == 400
    page = missing.content.decode()
    assert 'id="level-error"' in page and 'id="adopted_on-error"' in page
    done = client.post(
        f"/reports/{report.pk}/decide/",
        {
            "decision": "adopt",
            "level": "instruction",
            "adopted_on": "2025-07-15",
            "note": "市长批示",
            "version": report.version,
        },
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.adoption_level, report.adopted_on) == (
        "adopted",
        "instruction",
        date(2025, 7, 15),
    )
    again = client.post(
        f"/reports/{report.pk}/decide/", {"decision": "decline", "version": report.version}
    )
    assert again.status_code == 409
    report.refresh_from_db()
    assert report.status == "adopted"
