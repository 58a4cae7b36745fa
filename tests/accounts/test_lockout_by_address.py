"""Sign-in lockout per username and client address; the owner's way back in."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts import lockout

pytestmark = pytest.mark.django_db

PASSWORD = "right-password-2026"
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


@pytest.fixture(autouse=True)
def fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LOGIN_MAX_FAILURES = 3


@pytest.fixture
def owner(persona):
    user = persona("tA_teacher")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, password, address, path="/login/", **headers):
    client.logout()
    client.post(
        path, {"username": "tA_teacher", "password": password}, REMOTE_ADDR=address, **headers
    )
    return "_auth_user_id" in client.session


def fail(client, address, times=3, **headers):
    for _ in range(times):
        assert not sign_in(client, "wrong", address, **headers)


def test_an_attacker_elsewhere_does_not_lock_the_owner_out(client, owner):
    fail(client, ATTACKER)
    assert not sign_in(client, PASSWORD, ATTACKER)  # the attacker's address is locked
    assert not sign_in(client, PASSWORD, ATTACKER, path="/admin/login/")
    assert sign_in(client, PASSWORD, OWNER)  # the owner, from their own address, is not


def test_the_lock_from_one_address_holds_for_any_spelling_of_the_username(client, owner):
    for name in ("tA_teacher", "TA_TEACHER ", "ta_teacher"):
        client.post("/login/", {"username": name, "password": "wrong"}, REMOTE_ADDR=ATTACKER)
    assert not sign_in(client, PASSWORD, ATTACKER)


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(client, owner):
    for n in range(3):
        sign_in(client, "wrong", ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert not sign_in(client, PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR=OWNER)


def test_behind_a_trusted_proxy_the_address_it_saw_is_the_client(client, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    fail(client, proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert not sign_in(client, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    # A value the attacker put in front of the proxy's own is not believed.
    assert not sign_in(client, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=f"{OWNER}, {ATTACKER}")
    assert sign_in(client, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=OWNER)


def test_a_successful_sign_in_clears_that_addresss_failures(client, owner):
    fail(client, OWNER, times=2)
    assert sign_in(client, PASSWORD, OWNER)
    fail(client, OWNER, times=2)
    assert sign_in(client, PASSWORD, OWNER)


def test_unlock_user_command_lifts_every_addresss_lock(client, owner):
    fail(client, ATTACKER)
    fail(client, OWNER)
    assert not sign_in(client, PASSWORD, OWNER)

    out = StringIO()
    call_command("unlock_user", "TA_Teacher", stdout=out)

    assert "tA_teacher" in out.getvalue()
    assert sign_in(client, PASSWORD, OWNER)
    assert sign_in(client, PASSWORD, ATTACKER)
    # Failures after the unlock count afresh.
    fail(client, ATTACKER)
    assert not sign_in(client, PASSWORD, ATTACKER)


def test_unlock_user_names_an_unknown_user():
    with pytest.raises(CommandError, match="nobody"):
        call_command("unlock_user", "nobody", stdout=StringIO())


def staff(persona, name):
    user = persona(name)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def unlock_action(client, user):
    return client.post(
        "/admin/accounts/user/",
        {"action": "unlock_sign_in", "_selected_action": [user.pk], "index": 0},
    )


def test_a_municipal_admin_unlocks_from_the_admin(client, owner, persona):
    fail(client, OWNER)
    client.force_login(staff(persona, "muni_admin"))
    response = unlock_action(client, owner)
    assert response.status_code == 302
    assert not lockout.is_locked("tA_teacher", OWNER)
    assert sign_in(client, PASSWORD, OWNER)


def test_a_town_admin_may_not_unlock(client, owner, persona):
    fail(client, OWNER)
    client.force_login(staff(persona, "tA_admin"))
    response = unlock_action(client, owner)
    assert response.status_code == 403
    assert lockout.is_locked("tA_teacher", OWNER)
