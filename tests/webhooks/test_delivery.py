"""Deliveries: signed POSTs to a real receiver on loopback, retried, logged, sent once."""

from __future__ import annotations

import pytest

from apps.cases.models import Case
from apps.jobs.queue import pending_jobs, run_due_jobs
from apps.notifications.delivery import emit
from apps.notifications.models import Kind
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from apps.webhooks.delivery import deliver
from apps.webhooks.models import Attempt, Delivery, DeliveryStatus, Webhook
from tests.conftest import ORG
from tests.factories import CaseFactory
from tests.helpers import token_client

from .conftest import run_jobs_until_quiet

pytestmark = pytest.mark.django_db


def register(persona, receiver, events=("published", "rejected")) -> dict:
    """Register ``receiver`` as the department's webhook through the API, with a token."""
    client, _token = token_client(persona("dept"))
    response = client.post(
        "/api/v1/webhooks/",
        {"url": receiver.url, "events": list(events)},
        format="json",
        HTTP_IDEMPOTENCY_KEY="register-1",
    )
    assert response.status_code == 201, response.content
    receiver.secret = response.json()["secret"]
    return response.json()


def pending_case(persona):
    return CaseFactory(
        owner_code=ORG["DEP"], author=persona("dept"), status=Status.PENDING, scope=Scope.NETWORK
    )


def publish(persona, case):
    return services.resource_publish(
        Case, user=persona("muni_curator"), pk=case.pk, scope=Scope.NETWORK
    )


def test_a_real_receiver_gets_one_signed_success_after_two_retries(
    persona, receiver, allow_private, api
):
    """The Done-when test: 500, 500, then 200; three attempts logged, the delivery succeeded."""
    hook = register(persona, receiver)
    receiver.answers = [500, 500, 200]
    case = pending_case(persona)
    publish(persona, case)

    run_jobs_until_quiet()

    assert len(receiver.received) == 3
    assert all(r.verified for r in receiver.received), "every attempt is signed with the secret"
    first = receiver.received[0]
    assert first.path == "/hooks/platform?source=rp"
    assert first.headers["X-Webhook-Event"] == "published"
    assert first.headers["Content-Type"].startswith("application/json")
    body = first.json
    assert body["kind"] == "published"
    assert body["resource"] == {
        "library": "cases",
        "id": case.pk,
        "title": case.title,
        "status": "published",
        "version": case.version + 1,
    }
    assert body["id"] and body["created_at"]
    assert {r.body for r in receiver.received} == {first.body}, "a retry sends the same event"

    delivery = Delivery.objects.get(webhook_id=hook["id"])
    assert first.headers["X-Webhook-Delivery"] == str(delivery.pk)
    assert body["id"] == delivery.event_key
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("succeeded", 3, 200)
    assert delivery.delivered_at is not None
    log = list(delivery.log.order_by("number").values_list("number", "response_status", "error"))
    assert log == [(1, 500, "HTTP 500"), (2, 500, "HTTP 500"), (3, 200, "")]

    # The department sees the same in its delivery log.
    client = api("dept")
    answer = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").json()["results"]
    assert [(d["status"], d["attempts"]) for d in answer] == [("succeeded", 3)]
    assert [a["response_status"] for a in answer[0]["log"]] == [500, 500, 200]
    assert all(a["duration_ms"] >= 0 and a["at"] for a in answer[0]["log"])


def test_a_delivery_that_succeeded_is_not_sent_again(persona, receiver, allow_private):
    register(persona, receiver)
    publish(persona, pending_case(persona))
    run_jobs_until_quiet()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(receiver.received) == 1

    deliver.enqueue(delivery.pk)  # the job runs again (a worker died before marking it done)
    run_jobs_until_quiet()

    assert len(receiver.received) == 1
    assert Attempt.objects.filter(delivery=delivery).count() == 1


def test_the_same_event_fanned_out_twice_makes_one_delivery(persona, receiver, allow_private):
    register(persona, receiver)
    case = pending_case(persona)
    case.status = Status.PUBLISHED
    case.save()
    emit(Kind.PUBLISHED, case, user=persona("muni_curator"), key="published:once")
    emit(Kind.PUBLISHED, case, user=persona("muni_curator"), key="published:once")
    run_jobs_until_quiet()

    assert Delivery.objects.count() == 1
    assert len(receiver.received) == 1


