"""Concurrent repeats of one reuse make one copy (real transactions on PostgreSQL).

A teacher's eight reuses of the same course version into the same school, sent at the same
moment (a double click, a script retrying with new keys), made eight copies. The source row
is locked before the service looks for an earlier copy, so the repeats queue and find the
first one's copy. Committing tests: run in the serial pass (``-m serial``).
"""

import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken, Membership, User
from apps.courses.models import Course
from apps.organizations.models import Organization
from apps.sharing.choices import Scope, Status
from apps.sharing.models import ReuseRecord
from tests.concurrency import run_in_threads

pytestmark = [
    pytest.mark.serial,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]


def test_eight_concurrent_reuses_by_one_teacher_into_one_school_make_one_copy():
    call_command("loaddata", "organizations", "taxonomy", verbosity=0)
    town = Organization.objects.get(code="440604010")
    city = Organization.objects.get(code="440600")
    teacher = User.objects.create_user(username="concurrent_teacher")
    Membership.objects.create(user=teacher, organization=town, role="teacher")
    source = Course.objects.create(
        owner=city,
        author=teacher,
        audience=city,
        scope=Scope.NETWORK,
        status=Status.PUBLISHED,
        title="并发复用的课程",
    )
    _token, raw = ApiToken.issue(user=teacher)

    def reuse():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        response = client.post(
            f"/api/v1/courses/{source.pk}/reuse/",
            {"owner": town.code},
            format="json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),  # eight intents, not one retried
        )
        return response.status_code, response.json()

    results = run_in_threads([reuse] * 8)

    assert len(results) == 8
    copies = Course.objects.filter(source=source)
    assert copies.count() == 1
    assert sorted(status for status, _body in results) == [200] * 7 + [201]
    assert {body["id"] for _status, body in results} == {copies.get().pk}
    assert Course.objects.get(pk=source.pk).reuse_count == 1
    assert ReuseRecord.objects.filter(source_id=source.pk).count() == 1
