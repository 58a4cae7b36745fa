"""Calls in the admin: only the calls a person may see; a change by the publisher's curator
goes through the service (audited, version up); an invitee may read but not change."""

import pytest
from django.test import Client

from apps.audit.models import AuditEvent
from apps.calls.models import Call

pytestmark = pytest.mark.django_db

CALLS = "/admin/calls/call/"


def staff(persona, name) -> Client:
    user = persona(name)
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_only_visible_calls(persona, district_call, city_call):
    html = staff(persona, "tA_curator").get(CALLS).content.decode()

    assert district_call.topic in html
    assert city_call.topic not in html


def test_a_publisher_curator_saves_through_the_service(persona, district_call):
    client = staff(persona, "dA_curator")
    page = client.get(f"{CALLS}{district_call.pk}/change/")
    assert page.status_code == 200

    response = client.post(
        f"{CALLS}{district_call.pk}/change/",
        {
            "topic": "改过的题目",
            "description": district_call.description,
            "domains": [d.pk for d in district_call.domains.all()],
            "due_on": district_call.due_on.isoformat(),
            "answers-TOTAL_FORMS": "0",
            "answers-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    call = Call.objects.get(pk=district_call.pk)
    assert (call.topic, call.version) == ("改过的题目", 2)
    assert AuditEvent.objects.filter(object_id=call.pk, action="update").exists()


def test_an_invitee_curator_may_not_change(persona, district_call):
    client = staff(persona, "tA_curator")

    response = client.post(
        f"{CALLS}{district_call.pk}/change/",
        {"topic": "不该改", "due_on": district_call.due_on.isoformat()},
    )

    assert response.status_code == 403
    assert Call.objects.get(pk=district_call.pk).topic == district_call.topic