def test_a_delivery_fails_after_the_last_attempt(persona, receiver, allow_private):
    allow_private.WEBHOOK_MAX_ATTEMPTS = 3
    register(persona, receiver)
    receiver.answers = [503]
    publish(persona, pending_case(persona))

    run_jobs_until_quiet()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 3, 503)
    assert len(receiver.received) == 3
    assert pending_jobs() == 0, "no retry after the last attempt"


def test_an_unreachable_receiver_is_logged_as_an_error(persona, receiver, allow_private):
    allow_private.WEBHOOK_MAX_ATTEMPTS = 2
    register(persona, receiver)
    Webhook.objects.update(url="http://127.0.0.1:9/closed")  # the discard port: nobody there
    publish(persona, pending_case(persona))

    run_jobs_until_quiet()

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    attempts = list(delivery.log.all())
    assert [a.response_status for a in attempts] == [None, None]
    assert all(a.error for a in attempts)


def test_only_the_kinds_a_webhook_asked_for_are_delivered(persona, receiver, allow_private):
    register(persona, receiver, events=["rejected"])
    case = pending_case(persona)
    publish(persona, case)
    other = pending_case(persona)
    services.resource_reject(
        Case, user=persona("muni_curator"), pk=other.pk, reason="请补充 2025 年的数据。"
    )

    run_jobs_until_quiet()

    assert list(Delivery.objects.values_list("kind", flat=True)) == ["rejected"]
    assert [r.json["kind"] for r in receiver.received] == ["rejected"]
    assert receiver.received[0].json["data"]["reason"] == "请补充 2025 年的数据。"
    assert receiver.received[0].json["resource"]["id"] == other.pk


def test_events_of_another_organisation_are_not_delivered(
    persona, receiver, allow_private, other_dept
):
    register(persona, receiver, events=["published"])
    school_case = CaseFactory(
        owner_code=ORG["TA"],
        author=persona("tA_teacher"),
        status=Status.PENDING,
        scope=Scope.NETWORK,
    )
    publish(persona, school_case)  # a school's case: not the department's business

    run_jobs_until_quiet()

    assert Delivery.objects.count() == 0
    assert receiver.received == []


def test_an_inactive_webhook_receives_nothing(persona, receiver, allow_private):
    register(persona, receiver)
    Webhook.objects.update(active=False)
    publish(persona, pending_case(persona))
    run_jobs_until_quiet()
    assert Delivery.objects.count() == 0 and receiver.received == []


def test_a_name_that_resolves_to_a_private_address_at_delivery_time_is_not_called(
    persona, receiver, dns, settings
):
    """DNS rebinding: public when registered, loopback when delivered: nothing is sent."""
    settings.JOBS_RETRY_BACKOFF_SECONDS = 0.01
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    dns["hooks.fgj.example.cn"] = ["8.8.8.8"]
    port = receiver.url.split(":")[2].split("/")[0]
    receiver.url = f"http://hooks.fgj.example.cn:{port}/hooks"
    register(persona, receiver)
    dns["hooks.fgj.example.cn"] = ["127.0.0.1"]  # rebound to the platform's own machine
    publish(persona, pending_case(persona))

    run_jobs_until_quiet()

    assert receiver.received == []
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert all("private" in a.error for a in delivery.log.all())


def test_a_rolled_back_change_queues_no_delivery(persona, receiver, allow_private):
    from django.db import transaction

    register(persona, receiver)
    case = pending_case(persona)
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(persona, case)
        raise RuntimeError("the change fails after the publication")
    run_due_jobs()
    assert Delivery.objects.count() == 0 and receiver.received == []


def test_the_partner_guides_python_sample_verifies_a_real_delivery(
    persona, receiver, allow_private
):
    """The code partners copy from docs/partner-api.md accepts what the platform sends, and
    refuses a body changed on the way."""
    from pathlib import Path

    from django.conf import settings

    guide = (Path(settings.BASE_DIR) / "docs" / "partner-api.md").read_text(encoding="utf-8")
    samples = [b for b in guide.split("```python\n")[1:] if "def verify" in b]
    assert len(samples) == 2  # the Chinese part and the English part
    register(persona, receiver)
    publish(persona, pending_case(persona))
    run_jobs_until_quiet()
    received = receiver.received[0]
    for sample in samples:
        scope = {}
        exec(sample.split("```", 1)[0], scope)
        scope["SECRET"] = receiver.secret
        assert scope["verify"](received.headers, received.body)
        assert not scope["verify"](received.headers, received.body.replace(b"cases", b"cas3s"))
