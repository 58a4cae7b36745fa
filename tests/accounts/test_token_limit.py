"""A person holds a bounded number of active API tokens, whichever way they are issued."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts import services
from apps.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limit(settings):
    settings.API_TOKENS_PER_USER = 2
    return 2


def holder(persona, name="tA_teacher") -> User:
    """A person who already holds the most active tokens allowed (2)."""
    user = persona(name)
    for n in range(2):
        ApiToken.issue(user=user, name=f"系统{n}")
    return user


def works(raw: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.get("/api/v1/me/").status_code == 200


def test_the_service_refuses_a_token_over_the_limit_naming_it(persona, settings):
    user = holder(persona)
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(services.TokenLimitReached) as refused:
        services.token_issue(user=user, name="第三个")
    assert "2" in str(refused.value)
    assert ApiToken.objects.filter(user=user).count() == 2


def test_revoked_and_expired_tokens_do_not_count(persona):
    user = holder(persona)
    first, second = ApiToken.objects.filter(user=user).order_by("pk")
    first.revoked_at = timezone.now()
    first.save()
    _token, raw = services.token_issue(user=user, name="换新")
    assert works(raw)
    second.expires_at = timezone.now() - timedelta(days=1)
    second.save()
    services.token_issue(user=user, name="再换新")
    assert ApiToken.objects.usable().filter(user=user).count() == 2


def test_the_limit_is_per_person(persona):
    holder(persona)
    _token, raw = services.token_issue(user=persona("tA_curator"), name="另一个人")
    assert works(raw)


def test_the_token_page_refuses_a_token_over_the_limit_beside_the_form(client, persona):
    user = holder(persona)
    client.force_login(user)

    page = client.post(
        "/account/tokens/", {"name": "第三个", "days": 30}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert page.status_code == 200
    assert page.context["new_token"] is None
    errors = page.context["form"].non_field_errors()
    assert len(errors) == 1 and "2" in errors[0]
    assert errors[0] in page.content.decode()
    assert page.context["form"]["name"].value() == "第三个"  # the input is kept
    assert ApiToken.objects.filter(user=user).count() == 2


def test_add_member_refuses_a_token_over_the_limit(persona):
    holder(persona)
    with pytest.raises(CommandError, match="2"):
        call_command(
            "add_member",
            "tA_teacher",
            org="440604010",
            role="teacher",
            token=True,
            stdout=StringIO(),
        )
    assert ApiToken.objects.filter(user__username="tA_teacher").count() == 2


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("root", password=None)
    client.force_login(user)
    return user


def test_the_admin_issues_tokens_through_the_same_limit(client, persona, superuser):
    user = persona("tA_teacher")
    form = {"user": user.pk, "name": "报送系统", "days": 30}
    assert client.get("/admin/accounts/apitoken/add/").status_code == 200

    issued = client.post("/admin/accounts/apitoken/add/", form)
    assert issued.status_code == 200
    raw = re.search(r"rp_[0-9a-f]+_[\w-]+", issued.content.decode()).group(0)
    assert works(raw)
    token = ApiToken.objects.get(user=user)
    assert token.key_hash != raw and token.name == "报送系统"
    assert raw not in client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()

    client.post("/admin/accounts/apitoken/add/", form)
    refused = client.post("/admin/accounts/apitoken/add/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    assert "2" in " ".join(refused.context["adminform"].form.non_field_errors())
    assert ApiToken.objects.filter(user=user).count() == 2
