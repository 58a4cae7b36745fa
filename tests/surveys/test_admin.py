"""Surveys in the admin: each person sees the surveys they may see; a save goes through
``apps.surveys.services`` (audited, refused as the pages refuse)."""

import pytest
from django.test import Client

from apps.audit.models import AuditEvent
from apps.surveys.models import Survey

from .helpers import make_survey

pytestmark = pytest.mark.django_db

SURVEYS = "/admin/surveys/survey/"


def staff(persona, name) -> Client:
    user = persona(name)
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_list_follows_the_policy(persona):
    mine = make_survey(persona("dA_curator"), owner="440604", title="禅城调研")
    other = make_survey(persona("dB_curator"), owner="440605", title="南海调研")
    page = staff(persona, "dA_curator").get(SURVEYS).content.decode()
    assert mine.title in page and other.title not in page
    page = staff(persona, "muni_curator").get(SURVEYS).content.decode()
    assert mine.title in page and other.title in page
    assert staff(persona, "dA_curator").get(f"{SURVEYS}{other.pk}/change/").status_code in (
        302,
        404,
    )


def test_save_goes_through_the_services(persona):
    survey = make_survey(persona("dA_curator"), owner="440604")
    client = staff(persona, "dA_curator")
    data = {
        "title": "改过的标题",
        "intro": "",
        "opens_on": "",
        "closes_on": "",
        "questions-TOTAL_FORMS": "3",
        "questions-INITIAL_FORMS": "3",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i, q in enumerate(survey.questions.order_by("position", "id")):
        data[f"questions-{i}-id"] = str(q.pk)
        data[f"questions-{i}-survey"] = str(survey.pk)
    response = client.post(f"{SURVEYS}{survey.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    survey.refresh_from_db()
    assert (survey.title, survey.version) == ("改过的标题", 6)
    event = AuditEvent.objects.filter(object_id=str(survey.pk)).order_by("-id").first()
    assert event.changes["title"][1] == "改过的标题"
    # a curator above reads it and may not change it
    before = Survey.objects.values().get(pk=survey.pk)
    above = staff(persona, "muni_curator")
    assert above.get(f"{SURVEYS}{survey.pk}/change/").status_code == 200
    above.post(f"{SURVEYS}{survey.pk}/change/", {**data, "title": "不许"})
    assert Survey.objects.values().get(pk=survey.pk) == before
