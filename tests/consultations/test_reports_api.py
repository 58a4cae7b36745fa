"""The reports over HTTP: filing with a file (multipart), the checks on the input, each
naming its field, the decision and its states, ``If-Match``, the filters, the download, and
what the audit trail keeps (never a title)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.consultations.models import Report
from apps.taxonomy.models import ThematicDomain
from tests.factories import LecturerFactory, TrainingClassFactory, author_at, published
from tests.helpers import assert_problem

from .conftest import PDF, pdf

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/"


def _file(report) -> bytes:
    with report.file.open("rb") as f:
        return f.read()


def test_a_teacher_files_a_report_with_its_file_lecturers_class_and_domains(api):
    lecturer = published(LecturerFactory)  # the city's, published city-wide: visible
    klass = TrainingClassFactory(start_date=date(2025, 5, 1), end_date=date(2025, 5, 2))
    client = api("tA_teacher")
    answer = client.post(
        URL,
        {
            "owner": "440604010",
            "title": "关于村级工业园改造的建议",
            "summary": "摘要",
            "lecturers": [lecturer.pk],
            "trainee_authors": ["王某", "李某"],
            "training_class": klass.pk,
            "domains": ["industrial-system"],
            "date": "2025-06-30",
            "confidentiality": "restricted",
            "file": pdf(),
        },
        format="multipart",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert answer["ETag"] == '"1"'
    assert body["status"] == "submitted"
    assert body["lecturers"] == [{"id": lecturer.pk, "title": lecturer.title}]
    assert body["trainee_authors"] == ["王某", "李某"]
    assert body["training_class"] == {"id": klass.pk, "title": klass.title}
    assert body["domains"] == ["industrial-system"]
    assert body["file"]["name"] == "报告.pdf" and body["file"]["content_type"] == "application/pdf"
    assert set(body["actions"]) == {"edit"}  # a teacher files, curators decide
    report = Report.objects.get(pk=body["id"])
    assert _file(report) == PDF
    assert "报告" not in report.file.name  # a generated name on disk
    download = client.get(f"{URL}{report.pk}/attachment/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"


def test_the_audit_trail_names_no_title_and_keeps_no_text(api):
    client = api("tA_curator")
    answer = client.post(
        URL,
        {"owner": "440604010", "title": "机密标题", "summary": "机密摘要", "date": "2025-06-30"},
        format="json",
    )
    pk = answer.json()["id"]
    client.post(
        f"{URL}{pk}/adopt/",
        {"level": "department", "note": "机密批示", "adopted_on": "2025-07-01"},
        format="json",
    )
    events = AuditEvent.objects.filter(object_id=pk, content_type__model="report")
    assert events.count() == 2
    for event in events:
        assert event.object_repr == f"report #{pk}"
        text = str(event.changes)
        assert "机密" not in text
    created = events.get(action="create")
    assert created.changes["title"] == "[redacted]"
    assert created.organization.code == "440604010"


@pytest.mark.parametrize(
    "change,field",
    [
        ({"title": ""}, "title"),
        ({"date": "not a date"}, "date"),
        ({"confidentiality": "secret"}, "confidentiality"),
        ({"domains": ["nowhere"]}, "domains"),
        ({"owner": "nowhere"}, "owner"),
    ],
)
def test_bad_input_answers_400_naming_the_field(api, change, field):
    data = {"owner": "440604010", "title": "报告", "date": "2025-06-30", **change}
    assert_problem(api("tA_teacher").post(URL, data, format="json"), 400, fields=[field])
    assert not Report.objects.exists()


def test_a_report_cannot_be_dated_in_the_future(api):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = {"owner": "440604010", "title": "报告", "date": tomorrow}
    assert_problem(api("tA_teacher").post(URL, data, format="json"), 400, fields=["date"])


def test_a_lecturer_the_author_may_not_see_is_refused(api):
    # 南海's draft: out of 祖庙's sight
    hidden = LecturerFactory(owner_code="440605", author=author_at("440605"))
    data = {"owner": "440604010", "title": "报告", "date": "2025-06-30", "lecturers": [hidden.pk]}
    body = assert_problem(api("tA_teacher").post(URL, data, format="json"), 400, ["lecturers"])
    assert hidden.title not in str(body)
    assert not Report.objects.exists()


def test_a_class_of_another_school_is_refused(api):
    other = TrainingClassFactory(host_code="440604", start_date=date(2025, 5, 1))
    data = {
        "owner": "440604010",
        "title": "报告",
        "date": "2025-06-30",
        "training_class": other.pk,
    }
    # 禅城区委党校's class: 祖庙's curator does not see it, and it is not 祖庙's
    assert_problem(api("tA_curator").post(URL, data, format="json"), 400, ["training_class"])
    data["training_class"] = 2**40
    assert_problem(api("tA_curator").post(URL, data, format="json"), 400, ["training_class"])


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("报告.pdf", b"<html><script>alert(1)</script></html>", "JPEG"),  # the kinds accepted
        ("报告.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50, "Word"),  # a report is PDF or Word
        ("报告.docx", PDF, ".docx"),  # the name does not match the content
        ("空.pdf", b"", ""),
    ],
)
def test_a_file_that_is_no_report_is_refused(api, name, data, message):
    answer = api("tA_teacher").post(
        URL,
        {"owner": "440604010", "title": "报告", "date": "2025-06-30", "file": pdf(name, data)},
        format="multipart",
    )
    body = assert_problem(answer, 400, fields=["file"])
    assert message in str(body["errors"]["file"])
    assert not Report.objects.exists()


def test_the_file_size_limit(api, settings):
    settings.ATTACHMENT_MAX_BYTES = 20
    answer = api("tA_teacher").post(
        URL,
        {"owner": "440604010", "title": "报告", "date": "2025-06-30", "file": pdf()},
        format="multipart",
    )
    assert_problem(answer, 400, fields=["file"])


def test_a_new_file_replaces_the_old_one(api, make_report):
    report = make_report("internal")
    client = api("tA_curator")
    answer = client.patch(f"{URL}{report.pk}/", {"file": pdf("第二版.pdf")}, format="multipart")
    assert answer.status_code == 200, answer.content
    assert answer.json()["file"]["name"] == "第二版.pdf"
    assert_problem(
        client.patch(f"{URL}{report.pk}/", {"owner": "440604"}, format="json"), 400, ["owner"]
    )


def test_the_decision_adopted_not_adopted_and_their_states(api, make_report):
    report = make_report("public")
    client = api("dA_curator")  # a curator of the district above decides too
    url = f"{URL}{report.pk}/"
    assert_problem(client.post(f"{url}adopt/", {"level": "x"}, format="json"), 400)
    assert_problem(
        client.post(
            f"{url}adopt/",
            {"level": "instruction", "adopted_on": "2025-01-01"},  # before the report's date
            format="json",
        ),
        400,
        fields=["adopted_on"],
    )
    declined = client.post(f"{url}decline/", {"note": "暂不采纳"}, format="json")
    assert declined.status_code == 200 and declined.json()["status"] == "not_adopted"
    assert_problem(client.post(f"{url}decline/", {}, format="json"), 409)
    adopted = client.post(
        f"{url}adopt/",
        {"level": "department", "note": "发改局采纳", "adopted_on": "2025-09-01"},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    assert adopted.status_code == 200, adopted.content
    body = adopted.json()
    assert (body["status"], body["adoption_level"], body["adopted_on"]) == (
        "adopted",
        "department",
        "2025-09-01",
    )
    assert body["decision_note"] == "发改局采纳"
    again = {"level": "instruction", "adopted_on": "2025-09-02"}
    assert_problem(client.post(f"{url}adopt/", again, format="json"), 409)
    report.refresh_from_db()
    assert report.adoption_level == "department" and report.version == 3


def test_an_older_if_match_is_refused_and_changes_nothing(api, make_report):
    report = make_report("internal")
    answer = api("tA_curator").patch(
        f"{URL}{report.pk}/", {"title": "新标题"}, format="json", HTTP_IF_MATCH='"7"'
    )
    assert_problem(answer, 412)
    report.refresh_from_db()
    assert report.title != "新标题" and report.version == 1


def test_who_filed_it_edits_until_it_is_decided(api, make_report):
    report = make_report(
        "internal", status="adopted", adoption_level="instruction", adopted_on=date(2025, 7, 1)
    )
    assert_problem(
        api("tA_teacher").patch(f"{URL}{report.pk}/", {"title": "改"}, format="json"), 409
    )
    assert (
        api("tA_curator").patch(f"{URL}{report.pk}/", {"title": "改"}, format="json").status_code
        == 200
    )


def test_another_teacher_of_the_school_may_read_but_not_edit(api, make_report, persona):
    report = make_report("internal", by="tA_admin")
    assert api("tA_teacher").get(f"{URL}{report.pk}/").json()["actions"] == []
    assert_problem(
        api("tA_teacher").patch(f"{URL}{report.pk}/", {"title": "改"}, format="json"), 403
    )


def test_the_filters(api, make_report):
    industry = ThematicDomain.objects.get(code="industrial-system")
    a = make_report("public", date=date(2024, 3, 1))
    a.domains.set([industry])
    b = make_report("public", owner="440604", by="dA_curator", status="not_adopted")
    make_report("public", owner="440600", by="muni_curator")
    client = api("muni_curator")

    def ids(**params):
        answer = client.get(URL, params)
        assert answer.status_code == 200, answer.content
        return {r["id"] for r in answer.json()["results"]}

    assert ids(year=2024) == {a.pk}
    assert ids(school="440604") == {b.pk}
    assert ids(within="440604") == {a.pk, b.pk}
    assert ids(status="not_adopted") == {b.pk}
    assert ids(domain="industrial-system") == {a.pk}
    for bad in ({"year": "abc"}, {"school": "nowhere"}, {"status": "x"}, {"domain": "x"}):
        assert_problem(client.get(URL, bad), 400, fields=list(bad))


def test_out_of_reach_ids_answer_404(api):
    client = api("tA_teacher")
    for path in ("999999/", "999999/attachment/", f"{2**70}/"):
        assert client.get(URL + path).status_code == 404


def test_a_report_without_a_file_has_nothing_to_download(api, make_report):
    report = make_report("public")
    assert api("tA_teacher").get(f"{URL}{report.pk}/attachment/").status_code == 404


def _cost(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_for_one_report_or_twenty(
    api, make_report, django_assert_max_num_queries
):
    lecturers = [published(LecturerFactory) for _ in range(3)]
    klass = TrainingClassFactory(start_date=date(2025, 5, 1), end_date=date(2025, 5, 2))
    first = make_report("internal", training_class=klass)
    first.lecturers.set(lecturers[:1])
    client = api("tA_curator")
    one = _cost(client)
    domains = list(ThematicDomain.objects.all()[:3])
    for i in range(19):
        report = make_report(["public", "internal", "restricted"][i % 3], training_class=klass)
        report.lecturers.set(lecturers)
        report.domains.set(domains)
    with django_assert_max_num_queries(one) as captured:
        answer = client.get(URL)
    assert len(answer.json()["results"]) == 20
    assert all("COUNT(" not in q["sql"] for q in captured.captured_queries)
