"""The SQLite demo delivers by itself: with JOBS_INLINE_WORKER, the first request a process
serves starts a thread that runs due jobs; nothing else is started (no worker process).

Commits (the thread reads with its own connection), so it runs in the serial pass; on
SQLite (the demo's database) and on PostgreSQL alike.
"""

import time

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client

from apps.accounts.models import Membership, User
from apps.courses.models import Course
from apps.jobs import inline
from apps.jobs.queue import pending_jobs
from apps.notifications.models import Notification
from apps.organizations.models import Organization
from apps.sharing import services

pytestmark = [pytest.mark.serial, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def inline_worker(settings):
    settings.JOBS_INLINE_WORKER = True
    settings.JOBS_INLINE_INTERVAL_SECONDS = 0.1
    settings.JOBS_RETRY_BACKOFF_SECONDS = 0.1  # a job that met a lock runs again at once
    inline.connect()
    yield
    inline.stop()
    from django.core.signals import request_started

    request_started.disconnect(dispatch_uid="jobs-inline-worker")


def _member(username, code, role):
    user = User.objects.create_user(username=username)
    Membership.objects.create(
        user=user, organization=Organization.objects.get(code=code), role=role
    )
    return user


def unfinished_jobs() -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()


def wait_for(condition, seconds=20):
    """Poll ``condition``. The test database of SQLite is shared in memory, where a reader
    meeting the worker's write lock fails at once instead of waiting ("database table is
    locked"): such a poll simply counts as "not yet" (the demo's file database waits)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError:
            pass
        time.sleep(0.3)
    return False


def test_the_first_request_starts_a_thread_that_delivers_notifications(inline_worker):
    call_command("loaddata", "organizations", "taxonomy", verbosity=0)
    teacher = _member("inline_teacher", "440604010", "teacher")
    curator = _member("inline_curator", "440604010", "curator")
    course = services.resource_create(
        Course, user=teacher, owner_code="440604010", data={"title": "街道产业地图"}
    )
    services.resource_update(
        Course,
        user=teacher,
        pk=course.pk,
        data={"summary": "概要", "outline": "大纲", "target_audience": "干部", "class_hours": 2},
    )
    from apps.taxonomy.models import CourseKind, ThematicDomain

    services.resource_update(
        Course,
        user=teacher,
        pk=course.pk,
        data={"kind": CourseKind.objects.first(), "domains": [ThematicDomain.objects.first()]},
    )
    services.resource_submit(Course, user=teacher, pk=course.pk, scope="private")
    assert pending_jobs() >= 1
    assert not Notification.objects.exists()  # nothing runs jobs yet

    Client().get("/")  # any request starts the thread

    assert wait_for(lambda: not unfinished_jobs() and Notification.objects.exists())
    inline.stop()  # no writer left: the reads below cannot meet a lock
    curators = set(
        Membership.objects.filter(
            organization__code="440604010", role__in=["curator", "admin"]
        ).values_list("user__username", flat=True)
    )
    assert curator.username in curators
    told = list(Notification.objects.values_list("recipient__username", "kind"))
    assert sorted(told) == sorted((name, "submitted") for name in curators)  # each once
