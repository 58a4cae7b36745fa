"""Helpers shared by the API tests: problem+json responses and token-authenticated clients."""

from rest_framework.test import APIClient

from apps.accounts.models import ApiToken

PROBLEM = "application/problem+json"


def assert_problem(response, status, fields=None):
    """Assert a problem+json with ``status``, title and detail; ``fields``: exactly its errors."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    if fields is not None:
        assert set(body["errors"]) == set(fields), body
        assert all(body["errors"][name] for name in fields), body
    return body


def token_client(user, *, warm=False, **issue_kwargs) -> tuple[APIClient, ApiToken]:
    """Build a client authenticated by a new bearer token of ``user`` (warm: one 200 GET /me/)."""
    token, raw = ApiToken.issue(user=user, **issue_kwargs)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    if warm:  # so that last_used_at is already set before anything is measured
        assert client.get("/api/v1/me/").status_code == 200
    return client, token
