"""A second ``seed_demo`` on top of the demo adds nothing and changes nothing, in every area at
once: courses, users, memberships and reuses; the libraries; calls and their answers; the
department's sites; recommendations; review dates; the training classes (sessions, visits,
evaluation codes, what 东莞 published for the joint class); the joint meeting; surveys;
consultation reports. It lists the logins again."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from apps.accounts.models import Membership, User
from apps.calls.models import Call, CallAnswer
from apps.classes.models import Evaluation, EvaluationCode, Session, SiteVisit
from apps.consultations.models import Report
from apps.courses.models import Course
from apps.meetings.models import Decision, Meeting, Partner, PlanItem
from apps.organizations.models import Organization
from apps.sharing.models import ReuseRecord, ReviewRecord
from apps.surveys.models import Response, Survey
from apps.teaching_sites.models import TeachingSite
from seeds.demo import DEMO_PASSWORD, USERS
from seeds.dept_sites import DEPARTMENT_CODE
from seeds.recommendations import COURSES as RECOMMENDED
from seeds.review_dates import review_figures
from tests.seeds.demo import classes_signature

pytestmark = pytest.mark.django_db

# What the first line of the output counts, area by area (every seeder's "added" figures).
AREAS = {
    "courses and reuses": ["demo courses", "reuses"],
    "libraries": ["lecturers", "cases", "sites", "courses", "reuses"],
    "calls": ["calls", "call answers"],
    "department sites": ["department sites"],
    "recommendations": ["recommended courses", "of which accepted by the city"],
    "review dates": ["review dates set", "re-reviews"],
    "classes": ["training classes", "sessions", "evaluations"],
    "meetings": ["partner departments", "joint meetings", "meeting decisions", "plan items"],
    "surveys": ["surveys", "survey answers"],
    "consultations": ["consultation reports"],
}
COUNTED = (
    *(Course, User, Membership, ReuseRecord, Organization),
    *(Call, CallAnswer, Session, Evaluation, SiteVisit, TeachingSite),
    *(Partner, Meeting, Decision, PlanItem, Survey, Response, Report, ReviewRecord),
)


def added(output: str) -> list[tuple[str, int]]:
    """``[("demo courses", 14), ("reuses", 3), …]`` from the output's first line, in order."""
    first = output.splitlines()[0]
    return [(name, int(n)) for name, n in re.findall(r"(?:; |, )([^;,:]+) added: (\d+)", first)]


def state() -> dict:
    return {
        "counts": {model.__name__: model.objects.count() for model in COUNTED},
        "course versions": dict(Course.objects.values_list("pk", "version")),
        "course statuses": dict(Course.objects.values_list("pk", "status")),
        "dongguan's courses": set(
            Course.objects.filter(owner__code="441900").values_list("pk", "version")
        ),
        "classes": classes_signature(),
        "evaluation codes": set(EvaluationCode.objects.values_list("code", flat=True)),
        "department sites": [
            (s.pk, s.version, s.status, s.lifecycle)
            for s in TeachingSite.objects.filter(owner__code=DEPARTMENT_CODE).order_by("title")
        ],
        "recommended": set(
            Course.objects.filter(recommended_by__isnull=False).values_list("pk", "scope")
        ),
        "review figures": review_figures(),
    }


def lists_the_logins(output: str) -> None:
    assert DEMO_PASSWORD in output
    lines = output.splitlines()
    for username, _display, code, role in USERS:
        assert any(line.split()[:3] == [username, role, code] for line in lines), (
            f"{username} missing from the listed logins"
        )


def test_a_second_run_adds_nothing_and_changes_nothing(demo, demo_day):
    first = added(demo.output)
    assert [name for name, _n in first] == [name for names in AREAS.values() for name in names]
    assert all(n > 0 for _name, n in first), first
    before = state()

    out = StringIO()
    call_command("seed_demo", stdout=out)
    second = out.getvalue()

    assert added(second) == [(name, 0) for name, _n in first]
    assert "demo courses added: 0; reuses added: 0" in second
    after = state()
    for area, value in before.items():
        assert after[area] == value, area
    assert (Call.objects.count(), Meeting.objects.count(), Report.objects.count()) == (3, 12, 129)
    assert Course.objects.filter(recommended_by__isnull=False).count() == len(RECOMMENDED)
    for output in (demo.output, second):
        lists_the_logins(output)
