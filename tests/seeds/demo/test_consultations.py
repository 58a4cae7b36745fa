"""``seed_demo``'s consultation reports (咨政报告): the brief's 129 in three years, from the
municipal and district schools' seminars and classes, a third adopted, mixed confidentiality.
A second run: test_second_run.py."""

from collections import Counter

import pytest

from apps.consultations.models import Report
from apps.organizations.models import OrganizationKind
from tests.seeds.demo import TODAY

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_briefs_129_reports(demo):
    reports = Report.objects.all()
    assert reports.count() == 129
    assert set(reports.values_list("date__year", flat=True)) == {2024, 2025, 2026}
    assert all(d <= TODAY for d in reports.values_list("date", flat=True))
    assert set(reports.values_list("owner__kind", flat=True)) == {
        OrganizationKind.MUNICIPAL,
        OrganizationKind.DISTRICT,
    }
    status = Counter(reports.values_list("status", flat=True))
    assert status["adopted"] == 43  # a third
    assert status["not_adopted"] and status["submitted"]
    levels = Counter(reports.filter(status="adopted").values_list("adoption_level", flat=True))
    assert set(levels) == {"instruction", "department"}
    confidentiality = Counter(reports.values_list("confidentiality", flat=True))
    assert set(confidentiality) == {"public", "internal", "restricted"}
    # from the demo's classes where they exist (the owner's own), else a seminar's title
    linked = reports.exclude(training_class=None)
    assert linked.count() > 30
    assert all(
        r.training_class.host_id == r.owner_id for r in linked.select_related("training_class")
    )
    assert all(r.seminar for r in reports.filter(training_class=None))
    assert reports.filter(lecturers__isnull=False).distinct().count() > 100
    files = reports.exclude(file="")
    assert files.count() == 6
    for report in files:
        with report.file.open("rb") as f:
            assert f.read(5) == b"%PDF-"
