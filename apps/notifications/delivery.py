"""The jobs that carry an event to people: fan-out, then e-mail (and the other channels).

Both are idempotent: a job that runs twice (a worker died before marking it done) writes
no second notification and sends no second e-mail.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from apps.jobs.queue import job

from .events import Event, channels
from .models import EmailOptOut, Notification
from .recipients import addressees
from .subjects import subject_for

logger = logging.getLogger("apps.notifications")


@job(attempts=5)
def fan_out(event: dict) -> int:
    """Write the event's notifications, queue their e-mail, hand it to the other channels."""
    event = Event(**event)
    resource = event.resource()
    if resource is None:  # deleted since: nobody to tell about it
        return 0
    created_at = parse_datetime(event.at) or timezone.now()
    with transaction.atomic():
        rows = [
            Notification(
                recipient_id=a.user_id,
                kind=event.kind,
                event_key=a.key,
                content_type=ContentType.objects.get_for_model(type(a.resource)),
                object_id=a.resource.pk,
                title=str(a.resource)[:200],
                actor_name=event.actor_name[:200],
                data={**event.data, **a.data},
                created_at=created_at,
            )
            for a in addressees(event, resource)
        ]
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        if rows:
            send_emails.enqueue(event.key)
        for channel in channels():
            channel(event, resource)
    return len(rows)


def resource_url(notification: Notification) -> str:
    """The page of the resource a notification is about, as an absolute address."""
    model = notification.content_type.model_class()
    subject = subject_for(model)
    if subject is not None:
        return settings.SITE_URL + subject.path(notification.object_id)
    try:
        from apps.sharing.registry import find_library

        library = find_library(model)
        path = reverse("web:detail", args=[library.key, notification.object_id])
    except (NoReverseMatch, AttributeError):
        path = "/"
    return settings.SITE_URL + path


def message(notification: Notification) -> tuple[str, str]:
    """Subject and body of the e-mail for ``notification`` (in the interface's language)."""
    from .texts import describe

    headline = describe(notification)
    subject = f"[四库共建共享平台] {headline}"
    body = f"{headline}\n\n{resource_url(notification)}\n"
    return subject, body


@job(attempts=6)
def send_emails(event_key: str) -> int:
    """E-mail the notifications of one event that are not sent yet (each at most once)."""
    sent = 0
    pending = (
        Notification.objects.filter(emailed_at__isnull=True)
        .filter(Q(event_key=event_key) | Q(event_key__startswith=f"{event_key}:"))
        .values_list("pk", flat=True)
    )
    for pk in list(pending):
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient", "content_type")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if notification is None:
                continue
            recipient = notification.recipient
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            opted_out = EmailOptOut.objects.filter(user=recipient, kind=notification.kind).exists()
            if not recipient.email or opted_out:
                continue  # marked, so it is not looked at again
            with translation.override(settings.LANGUAGE_CODE):
                subject, body = message(notification)
            # Sent inside the transaction: if the send fails, the mark rolls back and the
            # job's retry sends it; if the commit fails after a send, it may go twice.
            send_mail(subject, body, None, [recipient.email])
            sent += 1
    return sent


def emit(
    kind: str,
    resource,
    *,
    user=None,
    actor_name: str = "",
    data: dict[str, Any] | None = None,
    key: str | None = None,
) -> Event:
    """Announce ``kind`` about ``resource``; the fan-out runs in a worker after the commit."""
    meta = resource._meta
    event = Event(
        kind=kind,
        model=meta.label_lower,
        pk=resource.pk,
        key=key or f"{kind}:{meta.label_lower}:{resource.pk}:v{getattr(resource, 'version', 0)}",
        actor_id=getattr(user, "pk", None),
        actor_name=actor_name or (user.get_full_name() or user.username if user else ""),
        title=str(resource)[:200],
        data=data or {},
        at=timezone.now().isoformat(),
    )
    fan_out.enqueue(asdict(event))
    return event
