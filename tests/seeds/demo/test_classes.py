"""``seed_demo``'s training classes: the brief's scale and proportions, timetables that obey
the classes' rules, the joint class with 东莞, and the same data every run (a second run on top
of the demo: test_second_run.py)."""

import itertools
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import Action, AuditEvent
from apps.classes import policy
from apps.classes.models import (
    ClassStatus,
    ClassType,
    Evaluation,
    EvaluationCode,
    Session,
    SessionLecturer,
    SiteVisit,
    TrainingClass,
    VisitStatus,
)
from apps.classes.services import CODE_ALPHABET, CODE_LENGTH, classes_for
from apps.classes.stats import class_stats
from apps.courses.models import Course
from apps.faculty.models import Lecturer
from apps.jobs.queue import run_due_jobs
from apps.notifications.models import Kind, Notification
from apps.organizations.models import OrganizationKind
from apps.sharing.choices import Scope, Status
from apps.teaching_sites.models import Lifecycle, LifecycleEvent, TeachingSite
from seeds.classes import JOINT_TITLE, seed_classes
from seeds.demo import DEMO_MARK, USERS
from tests.seeds.demo import TODAY, classes_signature

pytestmark = pytest.mark.django_db


def no_overlaps(rows):
    """(key, starts_at, ends_at) rows: no key in two overlapping slots."""
    by_key = {}
    for key, starts, ends in rows:
        by_key.setdefault(key, []).append((starts, ends))
    for slots in by_key.values():
        slots.sort()
        for (_s1, e1), (s2, _e2) in itertools.pairwise(slots):
            assert s2 >= e1
    return True


def test_the_demo_holds_three_years_of_classes_at_the_briefs_scale(demo):
    classes = TrainingClass.objects.all()
    held = class_stats()
    total = class_stats(year=None)

    assert 2_800 <= classes.count() <= 3_000
    assert set(classes.values_list("start_date__year", flat=True)) == {2024, 2025, 2026}
    assert 2_750 <= held.classes <= 2_950
    assert 205_000 <= held.trainee_times <= 235_000
    assert held.specialised > held.classes / 2  # specialised classes are the majority
    assert total.manufacturing_share == pytest.approx(0.603, abs=0.005)
    for year in (2024, 2025, 2026):
        assert class_stats(year=year).manufacturing_share == pytest.approx(0.603, abs=0.005)
    hosts = Counter(classes.values_list("host__kind", flat=True))
    assert {OrganizationKind.MUNICIPAL, OrganizationKind.DISTRICT, OrganizationKind.TOWN} <= set(
        hosts
    )
    assert hosts[OrganizationKind.TOWN] > 30 * 20  # towns hold classes too, all of them
    assert classes.filter(host__kind=OrganizationKind.TOWN).values("host").distinct().count() == 32
    statuses_follow_the_calendar()
    the_joint_class_with_dongguan()


def statuses_follow_the_calendar():
    for cls in TrainingClass.objects.only("start_date", "end_date", "status"):
        if cls.start_date > TODAY:
            assert cls.status == ClassStatus.PLANNED
        elif cls.end_date >= TODAY:
            assert cls.status == ClassStatus.RUNNING
        else:
            assert cls.status in (ClassStatus.FINISHED, ClassStatus.ARCHIVED)
    assert TrainingClass.objects.filter(status=ClassStatus.ARCHIVED, start_date__year=2024).exists()
    assert not TrainingClass.objects.filter(
        status=ClassStatus.ARCHIVED, start_date__year=2026
    ).exists()


