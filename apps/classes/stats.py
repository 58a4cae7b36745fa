"""The training figures, computed from real classes, with their definitions (统计口径).

    classes held           classes that started in the period and are running, finished or
                           archived (a planned class has not been held)
    trainee-times (人次)   the sum of trainees over the classes held
    sessions, hours        the sessions of those classes, and their length in hours
    manufacturing share    the classes held of type "specialised capability class"
                           (专业化能力提升班) whose theme counts as manufacturing-first (制造业当家)
                           ÷ the specialised classes held; admins mark which themes count
                           (``ClassTheme.manufacturing_first``); none when there are none

The period is a calendar year (by the class's first day); ``within`` keeps the classes
hosted by an organisation and the schools below it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization

from .models import ClassStatus, ClassType, Session, TrainingClass

HELD = (ClassStatus.RUNNING, ClassStatus.FINISHED, ClassStatus.ARCHIVED)

DEFINITIONS = {
    "classes": _(
        "Classes held: classes that started in the period and are running, finished or archived."
    ),
    "trainee_times": _("Trainee-times (人次): the sum of the trainees of the classes held."),
    "sessions": _("Sessions: the sessions on the timetables of the classes held."),
    "hours": _("Hours: the length of those sessions, in hours."),
    "manufacturing_share": _(
        "Manufacturing share: specialised capability classes (专业化能力提升班) held whose theme"
        " counts as manufacturing-first (制造业当家), divided by the specialised classes held."
        " Admins mark which themes count."
    ),
}


@dataclass(frozen=True)
class ClassStats:
    classes: int
    trainee_times: int
    sessions: int
    hours: float
    manufacturing_share: float | None
    specialised: int = 0
    manufacturing_first: int = 0

    def as_api(self) -> dict:
        data = asdict(self)
        del data["specialised"], data["manufacturing_first"]
        return data


def held_classes(*, year: int | None = None, within: Organization | None = None):
    classes = TrainingClass.objects.filter(status__in=HELD)
    if year is not None:
        classes = classes.filter(start_date__year=year)
    if within is not None:
        classes = classes.filter(host__path__startswith=within.path)
    return classes


def _class_figures() -> dict:
    """The per-class aggregates, by name (one query: alone, or grouped)."""
    return {
        "classes": Count("pk"),
        "trainee_times": Sum("trainee_count"),
        "specialised": Count("pk", filter=Q(class_type=ClassType.SPECIALISED)),
        "manufacturing_first": Count(
            "pk", filter=Q(class_type=ClassType.SPECIALISED, theme__manufacturing_first=True)
        ),
    }


def _session_figures() -> dict:
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    return {"sessions": Count("pk"), "length": Sum(length)}


def _stats(classes: dict, taught: dict) -> ClassStats:
    """One ``ClassStats`` from a row of ``_class_figures`` and one of ``_session_figures``
    (hours unrounded, so that sums of them stay exact)."""
    specialised = classes["specialised"] or 0
    first = classes["manufacturing_first"] or 0
    length = taught.get("length")
    return ClassStats(
        classes=classes["classes"] or 0,
        trainee_times=classes["trainee_times"] or 0,
        sessions=taught.get("sessions") or 0,
        hours=length.total_seconds() / 3600 if length else 0.0,
        manufacturing_share=round(first / specialised, 4) if specialised else None,
        specialised=specialised,
        manufacturing_first=first,
    )


def class_stats(*, year: int | None = None, within: Organization | None = None) -> ClassStats:
    """The figures for one period and part of the network: two queries."""
    classes = held_classes(year=year, within=within)
    totals = classes.aggregate(**_class_figures())
    taught = Session.objects.filter(training_class__in=classes.values("pk")).aggregate(
        **_session_figures()
    )
    stats = _stats(totals, taught)
    return replace(stats, hours=round(stats.hours, 1))


def class_stats_by_year_and_host(
    *, years: list[int], within: Organization | None = None
) -> dict[tuple[int, int], ClassStats]:
    """``{(year, host id): ClassStats}`` for every host with classes held in ``years``: two
    grouped queries whatever the number of years, schools or classes (the dashboard adds
    the hosts up to the school it shows with ``combine``). Hours are not rounded here, so
    that sums of them are exact; ``combine`` rounds."""
    classes = TrainingClass.objects.filter(status__in=HELD, start_date__year__in=years)
    if within is not None:
        classes = classes.filter(host__path__startswith=within.path)
    rows = classes.order_by().values("start_date__year", "host_id").annotate(**_class_figures())
    taught = {
        (row["training_class__start_date__year"], row["training_class__host_id"]): row
        for row in Session.objects.filter(training_class__in=classes.values("pk"))
        .order_by()
        .values("training_class__start_date__year", "training_class__host_id")
        .annotate(**_session_figures())
    }
    return {
        (row["start_date__year"], row["host_id"]): _stats(
            row, taught.get((row["start_date__year"], row["host_id"]), {})
        )
        for row in rows
    }


def combine(parts) -> ClassStats:
    """The figures of several parts (hosts, years) together, as ``class_stats`` would give."""
    parts = list(parts)
    specialised = sum(p.specialised for p in parts)
    first = sum(p.manufacturing_first for p in parts)
    return ClassStats(
        classes=sum(p.classes for p in parts),
        trainee_times=sum(p.trainee_times for p in parts),
        sessions=sum(p.sessions for p in parts),
        hours=round(float(sum(p.hours for p in parts)), 1),
        manufacturing_share=round(first / specialised, 4) if specialised else None,
        specialised=specialised,
        manufacturing_first=first,
    )
