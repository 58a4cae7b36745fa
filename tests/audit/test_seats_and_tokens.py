"""Membership (seat and role) and API token changes are recorded, wherever they come from."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from apps.accounts.models import ApiToken, Membership, User
from apps.accounts.services import member_add
from apps.organizations.models import Organization
from tests.audit.conftest import Since
from tests.conftest import ORG

pytestmark = pytest.mark.django_db


def org_id(key):
    return Organization.objects.get(code=ORG.get(key, key)).pk


def test_member_add_records_the_new_seat_then_a_role_change_and_nothing_when_unchanged():
    mark = Since()
    user, seat, _created = member_add(username="new_teacher", org_code=ORG["TA"], role="teacher")
    added = mark.one()
    assert added.action == "membership_add"
    assert added.source == "app"
    assert added.organization_id == org_id("TA")
    assert added.content_type.model_class() is Membership and added.object_id == seat.pk
    assert added.changes == {
        "organization": [None, org_id("TA")],
        "role": [None, "teacher"],
        "user": [None, user.pk],
    }
    assert added.object_repr == f"new_teacher @ {ORG['TA']}: teacher"
    assert added.user is None  # a command or a script: nobody signed in

    mark = Since()
    member_add(username="new_teacher", org_code=ORG["TA"], role="curator")
    changed = mark.one()
    assert changed.action == "membership_change"
    assert changed.changes == {"role": ["teacher", "curator"]}

    mark = Since()
    member_add(username="new_teacher", org_code=ORG["TA"], role="curator")
    assert mark.events() == []


def test_removing_a_seat_is_recorded_also_when_the_user_is_deleted(persona):
    mark = Since()
    seat = Membership.objects.get(user=persona("tA_viewer"))
    seat.delete()
    removed = mark.one()
    assert removed.action == "membership_remove"
    assert removed.changes["role"] == ["viewer", None]
    assert removed.organization_id == org_id("TA")
    assert removed.object_repr == f"tA_viewer @ {ORG['TA']}: viewer"

    member_add(username="leaver", org_code=ORG["DA"], role="teacher")
    ApiToken.issue(user=User.objects.get(username="leaver"))
    mark = Since()
    with transaction.atomic():
        User.objects.get(username="leaver").delete()
    assert sorted(e.action for e in mark.events()) == ["membership_remove", "token_delete"]


def test_a_role_changed_in_the_admin_inline_is_recorded_with_the_admin(persona, client):
    """The admin saves inline seats with Model.save(): the signal records who did it."""
    admin = User.objects.create_superuser("root_audit", password=None)
    client.force_login(admin)
    target = persona("tA_viewer")
    seat = Membership.objects.get(user=target)
    page = client.get(f"/admin/accounts/user/{target.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None
        and name not in ("password", "groups", "user_permissions", "date_joined", "last_login")
    }
    data.update(
        {
            "date_joined_0": target.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": target.date_joined.strftime("%H:%M:%S"),
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": str(seat.pk),
            "memberships-0-user": str(target.pk),
            "memberships-0-organization": str(seat.organization_id),
            "memberships-0-role": "teacher",
        }
    )
    mark = Since()
    response = client.post(f"/admin/accounts/user/{target.pk}/change/", data)
    assert response.status_code == 302
    event = mark.one(action="membership_change")
    assert event.changes == {"role": ["viewer", "teacher"]}
    assert event.user == admin
    assert event.request_id == response["X-Request-ID"]


def test_the_token_page_records_creation_and_revocation(persona, client):
    user = persona("tA_teacher")
    client.force_login(user)
    mark = Since()
    response = client.post("/account/tokens/", {"name": "案例报送", "days": 30})
    assert response.status_code == 200
    created = mark.one()
    token = ApiToken.objects.get(user=user, name="案例报送")
    assert created.action == "token_create"
    assert created.content_type.model_class() is ApiToken and created.object_id == token.pk
    assert created.user == user and created.organization is None
    assert created.request_id == response["X-Request-ID"]
    assert created.changes["name"] == [None, "案例报送"]
    assert created.changes["key_id"] == [None, token.key_id]
    assert "key_hash" not in created.changes
    assert created.object_repr == str(token)

    mark = Since()
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    revoked = mark.one()
    assert revoked.action == "token_revoke"
    assert revoked.changes["revoked_at"][0] is None and revoked.changes["revoked_at"][1]
    assert list(revoked.changes) == ["revoked_at"]
    assert revoked.user == user


def test_using_a_token_is_not_an_event_but_the_command_issuing_one_is(token_client):
    client, _token = token_client("tA_teacher")
    mark = Since()
    assert client.get("/api/v1/me/").status_code == 200  # bumps last_used_at
    assert mark.events() == []

    call_command(
        "add_member",
        "scripted",
        "--org",
        ORG["TA"],
        "--role",
        "teacher",
        "--token",
        stdout=io.StringIO(),
    )
    actions = [e.action for e in mark.events()]
    assert actions == ["membership_add", "token_create"]
    assert {e.user_id for e in mark.events()} == {None}
