"""Large exports and imports run as jobs (apps.exchange.jobs): 202, progress, the file or the
problems, only ever to the job's own user; small work stays in the request."""

from __future__ import annotations

import pytest
from django.db import transaction

from apps.courses.models import Course
from apps.exchange import importing, workbooks
from apps.exchange.jobs import run_exchange_job
from apps.exchange.models import ExchangeJob
from apps.faculty.models import Lecturer, LecturerContact
from apps.jobs.queue import pending_jobs, run_due_jobs
from apps.sharing.choices import Scope, Status
from tests.conftest import PERSONAS
from tests.factories import CourseFactory, LecturerFactory
from tests.helpers import assert_problem

from .conftest import TA, TB
from .helpers import XLSX, sheet_rows, snapshot, upload, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def lecturers(persona):
    """Lecturers of 祖庙 (two with contact data, one a draft) and of 桂城 (one published with
    contact data, one draft nobody else sees)."""
    teacher, other = persona("tA_teacher"), persona("tB_teacher")
    made = []
    for n in range(3):
        lecturer = LecturerFactory(
            owner_code=TA,
            author=teacher,
            title=f"祖庙讲师{n}",
            status=Status.PUBLISHED if n else Status.DRAFT,
            scope=Scope.NETWORK,
        )
        if n < 2:
            LecturerContact.objects.create(lecturer=lecturer, phone=f"1380000000{n}")
        made.append(lecturer)
    published = LecturerFactory(
        owner_code=TB, author=other, title="桂城讲师", status=Status.PUBLISHED, scope=Scope.NETWORK
    )
    LecturerContact.objects.create(lecturer=published, phone="13900000000", id_number="X9")
    LecturerFactory(owner_code=TB, author=other, title="桂城草稿")
    return [*made, published]


def accepted(response) -> dict:
    assert response.status_code == 202, response.content[:500]
    body = response.json()
    assert response["Location"] == f"/api/v1/exchange-jobs/{body['id']}/"
    assert response["Content-Type"].startswith("application/json")
    return body


def job_of(client, body) -> dict:
    response = client.get(f"/api/v1/exchange-jobs/{body['id']}/")
    assert response.status_code == 200, response.content
    return response.json()


def download(client, job: dict) -> bytes:
    assert job["download"], job
    response = client.get(job["download"])
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


# ---- exports ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["tA_curator", "tA_teacher", "tB_teacher", "muni_curator"])
@pytest.mark.parametrize("query", ["", "?ordering=title", "?owner=440604010&ordering=-title"])
def test_a_big_export_becomes_a_job_whose_file_is_what_the_request_would_give(
    api, settings, lecturers, name, query
):
    client = api(name)
    settings.EXPORT_INLINE_ROWS = 1000
    synchronous = client.get(f"/api/v1/faculty/export/{query}")
    assert synchronous.status_code == 200
    expected = sheet_rows(synchronous.content)
    assert len(expected[1]) >= 2, "enough rows for the job's bound below"

    settings.EXPORT_INLINE_ROWS = 1
    body = accepted(client.get(f"/api/v1/faculty/export/{query}"))
    assert (body["kind"], body["library"], body["status"]) == ("export", "faculty", "queued")
    assert body["progress"] == {"done": 0, "total": len(expected[1])}
    assert body["download"] is None
    assert ExchangeJob.objects.count() == 1

    assert run_due_jobs() == 1
    job = job_of(client, body)
    assert job["status"] == "succeeded"
    assert job["progress"] == {"done": len(expected[1]), "total": len(expected[1])}
    assert sheet_rows(download(client, job)) == expected


def test_the_job_keeps_the_filters_as_given_and_applies_visibility_when_it_runs(
    api, settings, lecturers, persona
):
    settings.EXPORT_INLINE_ROWS = 0
    client = api("tA_curator")
    body = accepted(client.get("/api/v1/faculty/export/?owner=440605011&ordering=-id&async=0"))
    assert body["filters"] == {"ordering": ["-id"], "owner": ["440605011"]}

    # Between the request and the run, 桂城 publishes another lecturer: the job sees it then.
    LecturerFactory(
        owner_code=TB,
        author=persona("tB_teacher"),
        title="桂城新讲师",
        status=Status.PUBLISHED,
        scope=Scope.NETWORK,
    )
    run_due_jobs()

    headers, rows = sheet_rows(download(client, job_of(client, body)))
    assert [row["姓名"] for row in rows] == ["桂城新讲师", "桂城讲师"]  # not 桂城's draft
    assert "手机" not in headers  # 桂城's contact data is not 祖庙's curator's to read


