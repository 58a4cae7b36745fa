"""Review-by dates (待复核): when a reviewable library's item must be looked at again.

A library says its items carry the date (``Library.review``: cases, courses). Publishing
an item that has none gives it today + the library's interval (``ReviewInterval``, set by
admins; ``ReviewInterval.DEFAULT_MONTHS`` without a row). Past the date the item is
*overdue*: flagged on lists and detail pages, ``"overdue": true`` in the API, filtered with
``?overdue=``, ranked after current items of the same relevance in search. A re-review
(``services.resource_rereview``) confirms it with a new date or sends it back to draft, and
leaves a ``ReviewRecord``. Dates are local dates (``TIME_ZONE``, Asia/Shanghai).
"""

from __future__ import annotations

import calendar
import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import ReviewInterval, ReviewRecord
from .registry import find_library


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (31 Jan + 1 month: the last day of February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def interval_months(model) -> int:
    library = find_library(model)
    return ReviewInterval.months_for(library.key if library else "")


def default_review_by(model, today: datetime.date | None = None) -> datetime.date:
    """Today (local) plus the library's interval."""
    return add_months(today or timezone.localdate(), interval_months(model))


def records_for(obj):
    """The re-reviews of ``obj``, newest first, with who made them."""
    return ReviewRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("user")
