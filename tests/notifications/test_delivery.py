"""The jobs that carry an event: idempotent, in the change's transaction, e-mail at most once.

Issue 12, item 5: a job run twice notifies once; a rolled-back change enqueues and sends
nothing. Item 4: e-mail through Django's mail backend with a per-user opt-out by kind.
"""

import pytest
from django.core import mail
from django.db import transaction

from apps.courses.models import Course
from apps.jobs.queue import pending_jobs
from apps.notifications.delivery import emit, fan_out, send_emails
from apps.notifications.events import Event
from apps.notifications.models import EmailOptOut, Kind, Notification
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from tests.conftest import ORG
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(persona):
    return CourseFactory(
        owner_code=ORG["TA"],
        author=persona("tA_teacher"),
        status=Status.PUBLISHED,
        scope=Scope.DISTRICT,
    )


def withdraw(course, persona):
    return services.resource_withdraw(Course, user=persona("dA_curator"), pk=course.pk)


def test_a_fan_out_run_twice_notifies_and_mails_once(published, persona, with_email, deliver):
    with_email("tA_teacher", "tA_curator", "tA_admin")
    event = emit(Kind.WITHDRAWN, published, user=persona("dA_curator"))
    payload = {field: getattr(event, field) for field in Event.__dataclass_fields__}
    assert fan_out.call(payload) == 3
    assert fan_out.call(payload) == 3  # the same rows again: written once (unique per event)
    deliver()  # the queued fan-out runs a third time, and the e-mail jobs
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "tA_admin@example.org",
        "tA_curator@example.org",
        "tA_teacher@example.org",
    ]
    assert send_emails.call(event.key) == 0  # an e-mail job run again sends nothing
    assert len(mail.outbox) == 3


def test_the_e_mail_says_what_happened_and_links_to_the_resource(
    published, persona, with_email, deliver
):
    with_email("tA_teacher")
    withdraw(published, persona)
    deliver()
    message = mail.outbox[0]
    assert published.title in message.subject
    assert f"/library/courses/{published.pk}/" in message.body


def test_a_rolled_back_change_enqueues_and_sends_nothing(published, persona, with_email, deliver):
    with_email("tA_teacher", "tA_curator", "tA_admin")
    with pytest.raises(RuntimeError), transaction.atomic():
        withdraw(published, persona)
        assert pending_jobs() == 1  # queued inside the change's transaction …
        raise RuntimeError("the change fails after the action")
    assert pending_jobs() == 0  # … and gone with it
    assert deliver() == 0
    assert Notification.objects.count() == 0
    assert mail.outbox == []
    assert Course.objects.get(pk=published.pk).status == Status.PUBLISHED


def test_opting_out_of_one_kind_stops_that_e_mail_only(published, persona, with_email, deliver):
    with_email("tA_teacher", "tA_curator")
    EmailOptOut.objects.create(user=persona("tA_teacher"), kind=Kind.WITHDRAWN)
    EmailOptOut.objects.create(user=persona("tA_curator"), kind=Kind.PUBLISHED)
    withdraw(published, persona)
    deliver()
    assert [m.to for m in mail.outbox] == [["tA_curator@example.org"]]
    # in the app, everyone concerned is still told
    assert Notification.objects.filter(recipient__username="tA_teacher").exists()


def test_no_e_mail_for_a_person_without_an_address(published, persona, with_email, deliver):
    with_email("tA_curator")
    withdraw(published, persona)
    deliver()
    assert [m.to for m in mail.outbox] == [["tA_curator@example.org"]]
    assert Notification.objects.count() == 3
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()  # looked at once


def test_nothing_is_told_about_a_resource_deleted_before_the_job_ran(persona, deliver):
    draft = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    services.resource_submit(Course, user=persona("tA_teacher"), pk=draft.pk, scope="district")
    Course.objects.filter(pk=draft.pk).delete()
    deliver()
    assert Notification.objects.count() == 0
