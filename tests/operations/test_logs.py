"""Structured logs: one JSON line per request with the audit's request id, the user, the
seat and the timing; job lines with the job and its attempt; and never a token, a password
or a lecturer's contact data, whatever the request did (created, read, failed validation,
crashed)."""

from __future__ import annotations

import logging

import pytest
from rest_framework.test import APIClient

from apps.faculty.models import Lecturer, LecturerContact
from apps.jobs.queue import job, run_due_jobs
from apps.operations.conf import log_format
from apps.operations.redact import redact_query, redact_text
from tests.conftest import ORG
from tests.helpers import token_client

pytestmark = pytest.mark.django_db

FACULTY = "/api/v1/faculty/"
CONTACT = {"phone": "13800138000", "email": "li.wei@example.cn", "id_number": "440604198001011234"}


@job(attempts=2, backoff=0)
def shaky(fail: bool) -> None:
    logging.getLogger("apps.test").warning("inside the job")
    if fail:
        raise RuntimeError("shaky failed")


def test_a_request_line_carries_the_request_id_user_seat_and_timing(log_output, persona):
    api, _ = token_client(persona("tA_teacher"))
    response = api.get("/api/v1/courses/?q=党建&ordering=-created_at", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 200
    (line,) = log_output.named("request")
    assert line["request_id"] == response["X-Request-ID"] == "req-42"
    assert line["user"] == {"id": persona("tA_teacher").pk, "username": "tA_teacher"}
    assert line["seat"] == f"{ORG['TA']}:teacher"
    assert line["via"] == "token"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/api/v1/courses/", 200)
    assert line["view"] == "course-list"
    assert line["query"] == "q=党建&ordering=-created_at"
    api.get("/api/v1/courses/?access_token=abc123secret&q=x")
    assert log_output.named("request")[-1]["query"] == "access_token=[redacted]&q=x"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "info" and line["logger"] == "operations.requests"
    assert line["timestamp"].endswith("Z")


def test_the_seat_chosen_in_the_school_switcher_is_the_one_logged(log_output, browser, persona):
    from apps.accounts.models import Membership
    from apps.organizations.models import Organization

    Membership.objects.create(
        user=persona("tA_teacher"),
        organization=Organization.objects.get(code=ORG["DA"]),
        role="curator",
    )
    page = browser("tA_teacher")
    page.get("/")
    assert log_output.named("request")[-1]["seat"] == f"{ORG['DA']}:curator,{ORG['TA']}:teacher"
    page.post("/school/", {"org": ORG["TA"], "next": "/"})
    page.get("/")
    line = log_output.named("request")[-1]
    assert line["seat"] == f"{ORG['TA']}:teacher"
    assert line["via"] == "session" and line["path"] == "/"


def test_anonymous_requests_and_refusals_log_no_user_and_a_warning(log_output):
    response = APIClient().get("/api/v1/courses/?token=abcdef123456")
    assert response.status_code == 401
    (line,) = log_output.named("request")
    assert line["status"] == 401 and line["level"] == "warning"
    assert "user" not in line and "seat" not in line
    # Django's own line for the refusal carries the same request id, not the request.
    (django_line,) = [e for e in log_output.events() if e["logger"] == "django.request"]
    assert django_line["request_id"] == response["X-Request-ID"]
    assert "request" not in django_line and "abcdef123456" not in log_output.text


def test_probes_are_not_request_lines(log_output, client):
    client.get("/healthz")
    client.get("/readyz")
    assert log_output.named("request") == []


def test_job_lines_carry_the_job_and_its_attempt(log_output):
    shaky.enqueue(fail=True)
    run_due_jobs()  # attempt 1 fails, attempt 2 is queued with no wait
    run_due_jobs()
    started = log_output.named("job started")
    finished = log_output.named("job finished")
    job_path = "tests.operations.test_logs.shaky"
    assert [(e["job"], e["attempt"]) for e in started] == [(job_path, 1), (job_path, 2)]
    assert [(e["attempt"], e["status"]) for e in finished] == [(1, "FAILED"), (2, "FAILED")]
    assert all(e["duration_ms"] >= 0 and e["job_id"] for e in finished)
    inside = [e for e in log_output.events() if e["event"] == "inside the job"]
    assert [e["attempt"] for e in inside] == [1, 2]
    assert all(e["job"] == job_path for e in inside)
    # Nothing of a job sticks to the lines after it.
    logging.getLogger("apps.test").warning("after")
    (after,) = [e for e in log_output.events() if e["event"] == "after"]
    assert "job" not in after and "attempt" not in after


@pytest.mark.parametrize("log_output", ["json", "console"], indirect=True)
def test_no_token_password_or_contact_data_reaches_the_log(log_output, persona, monkeypatch):
    """Requests that carry a token and a lecturer's contact data: a create, a read, a
    failing validation and a 500 whose error message repeats both."""
    curator = persona("tA_curator")
    api, _ = token_client(curator)
    raw = api._credentials["HTTP_AUTHORIZATION"].split()[1]
    secrets = [raw, *CONTACT.values(), "hunter2-password"]

    # Create, with the token also (wrongly) in the query string and a password field.
    response = api.post(
        f"{FACULTY}?token={raw}&access_token={raw}",
        {"owner": ORG["TA"], "title": "李伟", "contact": CONTACT, "password": "hunter2-password"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="create-1",
    )
    assert response.status_code == 201, response.content
    lecturer = Lecturer.objects.get(pk=response.json()["id"])
    assert LecturerContact.objects.filter(lecturer=lecturer, **CONTACT).exists()

    # Read it back (the curator may read the contact: it is in the answer, not the log).
    response = api.get(f"{FACULTY}{lecturer.pk}/")
    assert response.json()["contact"] == CONTACT

    # A failing validation that echoes the contact data back.
    response = api.post(
        FACULTY,
        {"owner": "no-such-school", "title": "", "contact": {**CONTACT, "email": "li.wei@"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="create-2",
    )
    assert response.status_code == 400

    # A 500 whose exception message repeats the contact data and the token.
    def crash(self, *args, **kwargs):
        raise RuntimeError(
            f"duplicate key (phone, email, id_number)=({self.phone}, {self.email}, "
            f"{self.id_number}) for Authorization: Bearer {raw} password=hunter2-password"
        )

    monkeypatch.setattr(LecturerContact, "save", crash)
    api.raise_request_exception = False
    response = api.post(
        FACULTY,
        {"owner": ORG["TA"], "title": "王芳", "contact": CONTACT},
        format="json",
        HTTP_IDEMPOTENCY_KEY="create-3",
    )
    assert response.status_code == 500

    text = log_output.text
    # The log did record these requests and the crash…
    assert text.count("/api/v1/faculty/") >= 4
    assert "RuntimeError" in text and "Traceback" in text
    # …and none of the secrets.
    for secret in secrets:
        assert secret not in text, secret
    assert "li.wei" not in text


def test_redaction_by_shape_and_by_name():
    assert redact_text("call 138 0013 8000 or +86 138-0013-8000") == (
        "call [redacted] or [redacted]"
    )
    assert redact_text("mail li.wei@example.cn") == "mail [redacted]"
    assert redact_text("landline 0757-83123456") == "landline [redacted]"
    assert redact_text("Authorization: Bearer abcdef123456") == "Authorization: [redacted]"
    assert (
        redact_text('{"password": "x1", "title": "t"}')
        == '{"password": "[redacted]", "title": "t"}'
    )
    assert redact_query("q=%E5%85%9A&api_key=k&page=2") == "q=党&api_key=[redacted]&page=2"
    # Redacting twice (the filter, then the finished line) changes nothing more.
    for text in (
        "token=[redacted]",
        '{"query": "token=[redacted]&q=x", "password": "[redacted]"}',
        "Authorization: [redacted] and Bearer [redacted]",
    ):
        assert redact_text(text) == text
    once = redact_text("Authorization: Bearer abcdef123456 password=x token=rp_1_abcdefghijkl")
    assert redact_text(once) == once
    # Ids, codes, counts and request ids stay readable.
    kept = "org 440604010 course 123456 request 37759d67-b602-46a8-8442-f7453238f232 took 12.5 ms"
    assert redact_text(kept) == kept


def test_json_is_the_default_without_debug_and_the_console_with_it():
    assert log_format(None, debug=False) == "json"
    assert log_format(None, debug=True) == "console"
    assert log_format("JSON", debug=True) == "json"
    assert log_format("console", debug=False) == "console"
    assert log_format("xml", debug=False) == "json"


@pytest.mark.parametrize("path", ["/s/9gCRRX4wDBMrHafyJV9e9g/", "/evaluate/K7Q2M9XA/"])
def test_an_anonymous_answer_logs_neither_its_secret_nor_who_was_signed_in(
    log_output, browser, path
):
    """A survey link or a 评教 code in the path is a one-time secret, and the answer behind it
    is anonymous: a signed-in respondent's line names no user and keeps no secret."""
    browser("tA_teacher").get(path)
    line = log_output.named("request")[-1]
    secret = path.strip("/").split("/")[-1]
    assert line["path"] in ("/s/[redacted]/", "/evaluate/[redacted]/")
    assert "user" not in line and "seat" not in line
    assert secret not in str(line)