def test_timetables_use_what_the_host_may_use_and_never_clash(demo):
    lecturers = SessionLecturer.objects.values_list("lecturer_id", "starts_at", "ends_at")
    visits = SiteVisit.objects.exclude(status=VisitStatus.DECLINED).values_list(
        "site_id", "starts_at", "ends_at"
    )
    assert no_overlaps(lecturers) and no_overlaps(visits)

    sessions = Session.objects.select_related("training_class__host").prefetch_related("lecturers")
    checked = 0
    for session in sessions.order_by("id")[::97]:  # a spread sample; the rule is per host
        cls = session.training_class
        usable = policy.usable_q(cls)
        assert Course.objects.filter(usable, pk=session.course_id).exists()
        for lecturer in session.lecturers.all():
            assert Lecturer.objects.filter(usable, pk=lecturer.pk).exists()
        assert cls.start_date <= session.starts_at.date() <= cls.end_date
        checked += 1
    assert checked > 50
    for visit in SiteVisit.objects.select_related("session__training_class")[:200]:
        cls = visit.session.training_class
        assert TeachingSite.objects.filter(policy.usable_q(cls), pk=visit.site_id).exists()
        assert visit.visitors <= (visit.site.capacity or visit.visitors)
    finished_classes_have_evaluations_and_planned_ones_none()


def finished_classes_have_evaluations_and_planned_ones_none():
    evaluated = TrainingClass.objects.filter(evaluation_codes__isnull=False).distinct()

    assert evaluated.count() > 100
    assert not evaluated.exclude(status__in=[ClassStatus.FINISHED, ClassStatus.ARCHIVED]).exists()
    assert Evaluation.objects.count() > 5_000
    assert not Evaluation.objects.filter(session__starts_at__gt=timezone.now()).exists()
    # A code answers the sessions of its own class only.
    assert not Evaluation.objects.exclude(
        session__training_class_id=F("code__training_class_id")
    ).exists()


def the_joint_class_with_dongguan():
    joint = TrainingClass.objects.get(title=JOINT_TITLE)
    sessions = list(joint.sessions.select_related("visit", "visit__site__owner"))
    visits = [s for s in sessions if hasattr(s, "visit")]

    assert joint.host.code == "440600"
    assert [p.code for p in joint.partners.all()] == ["441900"]
    assert joint.class_type == ClassType.SPECIALISED and joint.theme.manufacturing_first
    assert (joint.end_date - joint.start_date).days == 11  # two weeks, Monday to Friday
    assert len(sessions) == 20 and len(visits) == 10
    assert Counter(s.note.split("（")[0] for s in sessions) == {"地点：佛山": 10, "地点：东莞": 10}
    assert {v.visit.site.owner.code for v in visits if "东莞" in v.note} == {"441900"}
    assert {v.visit.site.owner.code for v in visits if "佛山" in v.note} <= {
        "440600",
        "440604",
        "440605",
        "440606",
        "440607",
        "440608",
    }
    assert "佛山" in joint.venue and "东莞" in joint.venue
    assert joint.status == ClassStatus.FINISHED
    assert EvaluationCode.objects.filter(training_class=joint).count() == 50
    # The Dongguan teacher (a demo login) sees the joint class and only that of the network's.
    teacher = User.objects.get(username="dongguan_teacher")
    assert ("dongguan_teacher", "东莞市委党校教师", "441900", "teacher") in USERS
    assert list(classes_for(teacher)) == [joint]
    dongguan_published_what_the_joint_class_uses(joint)
    site_owners_answered_the_visits(joint, visits)


def dongguan_published_what_the_joint_class_uses(joint):
    """A joint class uses what a school of another city has published, never its drafts: 东莞's
    curator (a demo login) published them at its own scope, its sites admitted first."""
    dongguan = joint.partners.get()
    curator = User.objects.get(username="dongguan_curator")
    assert ("dongguan_curator", "东莞市委党校审核员", "441900", "curator") in USERS
    usable = policy.usable_q(joint)
    used = {
        Course: Course.objects.filter(class_sessions__training_class=joint),
        Lecturer: Lecturer.objects.filter(class_sessions__training_class=joint),
        TeachingSite: TeachingSite.objects.filter(visits__session__training_class=joint),
    }
    for model, rows in used.items():
        theirs = model.objects.filter(pk__in=rows.filter(owner=dongguan).values("pk"))
        assert theirs.count() == {Course: 5, Lecturer: 3, TeachingSite: 5}[model]
        assert set(theirs.values_list("status", "scope", "audience")) == {
            (Status.PUBLISHED, Scope.PRIVATE, dongguan.pk)
        }
        assert set(theirs.values_list("reviewed_by__username", flat=True)) == {curator.username}
        assert not rows.exclude(pk__in=model.objects.filter(usable).values("pk")).exists()
    sites = used[TeachingSite].filter(owner=dongguan)
    assert set(sites.values_list("lifecycle", flat=True)) == {Lifecycle.ADMITTED}
    admitted = LifecycleEvent.objects.filter(site__in=sites, to_state=Lifecycle.ADMITTED)
    assert admitted.count() == 5 and {e.user_id for e in admitted} == {curator.pk}


