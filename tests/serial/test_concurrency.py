"""Real concurrent transactions on PostgreSQL: duplicates and lost updates cannot happen.

These tests commit, so they run in their own pass (`-m serial`, see Makefile) and build
their own data; SQLite serialises writers, so they need PostgreSQL.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken, Membership, User
from apps.cases.models import Case
from apps.organizations.models import Organization
from tests.concurrency import run_in_threads

pytestmark = [
    pytest.mark.serial,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

CASE = {
    "owner": "440600-fgj",
    "title": "并发报送的案例",
    "background": "背景",
    "key_issues": "要点",
    "teaching_notes": "说明",
    "discussion_questions": "问题",
    "domains": ["business-environment"],
    "year": 2025,
}


def submitter_token():
    call_command("loaddata", "organizations", "taxonomy", verbosity=0)
    user = User.objects.create_user(username="concurrent_dept")
    Membership.objects.create(
        user=user, organization=Organization.objects.get(code="440600-fgj"), role="submitter"
    )
    _token, raw = ApiToken.issue(user=user)
    return raw


def test_twenty_identical_concurrent_posts_create_exactly_one_case():
    raw = submitter_token()

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        response = client.post("/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="same")
        return response.status_code, response.json()

    results = run_in_threads([post] * 20)
    assert len(results) == 20
    assert Case.objects.count() == 1
    statuses = sorted(status for status, _body in results)
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    case_id = Case.objects.get().pk
    assert all(body["id"] == case_id for status, body in results if status == 201)


def test_two_concurrent_patches_with_the_same_etag_one_wins_one_gets_412():
    raw = submitter_token()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    created = client.post("/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="c")
    pk, etag = created.json()["id"], created["ETag"]

    def patch(title):
        def run():
            c = APIClient()
            c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
            response = c.patch(
                f"/api/v1/cases/{pk}/", {"title": title}, format="json", HTTP_IF_MATCH=etag
            )
            return response.status_code, title

        return run

    results = run_in_threads([patch("甲"), patch("乙")])
    assert sorted(status for status, _title in results) == [200, 412]
    winner = next(title for status, title in results if status == 200)
    case = Case.objects.get(pk=pk)
    assert (case.title, case.version) == (winner, 3)
