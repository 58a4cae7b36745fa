"""Where a library resource was taught (its "where used" for classes) and how trainees rated
it: a course's sessions and ratings, a lecturer's teaching record by year.

The averages and counts go to anyone who may see the resource; the comments only to the
course's author and the curators of its owner and audience (``policy.comments_q``); a class's
title only to who may see the class.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import ExtractYear

from . import policy
from .models import Evaluation, Session, TrainingClass


@dataclass(frozen=True)
class Ratings:
    count: int
    content: float | None
    delivery: float | None


def _ratings(evaluations) -> Ratings:
    row = evaluations.aggregate(count=Count("pk"), content=Avg("content"), delivery=Avg("delivery"))
    return Ratings(
        count=row["count"] or 0,
        content=round(row["content"], 2) if row["content"] is not None else None,
        delivery=round(row["delivery"], 2) if row["delivery"] is not None else None,
    )


def course_ratings(course) -> Ratings:
    return _ratings(Evaluation.objects.filter(session__course=course))


def lecturer_ratings(lecturer) -> Ratings:
    return _ratings(Evaluation.objects.filter(session__teaching__lecturer=lecturer))


def comments_for(resource, user, *, limit: int = 50):
    """The trainees' comments on a course's or a lecturer's sessions, newest first, that
    ``user`` may read (``policy.comments_q``: on courses they wrote, own or review)."""
    if not policy.can_read_comments(user, resource):
        return Evaluation.objects.none()
    field = (
        "session__course"
        if resource._meta.model_name == "course"
        else "session__teaching__lecturer"
    )
    return (
        Evaluation.objects.filter(**{field: resource})
        .filter(policy.comments_q(user))
        .exclude(comment="")
        .select_related("session__training_class")
        .order_by("-created_at", "-id")[:limit]
    )


def sessions_of(resource, user, *, limit: int = 100):
    """Where and when a course or lecturer was taught, newest first; each session says whether
    the reader may open its class (``class_visible``)."""
    if resource._meta.model_name == "course":
        sessions = Session.objects.filter(course=resource)
    else:
        sessions = Session.objects.filter(teaching__lecturer=resource)
    sessions = list(
        sessions.select_related("training_class__host", "course").order_by("-starts_at", "-id")[
            :limit
        ]
    )
    visible = set(
        Session.objects.filter(pk__in=[s.pk for s in sessions])
        .filter(**{"training_class__in": _visible_classes(user)})
        .values_list("pk", flat=True)
    )
    for session in sessions:
        session.class_visible = session.pk in visible
    return sessions


def _visible_classes(user):
    return TrainingClass.objects.filter(policy.visible_q(user)).values("pk")


@dataclass(frozen=True)
class YearRecord:
    year: int
    classes: int
    sessions: int
    hours: float
    content: float | None
    delivery: float | None
    evaluations: int


def lecturer_record(lecturer) -> list[YearRecord]:
    """A lecturer's teaching record (授课记录) per year: classes, sessions, hours, ratings."""
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    taught = (
        Session.objects.filter(teaching__lecturer=lecturer)
        .annotate(year=ExtractYear("starts_at"))
        .values("year")
        .annotate(
            classes=Count("training_class", distinct=True),
            sessions=Count("pk", distinct=True),
            length=Sum(length),
        )
        .order_by("-year")
    )
    rated = {
        row["year"]: row
        for row in Evaluation.objects.filter(session__teaching__lecturer=lecturer)
        .annotate(year=ExtractYear("session__starts_at"))
        .values("year")
        .annotate(count=Count("pk"), content=Avg("content"), delivery=Avg("delivery"))
    }
    records = []
    for row in taught:
        r = rated.get(row["year"], {})
        records.append(
            YearRecord(
                year=row["year"],
                classes=row["classes"],
                sessions=row["sessions"],
                hours=round(row["length"].total_seconds() / 3600, 1) if row["length"] else 0.0,
                content=round(r["content"], 2) if r.get("content") is not None else None,
                delivery=round(r["delivery"], 2) if r.get("delivery") is not None else None,
                evaluations=r.get("count", 0),
            )
        )
    return records
