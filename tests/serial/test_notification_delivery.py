"""Twenty committed changes, then a real worker process: every notification and every e-mail
delivered exactly once (issue 12, "Done when").

No worker runs while the changes are made (the test suite starts none, and the demo's
in-process worker is off under pytest): each change commits its fan-out job with it. Then
``manage.py jobs_worker --batch`` runs as a separate process on the test database, with the
file-based mail backend, and is started a second time to show nothing goes out twice.
Commits real transactions and needs PostgreSQL's row locks: the serial pass.
"""

import email
import os
import subprocess
import sys
from collections import Counter
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from apps.accounts.models import Membership, User
from apps.courses.models import Course
from apps.jobs.queue import pending_jobs
from apps.notifications.models import Kind, Notification
from apps.organizations.models import Organization
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from apps.teaching_sites.models import Lifecycle
from apps.teaching_sites.services import site_change_lifecycle
from tests.factories import CourseFactory, TeachingSiteFactory

pytestmark = [
    pytest.mark.serial,
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a worker process on the test database"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
TOWN, DISTRICT, CITY = "440604010", "440604", "440600"


def member(username, code, role):
    user = User.objects.create_user(username=username, email=f"{username}@example.org")
    Membership.objects.create(
        user=user, organization=Organization.objects.get(code=code), role=role
    )
    return user


def run_worker(mail_dir: Path) -> subprocess.CompletedProcess:
    """``manage.py jobs_worker --batch`` in its own process, on this test database."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "JOBS_INLINE_WORKER": "0",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "jobs_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


def mails(mail_dir: Path) -> Counter:
    """``(to, subject)`` of every message the file-based backend wrote, counted."""
    found = Counter()
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                subject = str(make_header(decode_header(message["Subject"])))
                found[(message["To"], subject)] += 1
    return found


def test_twenty_changes_then_a_worker_deliver_every_notification_once(tmp_path):
    call_command("loaddata", "organizations", "taxonomy", verbosity=0)
    Membership.objects.all().delete()  # the session's personas, if still here: only ours count
    teacher = member("w_teacher", TOWN, "teacher")
    town_curator = member("w_town_curator", TOWN, "curator")
    district_curator = member("w_district_curator", DISTRICT, "curator")
    city_teacher = member("w_city_teacher", CITY, "teacher")
    city_curator = member("w_city_curator", CITY, "curator")
    expected = Counter()  # (username, kind, resource id) → how many notifications

    def town_course(status, scope):
        return CourseFactory(owner_code=TOWN, author=teacher, status=status, scope=scope)

    drafts = [town_course(Status.DRAFT, Scope.PRIVATE) for _ in range(6)]
    waiting = [town_course(Status.PENDING, Scope.DISTRICT) for _ in range(7)]
    published = [town_course(Status.PUBLISHED, Scope.DISTRICT) for _ in range(2)]
    city = [
        CourseFactory(
            owner_code=CITY, author=city_teacher, status=Status.PUBLISHED, scope=Scope.NETWORK
        )
        for _ in range(3)
    ]
    sites = [TeachingSiteFactory(owner_code=TOWN, author=teacher) for _ in range(2)]
    assert pending_jobs() == 0

    # the twenty changes, each through its service and committed on its own
    for course in drafts:  # 6 submissions → the district's curator
        services.resource_submit(Course, user=teacher, pk=course.pk, scope=Scope.DISTRICT)
        expected[("w_district_curator", Kind.SUBMITTED, course.pk)] += 1
    for course in waiting[:4]:  # 4 publications → the author and the town's curator
        services.resource_publish(Course, user=district_curator, pk=course.pk, scope=Scope.DISTRICT)
        for who in ("w_teacher", "w_town_curator"):
            expected[(who, Kind.PUBLISHED, course.pk)] += 1
    for course in waiting[4:]:  # 3 rejections → the same two
        services.resource_reject(Course, user=district_curator, pk=course.pk, reason="请补充")
        for who in ("w_teacher", "w_town_curator"):
            expected[(who, Kind.REJECTED, course.pk)] += 1
    for course in published:  # 2 withdrawals → the same two
        services.resource_withdraw(Course, user=district_curator, pk=course.pk)
        for who in ("w_teacher", "w_town_curator"):
            expected[(who, Kind.WITHDRAWN, course.pk)] += 1
    for course in city:  # 3 reuses → the source's author and the city's curator
        services.resource_reuse(Course, user=teacher, pk=course.pk, target_code=TOWN)
        for who in ("w_city_teacher", "w_city_curator"):
            expected[(who, Kind.REUSED, course.pk)] += 1
    for site in sites:  # 2 lifecycle changes → the site's author (the curator acted)
        site_change_lifecycle(
            user=town_curator, pk=site.pk, to_state=Lifecycle.SUSPENDED, reason="整改"
        )
        expected[("w_teacher", Kind.SITE_LIFECYCLE, site.pk)] += 1
    assert pending_jobs() == 20  # one fan-out job per change
    assert not Notification.objects.exists()  # no worker: nothing delivered yet

    run_worker(tmp_path)

    assert pending_jobs() == 0
    delivered = Counter(
        Notification.objects.values_list("recipient__username", "kind", "object_id")
    )
    assert delivered == expected
    assert sum(delivered.values()) == 32
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    sent = mails(tmp_path)
    assert sum(sent.values()) == 32 and set(sent.values()) == {1}  # each e-mail once
    per_person = Counter(to.split("@")[0] for to, _subject in sent)
    assert per_person == Counter(who for who, _kind, _pk in expected.elements())
    assert city_curator.email in {to for to, _subject in sent}

    run_worker(tmp_path)  # a second worker finds nothing to do again
    assert (
        Counter(Notification.objects.values_list("recipient__username", "kind", "object_id"))
        == expected
    )
    assert mails(tmp_path) == sent
