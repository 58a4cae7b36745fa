"""``class_stats_by_year_and_host`` and ``combine``: the dashboard's two grouped queries give
the figures ``class_stats`` gives one part at a time."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.classes.models import ClassTheme, Session
from apps.classes.stats import class_stats, class_stats_by_year_and_host, combine
from apps.organizations.models import Organization
from tests.factories import LIBRARY_FACTORIES, TrainingClassFactory, slot

pytestmark = pytest.mark.django_db


def test_grouped_figures_add_up_to_the_one_by_one_figures(persona):
    course = LIBRARY_FACTORIES["courses"](
        owner_code="440600", author=persona("muni_teacher"), status="published", scope="network"
    )
    first = ClassTheme.objects.get(code="manufacturing-first")
    other = ClassTheme.objects.get(code="finance")
    plan = [
        ("440604", 2025, first, "finished", 30, 2),
        ("440604", 2026, other, "running", 40, 1),
        ("440604010", 2026, first, "finished", 50, 3),
        ("440605", 2026, first, "archived", 60, 0),
        ("440604", 2026, first, "planned", 99, 1),  # not held
    ]
    for host, year, theme, status, trainees, sessions in plan:
        start = date(year, 4, 6)
        cls = TrainingClassFactory(
            host_code=host, theme=theme, status=status, trainee_count=trainees,
            start_date=start, end_date=start + timedelta(days=2),
        )  # fmt: skip
        for n in range(sessions):
            begin, end = slot(cls, 0, f"{9 + n:02d}:00", f"{9 + n:02d}:30")
            Session.objects.create(
                training_class=cls, starts_at=begin, ends_at=end, course=course, course_version=1
            )
    city = Organization.objects.get(code="440600")
    chancheng = Organization.objects.get(code="440604")

    with CaptureQueriesContext(connection) as queries:
        parts = class_stats_by_year_and_host(years=[2025, 2026], within=city)
    assert len(queries.captured_queries) == 2

    for year in (2025, 2026):
        assert combine(v for (y, _h), v in parts.items() if y == year) == class_stats(year=year)
        in_chancheng = [
            v
            for (y, host), v in parts.items()
            if y == year and Organization.objects.get(pk=host).is_within(chancheng)
        ]
        assert combine(in_chancheng) == class_stats(year=year, within=chancheng)
    assert combine(parts.values()).trainee_times == 30 + 40 + 50 + 60
    assert combine([]) == class_stats(year=2024)