def test_async_asks_for_a_job_whatever_the_size_and_small_work_stays_in_the_request(api, lecturers):
    client = api("tA_curator")
    small = client.get("/api/v1/faculty/export/")
    assert small.status_code == 200 and small["Content-Type"] == XLSX
    assert ExchangeJob.objects.count() == 0 and pending_jobs() == 0

    accepted(client.get("/api/v1/faculty/export/?async=1"))
    assert ExchangeJob.objects.count() == 1 and pending_jobs() == 1

    refused = client.get("/api/v1/faculty/export/?async=maybe")
    assert_problem(refused, 400, ["async"])
    assert ExchangeJob.objects.count() == 1


def test_an_export_job_over_its_own_bound_is_refused_and_queues_nothing(api, settings, lecturers):
    settings.EXPORT_INLINE_ROWS, settings.EXPORT_JOB_MAX_ROWS = 1, 2
    response = api("tA_curator").get("/api/v1/faculty/export/", HTTP_ACCEPT_LANGUAGE="en")
    body = assert_problem(response, 400)
    assert body["limit"] == 2 and "filter" in body["detail"]
    assert ExchangeJob.objects.count() == 0 and pending_jobs() == 0


def test_export_progress_is_written_as_the_rows_are(api, settings, lecturers, monkeypatch):
    settings.EXPORT_INLINE_ROWS = 0
    monkeypatch.setattr(workbooks, "PROGRESS_EVERY", 1)
    client = api("muni_curator")
    body = accepted(client.get("/api/v1/faculty/export/"))
    stored = ExchangeJob.objects.filter(pk=body["id"])
    seen = []
    write_cell = workbooks._write_only_cell

    def watched(*args, **kwargs):  # what a reader finds in the job's row at each cell
        seen.append(stored.values_list("done", "total").get())
        return write_cell(*args, **kwargs)

    monkeypatch.setattr(workbooks, "_write_only_cell", watched)
    run_due_jobs()
    total = len(lecturers) - 1  # 祖庙's draft is not the municipal curator's to see
    assert sorted({done for done, _total in seen}) == list(range(total)), seen
    assert {t for _done, t in seen} == {total}
    assert stored.values_list("done", "status").get() == (total, "succeeded")


# ---- imports ---------------------------------------------------------------------------------


def course_rows(n, *, bad_row=None):
    rows = []
    for i in range(n):
        hours = "很多" if i == bad_row else 2
        rows.append([f"导入课程{i}", "简介", "大纲", "建设现代化产业体系", hours])
    return xlsx(["课程名称", "简介", "大纲", "专题领域", "课时"], rows)


def post_import(client, content, query=""):
    return client.post(
        f"/api/v1/courses/import/{query}",
        {"file": upload(content), "owner": TA},
        format="multipart",
    )


def test_an_import_job_with_one_bad_row_changes_nothing_and_names_row_and_column(
    api, settings, persona
):
    settings.IMPORT_INLINE_ROWS = 2
    CourseFactory(owner_code=TA, author=persona("tA_teacher"), title="已有课程")
    before = snapshot(Course)
    client = api("tA_curator")

    body = accepted(post_import(client, course_rows(4, bad_row=2)))
    assert (body["kind"], body["owner"], body["progress"]) == (
        "import",
        TA,
        {"done": 0, "total": 4},
    )
    run_due_jobs()

    job = job_of(client, body)
    assert job["status"] == "failed"
    assert job["rows"] == [{"row": 4, "column": "课时", "message": job["rows"][0]["message"]}]
    assert list(job["errors"]) == ["rows.4.课时"]
    assert job["detail"] and job["result"] is None and job["download"] is None
    assert snapshot(Course) == before
    assert ExchangeJob.objects.get().upload is None  # the file is not kept


