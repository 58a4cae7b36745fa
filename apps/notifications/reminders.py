"""Review reminders (待复核): the people of a reviewable library's published items are told
``REVIEW_REMINDER_DAYS`` days before the review-by date, and once more when it has passed.

Who: the author and the owner's curators (``recipients``: the default for a resource),
among them only those who may still see it. Run daily (``manage.py review_reminders``, the
systemd timer ``resource-platform-review-reminders``). Each resource is told once per stage
and date (``sharing.ReviewReminder``): a second run the same day, or the next day, tells
nobody again; a confirmed re-review's new date starts afresh. Two runs at once could both
announce an item: the fan-out still writes one notification per person and event key.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from apps.sharing.choices import Status
from apps.sharing.models import ReviewReminder
from apps.sharing.registry import libraries

from .delivery import emit
from .models import Kind

STAGES = (
    (ReviewReminder.Stage.DUE, Kind.REVIEW_DUE),
    (ReviewReminder.Stage.OVERDUE, Kind.REVIEW_OVERDUE),
)


def reminder_days() -> int:
    return int(getattr(settings, "REVIEW_REMINDER_DAYS", 30))


def _candidates(model, stage: str, today: datetime.date, days: int):
    published = model.objects.filter(status=Status.PUBLISHED, review_by__isnull=False)
    if stage == ReviewReminder.Stage.OVERDUE:
        return published.filter(review_by__lt=today)
    return published.filter(
        review_by__gte=today, review_by__lte=today + datetime.timedelta(days=days)
    )


def send_review_reminders(today: datetime.date | None = None, days: int | None = None) -> dict:
    """Announce what is due or overdue and not announced yet; ``{"due": n, "overdue": n}``."""
    today = today or timezone.localdate()
    days = reminder_days() if days is None else days
    sent = {stage.value: 0 for stage, _kind in STAGES}
    for library in libraries():
        if not library.review:
            continue
        model = library.model
        content_type = ContentType.objects.get_for_model(model)
        label = model._meta.label_lower
        for stage, kind in STAGES:
            with transaction.atomic():
                items = list(
                    _candidates(model, stage, today, days)
                    .only("pk", "title", "review_by", "version", "owner_id", "author_id")
                    .order_by("pk")
                )
                if not items:
                    continue
                told = set(
                    ReviewReminder.objects.filter(
                        content_type=content_type,
                        stage=stage,
                        object_id__in=[obj.pk for obj in items],
                    ).values_list("object_id", "review_by")
                )
                fresh = [obj for obj in items if (obj.pk, obj.review_by) not in told]
                ReviewReminder.objects.bulk_create(
                    [
                        ReviewReminder(
                            content_type=content_type,
                            object_id=obj.pk,
                            stage=stage,
                            review_by=obj.review_by,
                        )
                        for obj in fresh
                    ],
                    ignore_conflicts=True,
                )
                for obj in fresh:
                    date = obj.review_by.isoformat()
                    emit(
                        kind,
                        obj,
                        data={"review_by": date, "library": library.key},
                        key=f"review_{stage}:{label}:{obj.pk}:{date}",
                    )
                sent[stage.value] += len(fresh)
    return sent
