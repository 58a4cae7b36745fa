"""Guessing evaluation codes over the API: the same lockout as the trainees' pages
(apps.classes.guard), counted per address across both. After N unknown codes even a valid code
answers 429 problem+json with Retry-After, and nothing is recorded; another address is not
locked."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.classes import guard, services
from apps.classes.models import Evaluation
from apps.classes.services import SessionInput
from apps.sharing.choices import Scope, Status
from tests.factories import CourseFactory, LecturerFactory, TrainingClassFactory, slot
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

EVALUATE = "/api/v1/evaluations/"
SESSIONS = "/api/v1/evaluations/sessions/"
LIMIT = 3


@pytest.fixture
def held(persona, monkeypatch):
    """A class that started three days ago, one session held, one code: ``(code, session)``."""
    monkeypatch.setattr(guard, "EVALUATE_MAX_FAILURES", LIMIT)
    author = persona("muni_teacher")
    published = {"owner_code": "440600", "status": Status.PUBLISHED, "scope": Scope.NETWORK}
    course = CourseFactory(author=author, **published)
    lecturer = LecturerFactory(author=author, **published)
    cls = TrainingClassFactory(start_date=timezone.localdate() - timedelta(days=3))
    begin, end = slot(cls)
    session = services.session_add(
        user=persona("tA_teacher"),
        class_pk=cls.pk,
        data=SessionInput(starts_at=begin, ends_at=end, course=course.pk, lecturers=[lecturer.pk]),
    )
    (code,) = services.codes_issue(user=persona("tA_teacher"), class_pk=cls.pk, count=1)
    return code.code, session


def answer(code, session) -> dict:
    return {"code": code, "session": session.pk, "content": 5, "delivery": 4}


def test_unknown_codes_lock_the_address_out_even_for_a_valid_code(held):
    code, session = held
    trainee = APIClient()
    assert_problem(trainee.get(SESSIONS, {"code": "NOPE2345"}), 404)
    assert_problem(trainee.post(EVALUATE, answer("NOPE3456", session), format="json"), 404)
    assert trainee.get(SESSIONS, {"code": code}).status_code == 200  # not yet: 2 of 3
    assert_problem(trainee.get(SESSIONS, {"code": "NOPE4567"}), 404)

    for refused in (
        trainee.get(SESSIONS, {"code": code}),
        trainee.post(EVALUATE, answer(code, session), format="json"),
    ):
        body = assert_problem(refused, 429)
        assert int(refused["Retry-After"]) == guard.EVALUATE_LOCKOUT_SECONDS
        assert "Expected available" not in body["detail"]
    assert not Evaluation.objects.exists()

    # Another address is not locked out by this one's guesses.
    other = APIClient(REMOTE_ADDR="10.0.0.9")
    assert other.get(SESSIONS, {"code": code}).status_code == 200
    assert other.post(EVALUATE, answer(code, session), format="json").status_code == 201


def test_the_pages_and_the_api_count_together(client, held):
    code, session = held
    for guess in ("AAAAAAAA", "BBBBBBBB"):
        assert client.post("/evaluate/", {"code": guess}).status_code == 400
    assert_problem(APIClient().get(SESSIONS, {"code": "NOPE2345"}), 404)

    assert_problem(APIClient().post(EVALUATE, answer(code, session), format="json"), 429)
    assert client.get(f"/evaluate/{code}/").status_code == 429
    assert not Evaluation.objects.exists()


def test_valid_codes_and_refused_answers_do_not_count(held):
    code, session = held
    trainee = APIClient()
    for _ in range(LIMIT + 1):
        assert trainee.get(SESSIONS, {"code": code}).status_code == 200
        assert_problem(trainee.get(SESSIONS), 400, fields=["code"])
        refused = trainee.post(EVALUATE, {**answer(code, session), "content": 7}, format="json")
        assert_problem(refused, 400, fields=["content"])
    assert trainee.post(EVALUATE, answer(code, session), format="json").status_code == 201
    for _ in range(LIMIT + 1):  # answered already: 409, not a guess
        assert_problem(trainee.post(EVALUATE, answer(code, session), format="json"), 409)
    assert Evaluation.objects.count() == 1