def test_an_import_job_writes_every_row_and_gives_the_counts(api, settings):
    settings.IMPORT_INLINE_ROWS = 2
    client = api("tA_curator")
    body = accepted(post_import(client, course_rows(3)))
    assert Course.objects.count() == 0  # nothing written before the job runs

    run_due_jobs()
    job = job_of(client, body)
    assert job["status"] == "succeeded" and job["finished_at"]
    assert job["result"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert job["progress"] == {"done": 3, "total": 3}
    assert Course.objects.filter(owner__code=TA, status=Status.DRAFT).count() == 3

    # A job run again (a worker died before marking it done) writes nothing twice.
    assert run_exchange_job.call(body["id"]) == "skipped"
    assert Course.objects.count() == 3


def test_an_import_job_reports_rows_checked_as_it_goes(api, settings, monkeypatch):
    settings.IMPORT_INLINE_ROWS = 0
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 2)
    client = api("tA_curator")
    body = accepted(post_import(client, course_rows(5)))
    stored = ExchangeJob.objects.filter(pk=body["id"])
    seen = []
    plan = importing._plan

    def watched(*args, **kwargs):  # the writing transaction starts: rows are all checked
        seen.append(stored.values_list("done", "total").get())
        return plan(*args, **kwargs)

    monkeypatch.setattr(importing, "_plan", watched)
    run_due_jobs()
    assert seen == [(4, 5)]  # reported at rows 0, 2 and 4 while checking
    assert stored.values_list("done", "status").get() == (5, "succeeded")


def test_an_import_job_checks_the_role_again_when_it_runs(api, settings, persona):
    settings.IMPORT_INLINE_ROWS = 0
    client = api("tA_curator")
    body = accepted(post_import(client, course_rows(2)))
    seat = persona("tA_curator").memberships.get()
    seat.role = "teacher"
    seat.save(update_fields=["role"])

    run_due_jobs()
    job = job_of(client, body)
    assert job["status"] == "failed" and job["detail"]
    assert Course.objects.count() == 0


def test_small_imports_stay_in_the_request_and_async_makes_a_job(api):
    client = api("tA_curator")
    response = post_import(client, course_rows(2))
    assert response.status_code == 200 and response.json()["created"] == 2
    assert ExchangeJob.objects.count() == 0 and pending_jobs() == 0

    accepted(post_import(client, course_rows(1), "?async=1"))
    assert pending_jobs() == 1


def test_an_import_refused_in_the_request_makes_no_job(api, settings):
    settings.IMPORT_INLINE_ROWS = 0
    response = api("tA_teacher").post(
        "/api/v1/courses/import/", {"file": upload(course_rows(3)), "owner": TA}
    )
    assert_problem(response, 403)
    assert ExchangeJob.objects.count() == 0 and pending_jobs() == 0


# ---- transactions, owners, cost ------------------------------------------------------------------


def test_a_rolled_back_request_leaves_no_job(api, lecturers):
    client = api("tA_curator")
    with transaction.atomic():
        accepted(client.get("/api/v1/faculty/export/?async=1"))
        assert ExchangeJob.objects.count() == 1 and pending_jobs() == 1
        transaction.set_rollback(True)
    assert ExchangeJob.objects.count() == 0
    assert pending_jobs() == 0


@pytest.mark.parametrize("name", sorted(set(PERSONAS) - {"tA_curator"}))
def test_nobody_else_sees_or_downloads_a_job(api, lecturers, name):
    owner = api("tA_curator")
    body = accepted(owner.get("/api/v1/faculty/export/?async=1"))
    run_due_jobs()
    assert job_of(owner, body)["download"]

    other = api(name)
    assert_problem(other.get(f"/api/v1/exchange-jobs/{body['id']}/"), 404)
    assert_problem(other.get(f"/api/v1/exchange-jobs/{body['id']}/download/"), 404)
    assert other.get("/api/v1/exchange-jobs/").json()["results"] == []


def test_anonymous_is_asked_to_sign_in(api, lecturers):
    body = accepted(api("tA_curator").get("/api/v1/faculty/export/?async=1"))
    assert_problem(api().get(f"/api/v1/exchange-jobs/{body['id']}/"), 401)
    assert_problem(api().get("/api/v1/exchange-jobs/"), 401)


def test_a_job_not_yet_done_has_nothing_to_download(api, lecturers):
    client = api("tA_curator")
    body = accepted(client.get("/api/v1/faculty/export/?async=1"))
    assert_problem(client.get(f"/api/v1/exchange-jobs/{body['id']}/download/"), 409)
    assert_problem(client.get("/api/v1/exchange-jobs/99999999999999999999/"), 404)


