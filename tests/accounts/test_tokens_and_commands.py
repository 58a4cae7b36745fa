"""API tokens issued by ``add_member`` and Bearer authentication (the demo seed command:
tests/seeds/demo/test_command.py)."""

import hashlib
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken, Membership, User
from apps.courses.models import Course
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

TOWN = "440604010"


def add_member(username: str, **options) -> list[str]:
    out = StringIO()
    call_command("add_member", username, stdout=out, **options)
    return out.getvalue().strip().splitlines()


def issue(username: str = "u1", **options) -> str:
    """A fresh member of the town with a token; the raw token (last line of output)."""
    lines = add_member(username, org=TOWN, role="teacher", token=True, **options)
    return lines[-1]


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Membership.objects.count(), ApiToken.objects.count()


# ---- add_member and the token it prints ----------------------------------------------------


def test_add_member_creates_user_membership_and_a_working_token():
    before = counts()
    lines = add_member("u1", org=TOWN, role="teacher", token=True)

    user = User.objects.get(username="u1")
    assert [(m.organization.code, m.role) for m in user.memberships.all()] == [(TOWN, "teacher")]
    assert not user.has_usable_password()
    assert not user.is_staff
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert lines[0].startswith("created u1")

    raw = lines[-1]
    assert raw.startswith("rp_")
    response = bearer(raw).get("/api/v1/me/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["username"] == "u1"
    assert [(m["organization"], m["role"]) for m in body["memberships"]] == [(TOWN, "teacher")]
    token = ApiToken.objects.get(user=user)
    assert token.last_used_at is not None


def test_only_the_hash_of_the_token_is_stored():
    raw = issue()
    token = ApiToken.objects.get(user__username="u1")
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    secret = raw.split("_", 2)[2]
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    stored = json.dumps(row, default=str)
    assert raw not in stored
    assert secret not in stored
    assert secret not in str(token)
    assert token.expires_at > timezone.now() + timedelta(days=364)


def test_token_days_option_sets_the_lifetime():
    issue(days=7)
    token = ApiToken.objects.get(user__username="u1")
    lifetime = token.expires_at - token.created_at
    assert timedelta(days=7) - timedelta(minutes=1) < lifetime <= timedelta(days=7)


def test_no_token_is_issued_without_the_flag():
    tokens = ApiToken.objects.count()
    lines = add_member("u1", org=TOWN, role="teacher")
    assert len(lines) == 1
    assert ApiToken.objects.count() == tokens


def test_revoked_token_is_refused():
    raw = issue()
    ApiToken.objects.filter(user__username="u1").update(revoked_at=timezone.now())
    response = bearer(raw).get("/api/v1/me/")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_expired_token_is_refused():
    raw = issue()
    ApiToken.objects.filter(user__username="u1").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert_problem(bearer(raw).get("/api/v1/me/"), 401)


@pytest.mark.parametrize("tamper", ["secret", "key_id", "malformed"])
def test_wrong_token_is_refused(tamper):
    raw = issue()
    prefix, key_id, secret = raw.split("_", 2)
    wrong = {
        "secret": f"{prefix}_{key_id}_{'A' * len(secret)}",
        "key_id": f"{prefix}_{'0' * len(key_id)}_{secret}",
        "malformed": "not-a-token",
    }[tamper]
    assert wrong != raw
    response = bearer(wrong).get("/api/v1/me/")
    assert_problem(response, 401)
    assert ApiToken.objects.get(user__username="u1").last_used_at is None


def test_disabled_user_token_is_refused():
    raw = issue()
    User.objects.filter(username="u1").update(is_active=False)
    assert_problem(bearer(raw).get("/api/v1/me/"), 401)


def test_read_only_token_reads_but_cannot_write():
    raw = issue(read_only=True)
    assert ApiToken.objects.get(user__username="u1").read_only is True
    client = bearer(raw)

    assert client.get("/api/v1/me/").status_code == 200
    assert client.get("/api/v1/courses/").status_code == 200

    courses = Course.objects.count()
    response = client.post(
        "/api/v1/courses/", {"owner": TOWN, "title": "只读令牌的课程"}, format="json"
    )
    assert_problem(response, 403)
    assert Course.objects.count() == courses
    assert not Course.objects.filter(title="只读令牌的课程").exists()


def test_read_write_token_can_create():
    raw = issue()
    response = bearer(raw).post(
        "/api/v1/courses/",
        {"owner": TOWN, "title": "令牌创建的课程"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="create-1",
    )
    assert response.status_code == 201, response.content
    course = Course.objects.get(title="令牌创建的课程")
    assert (course.owner.code, course.author.username, course.status) == (TOWN, "u1", "draft")


@pytest.mark.parametrize(
    ("org", "role"),
    [
        (TOWN, "submitter"),  # departments only
        ("440600", "submitter"),
        ("440600-fgj", "teacher"),  # schools only
        ("440600-fgj", "curator"),
    ],
)
def test_role_not_valid_for_the_organisation_kind_creates_nothing(org, role):
    before = counts()
    with pytest.raises(CommandError, match=role):
        add_member("u2", org=org, role=role, token=True)
    assert counts() == before
    assert not User.objects.filter(username="u2").exists()


def test_unknown_organisation_code_creates_nothing():
    before = counts()
    with pytest.raises(CommandError, match="999999"):
        add_member("u2", org="999999", role="teacher", token=True)
    assert counts() == before
    assert not User.objects.filter(username="u2").exists()


def test_refused_role_leaves_an_existing_member_unchanged(persona):
    user = persona("tA_teacher")
    before = counts()
    with pytest.raises(CommandError):
        add_member("tA_teacher", org="440600-fgj", role="teacher", token=True)
    assert counts() == before
    assert [(m.organization.code, m.role) for m in user.memberships.all()] == [(TOWN, "teacher")]
