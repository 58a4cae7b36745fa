"""Twenty requests at once for one lecturer (or one site) in overlapping slots, each in a
different class: PostgreSQL's exclusion constraints let exactly one through, and every other
caller gets the 409 that names the clash. These tests commit; they run in the serial pass."""

import pytest
from django.core.management import call_command
from django.db import connection

from apps.accounts.models import Membership, User
from apps.classes import services
from apps.classes.exceptions import ScheduleClash
from apps.classes.models import Session, SessionLecturer, SiteVisit
from apps.classes.services import SessionInput
from apps.organizations.models import Organization
from apps.sharing.choices import Scope, Status
from tests.concurrency import run_in_threads
from tests.factories import (
    CourseFactory,
    LecturerFactory,
    TeachingSiteFactory,
    TrainingClassFactory,
    slot,
)

pytestmark = [
    pytest.mark.serial,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]


def setting():
    call_command("loaddata", "organizations", "taxonomy", "class_themes", verbosity=0)
    city = Organization.objects.get(code="440600")
    curator = User.objects.create_user(username="clash_curator")
    Membership.objects.create(user=curator, organization=city, role="curator")
    shared = {"owner_code": "440600", "author": curator, "status": Status.PUBLISHED}
    return (
        curator,
        CourseFactory(scope=Scope.NETWORK, **shared),
        LecturerFactory(scope=Scope.NETWORK, **shared),
        TeachingSiteFactory(scope=Scope.NETWORK, capacity=100, **shared),
    )


def attempt(user, cls, data):
    def call():
        try:
            return services.session_add(user=user, class_pk=cls.pk, data=data).pk
        except ScheduleClash as clash:
            return clash

    return call


def test_twenty_overlapping_requests_for_one_lecturer_create_exactly_one_session():
    curator, course, lecturer, _site = setting()
    classes = [TrainingClassFactory(host_code="440600") for _ in range(20)]
    calls = []
    for n, cls in enumerate(classes):
        begin, end = slot(cls, 0, f"09:{n:02d}", "11:00")  # every slot overlaps every other
        calls.append(attempt(curator, cls, SessionInput(begin, end, course.pk, [lecturer.pk])))
    results = run_in_threads(calls)
    created = [r for r in results if isinstance(r, int)]
    clashes = [r for r in results if isinstance(r, ScheduleClash)]
    assert len(created) == 1 and len(clashes) == 19
    assert Session.objects.count() == 1 and SessionLecturer.objects.count() == 1
    winner = Session.objects.get()
    for clash in clashes:  # each names the session that won, which the curator may see
        assert clash.clash["session"] == winner.pk
        assert clash.clash["kind"] == "lecturer"


def test_twenty_overlapping_visits_to_one_site_book_it_once():
    curator, course, _lecturer, site = setting()
    classes = [TrainingClassFactory(host_code="440600") for _ in range(20)]
    calls = []
    for cls in classes:
        lecturer = LecturerFactory(
            owner_code="440600", author=curator, status=Status.PUBLISHED, scope=Scope.NETWORK
        )
        begin, end = slot(cls, 0, "14:00", "16:00")
        calls.append(
            attempt(curator, cls, SessionInput(begin, end, course.pk, [lecturer.pk], site=site.pk))
        )
    results = run_in_threads(calls)
    assert sum(isinstance(r, int) for r in results) == 1
    assert all(r.clash["kind"] == "site" for r in results if isinstance(r, ScheduleClash))
    assert SiteVisit.objects.count() == 1 and Session.objects.count() == 1
