"""Delivering events to webhooks: one ``Delivery`` per webhook and event, then a job each.

``queue_deliveries`` is a channel of ``apps.notifications`` (registered in ``apps.py``): the
fan-out job calls it for every event, inside its transaction. Which organisation an event
concerns (whose webhooks receive it):

===================================  =====================================================
kind                                 the organisation concerned, and the resource sent
===================================  =====================================================
submitted, published, rejected,      the resource's owner (a department hears what became
withdrawn, site_lifecycle            of what it submitted), the resource
reused                               the source's owner (the credit), the source
source_updated, source_withdrawn     each copy's owner, that copy (departments make no
                                     copies, so only a school's webhook would see these)
===================================  =====================================================

``deliver`` (a job, ``WEBHOOK_MAX_ATTEMPTS`` attempts, waits doubling from
``JOBS_RETRY_BACKOFF_SECONDS``) signs and POSTs the payload, logs an ``Attempt`` whatever
happens, and raises ``Retry`` until an answer is 2xx or the attempts are used up (then the
delivery is ``failed``). It is idempotent: a delivery that succeeded is never sent again, and
the row lock keeps two workers from sending the same delivery at once.
"""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.jobs.queue import Retry, job
from apps.notifications.models import Kind
from apps.sharing import versions
from apps.sharing.registry import find_library

from .models import Attempt, Delivery, DeliveryStatus, Webhook
from .sending import post, signature

COPY_KINDS = (Kind.SOURCE_UPDATED, Kind.SOURCE_WITHDRAWN)


def _concerned(event, resource) -> list[tuple[int, object, str, dict]]:
    """``[(organisation id, resource to send, event key, extra data)]`` for ``event``."""
    if find_library(type(resource)) is None:  # not a library resource (a call): not sent
        return []
    if event.kind not in COPY_KINDS:
        return [(resource.owner_id, resource, event.key, {})]
    copies = type(resource).objects.filter(source=resource)
    if event.kind == Kind.SOURCE_UPDATED:  # those behind, unless they declined this version
        copies = copies.filter(versions.behind_q())
    return [
        (
            copy.owner_id,
            copy,
            f"{event.key}:copy{copy.pk}",
            {"from_version": copy.source_version, "to_version": resource.published_version},
        )
        for copy in copies
    ]


def payload(event, resource, key: str, extra: dict) -> dict:
    """The JSON body a receiver gets (documented in ``docs/partner-api.md``)."""
    library = find_library(type(resource))
    return {
        "id": key,
        "kind": event.kind,
        "created_at": event.at,
        "resource": {
            "library": library.key if library is not None else None,
            "id": resource.pk,
            "title": str(getattr(resource, "title", resource)),
            "status": getattr(resource, "status", None),
            "version": getattr(resource, "version", None),
        },
        "data": {**event.data, **extra},
    }


def queue_deliveries(event, resource) -> None:
    """Channel of ``apps.notifications``: one delivery per matching webhook, then a job each.

    Runs inside the fan-out job's transaction: the deliveries and their jobs are written
    with it or not at all. A delivery is unique per (webhook, event key), so a fan-out that
    runs twice queues nothing the second time.
    """
    concerned = _concerned(event, resource)
    if not concerned:
        return
    hooks: dict[int, list[Webhook]] = {}
    for webhook in Webhook.objects.filter(
        organization_id__in={org_id for org_id, *_rest in concerned}, active=True
    ).order_by("pk"):
        if event.kind in webhook.events:
            hooks.setdefault(webhook.organization_id, []).append(webhook)
    for org_id, target, key, extra in concerned:
        for webhook in hooks.get(org_id, ()):
            delivery, created = Delivery.objects.get_or_create(
                webhook=webhook,
                event_key=key,
                defaults={"kind": event.kind, "payload": payload(event, target, key, extra)},
            )
            if created:
                deliver.enqueue(delivery.pk)


def body_of(delivery: Delivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()


@job(attempts=settings.WEBHOOK_MAX_ATTEMPTS)
def deliver(delivery_id: int) -> str:
    """Send one delivery (one attempt); raise ``Retry`` while it should be tried again."""
    with transaction.atomic():
        delivery = (
            # Only the delivery's row: locking its webhook too would make the webhook's other
            # deliveries, sent at the same time by other workers, skip as if taken.
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:  # deleted with its webhook, or being sent by another worker
            return "skipped"
        if delivery.status != DeliveryStatus.PENDING:  # already succeeded (or gave up)
            return delivery.status
        webhook = delivery.webhook
        number = delivery.attempts + 1
        now = timezone.now()
        if not webhook.active:
            outcome_status, error, duration = None, "webhook inactive", 0
        else:
            body = body_of(delivery)
            timestamp = str(int(time.time()))
            outcome = post(
                webhook.url,
                body,
                {
                    "X-Webhook-Event": delivery.kind,
                    "X-Webhook-Delivery": str(delivery.pk),
                    "X-Webhook-Timestamp": timestamp,
                    "X-Webhook-Signature": signature(webhook.secret, timestamp, body),
                },
                timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            )
            outcome_status, error, duration = outcome.status, outcome.error, outcome.duration_ms
        Attempt.objects.create(
            delivery=delivery,
            number=number,
            at=now,
            response_status=outcome_status,
            error=error,
            duration_ms=duration,
        )
        delivery.attempts = number
        delivery.last_attempt_at = now
        delivery.response_status = outcome_status
        delivery.last_error = error
        if not error:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.delivered_at = timezone.now()
        elif number >= settings.WEBHOOK_MAX_ATTEMPTS or not webhook.active:
            delivery.status = DeliveryStatus.FAILED
        delivery.save(
            update_fields=[
                "attempts",
                "last_attempt_at",
                "response_status",
                "last_error",
                "status",
                "delivered_at",
            ]
        )
    if delivery.status == DeliveryStatus.PENDING:
        raise Retry(f"delivery {delivery.pk} attempt {number}: {error}")
    return delivery.status