def site_owners_answered_the_visits(joint, visits):
    """Each visit confirmed by a curator of the site's owner through the service: on the
    record, in the audit trail and told to the host's teachers."""
    deciders = {v.visit.site.owner.code: v.visit.decided_by for v in visits}

    assert {v.visit.status for v in visits} == {VisitStatus.CONFIRMED}
    assert deciders["441900"].username == "dongguan_curator"
    for visit in (v.visit for v in visits):
        assert policy.can_decide_visit(visit.decided_by, visit.site)
        assert visit.decided_at is not None
    audited = AuditEvent.objects.filter(
        action=Action.UPDATE,
        content_type__model="sitevisit",
        object_id__in=[v.visit.pk for v in visits],
    )
    assert {(e.object_id, e.user_id) for e in audited} == {
        (v.visit.pk, v.visit.decided_by_id) for v in visits
    }
    run_due_jobs()
    told = Notification.objects.filter(
        kind=Kind.VISIT_DECIDED, recipient__username="muni_teacher", data__class=joint.pk
    )
    # The host's teachers are told of each answer about a site they may see (the Foshan ones;
    # 东莞's sites are published at its own scope, out of the host's sight, so not those).
    foshan = {v.pk for v in visits if v.visit.site.owner.code != "441900"}
    assert len(foshan) == 5
    assert foshan <= {n.data["session"] for n in told}


def test_a_fresh_run_makes_the_same_classes(demo, demo_day):
    """Their timetables are drawn from what the libraries offer at the time, which the later
    demo seeds change (a town course recommended and published city-wide, say), so two fresh
    runs on the same libraries make the same sessions, and the classes themselves match the
    demo's. (The first fresh run is rolled back to its savepoint, which is cheaper than
    deleting its classes again, and leaves the same libraries to the second.)"""
    before = classes_signature()
    codes = set(EvaluationCode.objects.values_list("code", flat=True))
    users = {u.username: u for u in User.objects.all()}

    TrainingClass.objects.filter(trainee_units__endswith=DEMO_MARK).delete()
    with transaction.atomic():
        seed_classes(users, today=TODAY)
        fresh = classes_signature()
        transaction.set_rollback(True)
    assert [row[:-1] for row in fresh] == [row[:-1] for row in before]
    assert not TrainingClass.objects.filter(trainee_units__endswith=DEMO_MARK).exists()
    seed_classes(users, today=TODAY)
    assert classes_signature() == fresh
    evaluation_codes_cannot_be_worked_out_from_the_source(codes)


def evaluation_codes_cannot_be_worked_out_from_the_source(earlier: set[str]):
    """The same seeded classes, but new codes: they come from ``secrets``, not the seed."""
    codes = list(EvaluationCode.objects.values_list("code", flat=True))
    joint = set(
        EvaluationCode.objects.filter(training_class__title=JOINT_TITLE).values_list(
            "code", flat=True
        )
    )

    assert len(set(codes) - earlier) > 5_000  # the network's classes got new codes …
    assert len((earlier & set(codes)) - joint) <= 2  # … not the ones they had (by chance, a few)
    assert len(codes) == len(set(codes))
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
