"""Deliveries under real concurrent workers (PostgreSQL): sent once, and side by side.

These tests commit, so they run in the serial pass and build their own data.
"""

import pytest
from django.core.management import call_command
from django.db import connection

from apps.accounts.models import Membership, User
from apps.organizations.models import Organization
from apps.webhooks.delivery import deliver
from apps.webhooks.models import Attempt, Delivery, DeliveryStatus, Webhook
from tests.concurrency import run_in_threads

pytestmark = [
    pytest.mark.serial,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"),
]


def make_webhook(receiver) -> Webhook:
    call_command("loaddata", "organizations", verbosity=0)
    department = Organization.objects.get(code="440600-fgj")
    user = User.objects.create_user(username="concurrent_hooks")
    Membership.objects.create(user=user, organization=department, role="submitter")
    receiver.secret = "s3cret"
    return Webhook.objects.create(
        organization=department,
        created_by=user,
        url=receiver.url,
        events=["published"],
        secret=receiver.secret,
    )


def delivery(webhook, key) -> Delivery:
    return Delivery.objects.create(
        webhook=webhook, event_key=key, kind="published", payload={"id": key}
    )


def test_one_delivery_run_by_four_workers_at_once_is_sent_once(receiver, allow_private):
    receiver.delay = 0.5  # the first worker is still sending when the others look
    one = delivery(make_webhook(receiver), "published:1")

    results = run_in_threads([lambda: deliver.func(one.pk)] * 4)

    assert len(receiver.received) == 1 and receiver.received[0].verified
    # The others skipped it while it was locked, or found it succeeded: none sent it again.
    assert set(results) <= {"skipped", "succeeded"} and "succeeded" in results
    assert Attempt.objects.filter(delivery=one).count() == 1
    assert Delivery.objects.get(pk=one.pk).status == DeliveryStatus.SUCCEEDED


def test_two_deliveries_of_one_webhook_go_out_side_by_side(receiver, allow_private):
    receiver.delay = 0.5
    webhook = make_webhook(receiver)
    first, second = delivery(webhook, "published:1"), delivery(webhook, "published:2")

    results = run_in_threads([lambda: deliver.func(first.pk), lambda: deliver.func(second.pk)])

    assert results == ["succeeded", "succeeded"], "neither waits for nor skips the other"
    assert len(receiver.received) == 2
