"""Concurrent twins: a department's system posts the same case (same ``external_ref``) several
times at once with different Idempotency-Keys. The database's unique constraint lets one in;
the service turns each other's refusal into a 400 naming ``external_ref`` (never a 500), and
nothing of the refused ones is left (no draft, no submission, no audit event)."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.cases.models import Case
from tests.concurrency import run_in_threads
from tests.serial.test_concurrency import CASE, submitter_token

pytestmark = [
    pytest.mark.serial,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]


def test_concurrent_twins_with_one_external_ref_create_one_case_and_answer_400():
    raw = submitter_token()

    def post(index):
        def request():
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
            response = client.post(
                "/api/v1/cases/",
                {**CASE, "title": f"孪生报送{index}", "external_ref": "FGJ-TWIN-1"},
                format="json",
                HTTP_IDEMPOTENCY_KEY=f"twin-{index}",
            )
            return response.status_code, response.json()

        return request

    results = run_in_threads([post(i) for i in range(8)])
    assert len(results) == 8
    statuses = sorted(status for status, _body in results)
    assert statuses == [201] + [400] * 7, results
    assert all(set(body["errors"]) == {"external_ref"} for s, body in results if s == 400)
    case = Case.objects.get()
    assert (case.status, case.scope, case.external_ref) == ("pending", "network", "FGJ-TWIN-1")
    assert sorted(
        AuditEvent.objects.filter(content_type__model="case").values_list("action", flat=True)
    ) == ["create", "submit"]
