"""Late reminders: an invitee of an open call past due with no answer is reminded once a day
(a second run the same day sends nothing; the next day, again); an invitee that answered, or
a closed call, is not. The notification reaches the invitee's people and its page is the
call's."""

import datetime

import pytest
from django.core.management import call_command

from apps.calls import services
from apps.calls.models import CallReminder
from apps.jobs.queue import run_due_jobs
from apps.notifications.delivery import resource_url
from apps.notifications.models import Notification
from tests.calls.conftest import DEPT_A
from tests.conftest import ORG
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _past_due(call, days=2):
    call.__class__.objects.filter(pk=call.pk).update(
        due_on=services.local_today() - datetime.timedelta(days=days)
    )
    call.refresh_from_db()
    return call


def test_late_invitees_are_reminded_once_a_day(district_call):
    _past_due(district_call)
    today = services.local_today()

    first = services.remind_late(today=today)
    again = services.remind_late(today=today)
    tomorrow = services.remind_late(today=today + datetime.timedelta(days=1))

    assert (first, again, tomorrow) == (2, 0, 2)
    assert CallReminder.objects.filter(call=district_call).count() == 4


def test_an_invitee_that_answered_or_a_closed_call_is_not_reminded(
    persona, district_call, city_call
):
    case = CaseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    services.answer_record(call=district_call, resource=case, user=persona("tA_teacher"))
    _past_due(district_call)
    _past_due(city_call)
    services.call_close(user=persona("muni_curator"), pk=city_call.pk)

    sent = services.remind_late()

    assert sent == 1
    assert [r.organization.code for r in CallReminder.objects.all()] == [DEPT_A]


def test_the_command_is_idempotent_per_day(district_call, capsys):
    _past_due(district_call)

    call_command("call_reminders")
    call_command("call_reminders")

    out = capsys.readouterr().out
    assert "call reminders: 2 sent" in out and "call reminders: 0 sent" in out


def test_the_reminder_reaches_the_late_invitees_people_and_opens_the_call(district_call):
    _past_due(district_call)
    services.remind_late()
    run_due_jobs()

    late = Notification.objects.filter(kind="call_late")
    told = set(late.values_list("recipient__username", flat=True))
    assert {"tA_curator", "tA_admin", "deptA"} <= told
    assert not told & {"tA_teacher", "tA_viewer", "dA_curator", "tB_teacher"}
    assert resource_url(late.first()).endswith(f"/calls/{district_call.pk}/")


def test_the_invitation_is_in_the_invitees_inbox_and_not_in_others(persona, district_call):
    from apps.notifications.inbox import inbox

    run_due_jobs()

    assert inbox(persona("deptA")).filter(kind="call_invited").count() == 1
    assert inbox(persona("tA_curator")).filter(kind="call_invited").count() == 1
    assert not Notification.objects.filter(kind="call_invited", recipient=persona("tB_teacher"))
