"""``seed_demo``'s calls for contributions (征集): two of the city and one of 禅城, some
invitees answered with resources they hold, one call past due with late invitees (whom
``call_reminders`` then tells once a day). A second run: test_second_run.py."""

import pytest

from apps.calls import services
from apps.calls.models import Call, CallAnswer

pytestmark = pytest.mark.django_db


def test_the_demo_holds_calls_with_answered_and_late_invitees(demo):
    calls = Call.objects.all()
    assert calls.count() == 3
    assert set(calls.values_list("organization__code", flat=True)) == {"440600", "440604"}
    states = {call.topic: sorted(row.state for row in services.invitees(call)) for call in calls}
    late = states["2026年上半年制造业当家教学资源征集"]
    assert "answered" in late and late.count("late") >= 2
    assert "answered" in states["2026年营商环境改革典型案例征集"]
    assert "answered" in states["禅城区基层治理课程与现场教学点征集"]
    assert all(
        a.organization_id in {o.pk for o in a.call.invited.all()} for a in CallAnswer.objects.all()
    )

    assert services.remind_late() >= 2
    assert services.remind_late() == 0
