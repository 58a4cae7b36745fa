"""Idempotency-Key on token POSTs: retries never duplicate, mismatches are refused."""

import pytest

from apps.api.models import IdempotencyKey
from apps.cases.models import Case
from tests.conftest import ORG
from tests.helpers import token_client

pytestmark = pytest.mark.django_db

CASE = {
    "owner": ORG["DEP"],
    "title": "投资项目审批提速",
    "background": "背景",
    "key_issues": "要点",
    "teaching_notes": "说明",
    "discussion_questions": "问题",
    "domains": ["business-environment"],
    "year": 2025,
}


@pytest.fixture
def dept_client(persona):
    client, _token = token_client(persona("dept"))
    return client


def test_a_token_post_without_a_key_is_400_and_creates_nothing(dept_client):
    response = dept_client.post("/api/v1/cases/", CASE, format="json")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert Case.objects.count() == 0


def test_the_same_key_and_body_replays_the_first_response(dept_client):
    first = dept_client.post("/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = dept_client.post("/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_the_same_key_with_another_body_is_422_and_creates_nothing(dept_client):
    dept_client.post("/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = dept_client.post(
        "/api/v1/cases/", {**CASE, "title": "另一个案例"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert other.status_code == 422
    assert list(Case.objects.values_list("title", flat=True)) == [CASE["title"]]


def test_a_refused_request_leaves_no_key_behind(dept_client):
    bad = dept_client.post(
        "/api/v1/cases/", {**CASE, "year": None}, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.exists()
    good = dept_client.post("/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    # The fixed request is a different body, so the key is free to use (nothing was stored).
    assert good.status_code == 201


def test_workflow_actions_with_a_token_are_idempotent_too(dept_client, persona):
    created = dept_client.post("/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    pk = created.json()["id"]
    withdraw = {"HTTP_IDEMPOTENCY_KEY": "k-5", "HTTP_IF_MATCH": created["ETag"]}
    first = dept_client.post(f"/api/v1/cases/{pk}/withdraw/", format="json", **withdraw)
    again = dept_client.post(f"/api/v1/cases/{pk}/withdraw/", format="json", **withdraw)
    assert first.status_code == again.status_code == 200
    assert Case.objects.get(pk=pk).version == first.json()["version"] == 3


def test_sessions_need_no_key(api):
    response = api("dept").post("/api/v1/cases/", CASE, format="json")
    assert response.status_code == 201