def test_my_jobs_newest_first(api, settings, lecturers):
    settings.IMPORT_INLINE_ROWS = 0
    client = api("tA_curator")
    first = accepted(client.get("/api/v1/faculty/export/?async=1"))
    second = accepted(post_import(client, course_rows(1)))
    listed = client.get("/api/v1/exchange-jobs/").json()["results"]
    assert [job["id"] for job in listed] == [second["id"], first["id"]]


def test_the_status_and_the_list_cost_a_fixed_number_of_queries(
    api, settings, persona, django_assert_num_queries
):
    settings.IMPORT_INLINE_ROWS = 0
    client = api("tA_curator")
    body = accepted(post_import(client, course_rows(30, bad_row=3)))
    run_due_jobs()
    # Session, user, the job (with its owner): the problems are in the job's row.
    with django_assert_num_queries(3):
        job = client.get(f"/api/v1/exchange-jobs/{body['id']}/").json()
    assert job["status"] == "failed" and len(job["rows"]) == 1
    for _n in range(5):
        accepted(post_import(client, course_rows(1)))
    with django_assert_num_queries(3):
        listed = client.get("/api/v1/exchange-jobs/").json()["results"]
    assert len(listed) == 6


# ---- the admin ---------------------------------------------------------------------------------


@pytest.fixture
def staff(persona, client):
    def sign_in(name):
        user = persona(name)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        return client

    return sign_in


def test_an_admin_export_too_large_for_the_request_follows_the_job_to_its_download(
    staff, settings, lecturers, persona
):
    settings.EXPORT_INLINE_ROWS = 1
    client = staff("tA_curator")
    visible = [lecturer.pk for lecturer in lecturers]
    response = client.post(
        "/admin/faculty/lecturer/",
        {"action": "export_selected_xlsx", "_selected_action": visible, "index": 0},
    )
    job = ExchangeJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/faculty/lecturer/exchange-jobs/{job.pk}/"

    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page and 'id="job-progress"' in page
    assert "job-download" not in page

    run_due_jobs()
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert f'href="/api/v1/exchange-jobs/{job.pk}/download/"' in page
    _headers, rows = sheet_rows(download(client, {"download": job_url(job)}))
    user = persona("tA_curator")
    seen = Lecturer.objects.restrict(user, "view").filter(pk__in=visible)
    assert sorted(row["编号"] for row in rows) == sorted(seen.values_list("pk", flat=True))
    assert len(rows) >= 3


def job_url(job):
    return f"/api/v1/exchange-jobs/{job.pk}/download/"


def test_the_admin_import_runs_in_the_background_when_asked(staff):
    client = staff("tA_curator")
    response = client.post(
        "/admin/courses/course/import/",
        {"owner": TA, "file": upload(course_rows(2, bad_row=1)), "in_background": "on"},
    )
    job = ExchangeJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/courses/course/exchange-jobs/{job.pk}/"
    run_due_jobs()
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-problems"' in page and "课时" in page
    assert Course.objects.count() == 0


def test_the_admin_job_page_is_the_owners_only(staff, persona, api, lecturers):
    body = accepted(api("tA_curator").get("/api/v1/faculty/export/?async=1"))
    client = staff("muni_admin")
    assert client.get(f"/admin/faculty/lecturer/exchange-jobs/{body['id']}/").status_code == 404


def test_other_jobs_are_untouched_by_a_skipped_run(api, lecturers):
    body = accepted(api("tA_curator").get("/api/v1/faculty/export/?async=1"))
    run_due_jobs()
    name = ExchangeJob.objects.get().file.name
    assert run_exchange_job.call(body["id"]) == "skipped"
    assert ExchangeJob.objects.get().file.name == name


def test_a_job_for_another_owner_still_shows_only_its_rows(api, settings, lecturers):
    settings.EXPORT_INLINE_ROWS = 0
    client = api("tB_teacher")
    body = accepted(client.get(f"/api/v1/faculty/export/?owner={TB}"))
    run_due_jobs()
    headers, rows = sheet_rows(download(client, job_of(client, body)))
    assert sorted(row["姓名"] for row in rows) == ["桂城草稿", "桂城讲师"]
    assert "手机" not in headers  # a teacher reads no contact data
