"""Webhooks in the permission matrix: every persona × every operation on a department's webhook.

    L sees it in the list   R reads it   G reads its delivery log   X deletes it
    C registers one for their own organisation   ·  nothing

Only the department's own submitters manage its webhooks. Everybody else (every school role
at every tier, municipal admins included, and another department's submitter) finds no
webhook: it is absent from their list and 404 by id; they may not register one (403);
anonymous requests are 401. Admin-site reading by municipal admins is tested apart.
A refused operation changes nothing.
"""

import pytest

from apps.organizations.models import Organization
from apps.webhooks.models import Delivery, Webhook
from tests.conftest import ORG, PERSONAS
from tests.helpers import assert_problem

from .conftest import OTHER_DEPT

pytestmark = pytest.mark.django_db

MATRIX = {
    **dict.fromkeys(PERSONAS, ""),
    "dept": "LRGXC",
    "other_dept": "C",  # registers its own, never sees 发改局's
    "anonymous": "",
}


@pytest.fixture
def webhook(persona, dns):
    dns["hooks.example.cn"] = ["8.8.8.8"]
    hook = Webhook.objects.create(
        organization=Organization.objects.get(code=ORG["DEP"]),
        created_by=persona("dept"),
        url="https://hooks.example.cn/fgj",
        events=["published"],
        secret="s3cret",
    )
    Delivery.objects.create(webhook=hook, event_key="e1", kind="published", payload={})
    return hook


@pytest.mark.parametrize(("who", "allowed"), MATRIX.items())
def test_who_may_do_what_with_a_departments_webhook(who, allowed, api, webhook, other_dept):
    client = api(None if who == "anonymous" else "kjj_submitter" if who == "other_dept" else who)
    base = f"/api/v1/webhooks/{webhook.pk}/"

    def refused(response, letter):
        if who == "anonymous":
            assert_problem(response, 401)
        elif letter == "C":
            assert_problem(response, 403)
        else:
            assert_problem(response, 404)

    listing = client.get("/api/v1/webhooks/")
    if who == "anonymous":
        assert_problem(listing, 401)
    else:
        assert ([w["id"] for w in listing.json()] == [webhook.pk]) == ("L" in allowed)

    for letter, path in (("R", base), ("G", base + "deliveries/")):
        response = client.get(path)
        if letter in allowed:
            assert response.status_code == 200
        else:
            refused(response, letter)

    created = client.post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.example.cn/new", "events": ["rejected"]},
        format="json",
    )
    if "C" in allowed:
        assert created.status_code == 201
        made = Webhook.objects.get(pk=created.json()["id"])
        assert made.organization.code == (OTHER_DEPT if who == "other_dept" else ORG["DEP"])
    else:
        refused(created, "C")
        assert Webhook.objects.count() == 1

    deleted = client.delete(base)
    if "X" in allowed:
        assert deleted.status_code == 204
        assert not Webhook.objects.filter(pk=webhook.pk).exists()
    else:
        refused(deleted, "X")
        assert Webhook.objects.filter(pk=webhook.pk, active=True).exists()
        assert Delivery.objects.filter(webhook=webhook).count() == 1
