"""Tokens in use: If-Match required, rate limits, the token page; sign-in lockout."""

import pytest
from django.core.cache import cache
from django.forms.models import model_to_dict
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from apps.api.throttling import TokenRateThrottle
from tests.conftest import ORG
from tests.factories import CourseFactory
from tests.helpers import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_token_change_without_if_match_is_428_and_changes_nothing(persona):
    course = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    client, _token = token_client(persona("tA_teacher"))
    before = model_to_dict(course)
    for response in (
        client.patch(f"/api/v1/courses/{course.pk}/", {"title": "新"}, format="json"),
        client.post(
            f"/api/v1/courses/{course.pk}/submit/",
            {"scope": "district"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="submit-1",
        ),
        client.delete(f"/api/v1/courses/{course.pk}/"),
    ):
        assert response.status_code == 428
        assert response["Content-Type"].startswith("application/problem+json")
    course.refresh_from_db()
    assert model_to_dict(course) == before

    ok = client.patch(
        f"/api/v1/courses/{course.pk}/", {"title": "新"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert (ok.status_code, ok["ETag"]) == (200, '"2"')


def test_a_session_may_still_omit_if_match(api, persona):
    course = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    response = api("tA_teacher").patch(
        f"/api/v1/courses/{course.pk}/", {"title": "新"}, format="json"
    )
    assert response.status_code == 200


def test_over_the_rate_limit_a_token_gets_429_with_retry_after(persona, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    client, _token = token_client(persona("tA_teacher"))
    statuses = [client.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/me/")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    # Another token of the same person has its own allowance.
    other, _token = token_client(persona("tA_teacher"))
    assert other.get("/api/v1/me/").status_code == 200


def test_revoking_from_the_token_page_takes_effect_on_the_next_request(client, persona):
    user = persona("tA_teacher")
    client.force_login(user)
    page = client.post("/account/tokens/", {"name": "案例报送系统", "days": 30})
    raw = page.context["new_token"]
    assert raw.startswith("rp_") and raw in page.content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.key_hash != raw and raw not in str(model_to_dict(token).values())
    # Shown once: the list page does not carry it again.
    assert raw not in client.get("/account/tokens/").content.decode()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/me/").status_code == 200
    client.post(f"/account/tokens/{token.pk}/revoke/")
    assert api.get("/api/v1/me/").status_code == 401


def test_nobody_revokes_someone_elses_token(client, persona):
    token, _raw = ApiToken.issue(user=persona("tA_curator"))
    client.force_login(persona("tA_teacher"))
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_repeated_failed_sign_ins_lock_the_username_whatever_the_forwarded_for(
    client, persona, settings
):
    settings.LOGIN_MAX_FAILURES = 3
    user = persona("tA_teacher")
    user.set_password("right-password-2026")
    user.save()
    for n in range(3):
        client.post(
            "/login/",
            {"username": "tA_teacher", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    response = client.post(
        "/login/",
        {"username": "tA_teacher", "password": "right-password-2026"},
        HTTP_X_FORWARDED_FOR="192.0.2.77",
    )
    assert response.status_code == 200  # the form again, not a redirect
    assert "_auth_user_id" not in client.session
    assert any(e.code == "locked" for e in response.context["form"].non_field_errors().as_data())
    # The same lock guards the admin's sign-in.
    admin = client.post(
        "/admin/login/", {"username": "tA_teacher", "password": "right-password-2026"}
    )
    assert "_auth_user_id" not in client.session and admin.status_code == 200

    cache.clear()  # the lock expires
    response = client.post("/login/", {"username": "tA_teacher", "password": "right-password-2026"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
