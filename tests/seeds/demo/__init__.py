"""Tests that read the whole demo (``manage.py seed_demo``), seeded once for all of them: see
conftest.py here."""

from datetime import date

from django.db.models import Count

from apps.classes.models import TrainingClass
from seeds.demo import DEMO_MARK

TODAY = date(2026, 11, 27)  # the day the demo is seeded on (statuses, overdue decisions …)


def classes_signature() -> list[tuple]:
    """The network's demo classes (not the joint one), in order: what a run must reproduce."""
    rows = TrainingClass.objects.filter(trainee_units__endswith=DEMO_MARK).order_by(
        "start_date", "host__path", "title"
    )
    return [
        (c.title, c.host_id, c.start_date, c.trainee_count, c.theme_id, c.status, c.n)
        for c in rows.annotate(n=Count("sessions"))
    ]
