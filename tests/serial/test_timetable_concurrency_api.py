"""Twenty HTTP requests at once, with API tokens, for one lecturer in overlapping slots of
twenty different classes: exactly one session is made (201) and the nineteen others answer
409 problem+json naming the clash. These tests commit; they run in the serial pass."""

import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken, Membership, User
from apps.classes.models import Session, SessionLecturer
from apps.organizations.models import Organization
from apps.sharing.choices import Scope, Status
from tests.concurrency import run_in_threads
from tests.factories import CourseFactory, LecturerFactory, TrainingClassFactory, slot

pytestmark = [
    pytest.mark.serial,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]


def test_twenty_overlapping_posts_for_one_lecturer_make_one_session_and_nineteen_409s():
    call_command("loaddata", "organizations", "taxonomy", "class_themes", verbosity=0)
    curator = User.objects.create_user(username="clash_api_curator")
    Membership.objects.create(
        user=curator, organization=Organization.objects.get(code="440600"), role="curator"
    )
    _token, raw = ApiToken.issue(user=curator)
    shared = {"owner_code": "440600", "author": curator, "status": Status.PUBLISHED}
    course = CourseFactory(scope=Scope.NETWORK, **shared)
    lecturer = LecturerFactory(scope=Scope.NETWORK, **shared)
    classes = [TrainingClassFactory(host_code="440600") for _ in range(20)]

    def post(cls, n):
        begin, end = slot(cls, 0, f"09:{n:02d}", "11:00")  # every slot overlaps every other
        body = {
            "starts_at": begin.isoformat(),
            "ends_at": end.isoformat(),
            "course": course.pk,
            "lecturers": [lecturer.pk],
        }

        def call():
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
            response = client.post(
                f"/api/v1/classes/{cls.pk}/sessions/",
                body,
                format="json",
                HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            )
            return response.status_code, response["Content-Type"], response.json()

        return call

    results = run_in_threads([post(cls, n) for n, cls in enumerate(classes)])
    assert len(results) == 20
    assert sorted(code for code, _type, _body in results) == [201] + [409] * 19
    assert Session.objects.count() == 1 and SessionLecturer.objects.count() == 1
    winner = Session.objects.get()
    for code, content_type, body in results:
        if code == 201:
            assert body["id"] == winner.pk
            continue
        assert content_type.startswith("application/problem+json")
        assert body["status"] == 409 and list(body["errors"]) == ["lecturers"]
        # The curator may see the winning class: it is named, with its session and time.
        assert body["clash"]["kind"] == "lecturer"
        assert body["clash"]["class"] == winner.training_class_id
        assert body["clash"]["session"] == winner.pk
        assert body["clash"]["starts_at"] and body["clash"]["ends_at"]
