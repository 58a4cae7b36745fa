"""What ``seed_demo`` loads besides the libraries and the training side: the demo logins seated
where the list says, demo courses at every status, scope and tier with their reuses, and the
department's sites (what it prints, and a second run: test_second_run.py)."""

import pytest

from apps.accounts.models import User
from apps.courses.models import Course
from apps.sharing.choices import Scope, Status
from apps.sharing.models import ReuseRecord
from apps.teaching_sites.models import TeachingSite
from seeds.demo import COURSES, REUSES, USERS
from seeds.dept_sites import DEPARTMENT_CODE, SITES

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_demo_courses_and_reuses(demo):
    assert Course.objects.count() >= len(COURSES)
    assert ReuseRecord.objects.count() >= len(REUSES)


def test_seed_demo_logins_match_their_seats(demo):
    for username, _display, code, role in USERS:
        user = User.objects.get(username=username)
        assert user.memberships.filter(organization__code=code, role=role).exists(), username


def test_seed_demo_covers_every_status_scope_and_tier(demo):
    titles = [spec["title"] for spec in COURSES]
    courses = Course.objects.filter(title__in=titles, source__isnull=True).select_related("owner")
    assert courses.count() == len(COURSES)
    assert {c.status for c in courses} == set(Status.values)
    assert {c.scope for c in courses} == set(Scope.values)
    assert {"municipal", "district", "town"} <= {c.owner.kind for c in courses}
    for tier in ("municipal", "district", "town"):
        in_tier = [c for c in courses if c.owner.kind == tier]
        assert any(c.status == Status.PUBLISHED for c in in_tier), tier
    copies = Course.objects.filter(source__title__in=titles)
    for _username, code, title in REUSES:
        assert copies.filter(owner__code=code, source__title=title).exists(), (code, title)
    assert {c.status for c in copies} == {Status.DRAFT}


def test_seed_demo_loads_the_department_sites(demo):
    assert TeachingSite.objects.filter(owner__code=DEPARTMENT_CODE).count() == len(SITES)
    assert f"department sites added: {len(SITES)}" in demo.output
