"""待复核 in the demo: some published cases and courses are overdue for review, some are due
within ``REVIEW_REMINDER_DAYS`` (30) days, and one overdue case was re-reviewed and confirmed.

Publishing through the services gave every demo case and course today plus its library's
interval (docs/review-dates.md). Here the oldest ones (by id, so the same ones every run)
get dates in the past or in the coming weeks, written with ``update()`` as the demo's other
loaders do for what no person would type. One overdue case is
then confirmed by a curator of it through ``resource_rereview`` (a ``ReviewRecord``, an audit
event), so a detail page shows a re-review history. A second run adds nothing (any re-review
recorded: the demo has its dates).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from apps.accounts.actor import actor_for
from apps.sharing import services
from apps.sharing.choices import Status
from apps.sharing.exceptions import SharingError
from apps.sharing.models import ReviewRecord
from apps.sharing.policy import policy
from apps.sharing.registry import libraries

OVERDUE = 4  # per library: review-by dates 5, 35, 65, 95 days ago
DUE_SOON = 3  # per library: in 6, 13, 20 days
# Who may confirm one (the first whose seat the policy accepts for the case).
CURATORS = ("muni_curator", "chancheng_curator", "zumiao_curator", "nanhai_curator")


def _dates(today: datetime.date) -> list[datetime.date]:
    past = [today - datetime.timedelta(days=5 + 30 * i) for i in range(OVERDUE)]
    soon = [today + datetime.timedelta(days=6 + 7 * i) for i in range(DUE_SOON)]
    return past + soon


def seed_review_dates(users: dict) -> dict[str, int]:
    """Set the dates above and confirm one; how many were set and re-reviewed (0 when the
    demo has them already)."""
    if ReviewRecord.objects.exists():
        return {"review dates set": 0, "re-reviews": 0}
    today = timezone.localdate()
    dated = 0
    for library in libraries():
        if not library.review:
            continue
        model = library.model
        dates = _dates(today)
        chosen = list(
            model.objects.filter(status=Status.PUBLISHED, source__isnull=True)
            .order_by("id")
            .values_list("pk", flat=True)[: len(dates)]
        )
        for pk, date in zip(chosen, dates, strict=False):
            model.objects.filter(pk=pk).update(review_by=date)
        dated += len(chosen)
    return {"review dates set": dated, "re-reviews": _confirm_one(users, today)}


def review_figures(today: datetime.date | None = None) -> dict[str, int]:
    """The demo's numbers: published cases and courses overdue, and due within the days."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.REVIEW_REMINDER_DAYS)
    figures = {"overdue": 0, "due soon": 0}
    for library in libraries():
        if library.review:
            published = library.model.objects.filter(status=Status.PUBLISHED)
            figures["overdue"] += published.filter(review_by__lt=today).count()
            due = published.filter(review_by__gte=today, review_by__lte=soon)
            figures["due soon"] += due.count()
    return figures


def _confirm_one(users: dict, today: datetime.date) -> int:
    """A curator of its owner or audience confirms the oldest overdue case (once)."""
    library = next((lib for lib in libraries() if lib.review and lib.key == "cases"), None)
    if (
        library is None
        or ReviewRecord.objects.filter(
            content_type__app_label=library.model._meta.app_label
        ).exists()
    ):
        return 0
    overdue = (
        library.model.objects.filter(status=Status.PUBLISHED, review_by__lt=today)
        .select_related("owner", "audience")
        .order_by("id")
    )
    curators = [users[name] for name in CURATORS if name in users]
    for obj in overdue[:OVERDUE]:
        for curator in curators:
            try:
                policy.check_rereview(actor_for(curator), obj)
            except SharingError:
                continue
            services.resource_rereview(
                library.model,
                user=curator,
                pk=obj.pk,
                outcome="confirm",
                note="已核对最新政策文件和数据，内容仍然适用。",
            )
            return 1
    return 0
