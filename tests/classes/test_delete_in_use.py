"""A library draft that a class timetable uses (a session's course, a session's lecturer, a
visit's site) is not deleted: every entry point answers 409 with the reason, never a 500, and
the draft stays."""

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation

from apps.classes.models import Session, SessionLecturer, SiteVisit
from tests.factories import LIBRARY_FACTORIES, TrainingClassFactory, slot

pytestmark = pytest.mark.django_db

ADMIN = {
    "courses": "/admin/courses/course/",
    "faculty": "/admin/faculty/lecturer/",
    "sites": "/admin/teaching_sites/teachingsite/",
}


@pytest.fixture
def in_use(persona):
    """``in_use("courses")`` → a draft of 祖庙 (author tA_teacher) that a class's timetable uses."""

    def make(key: str):
        author = persona("tA_teacher")
        draft = LIBRARY_FACTORIES[key](owner_code="440604010", author=author)
        course = (
            draft
            if key == "courses"
            else LIBRARY_FACTORIES["courses"](owner_code="440604010", author=author)
        )
        cls = TrainingClassFactory(host_code="440604010")
        begin, end = slot(cls)
        session = Session.objects.create(
            training_class=cls, starts_at=begin, ends_at=end, course=course, course_version=1
        )
        if key == "faculty":
            SessionLecturer.objects.create(
                session=session, lecturer=draft, starts_at=begin, ends_at=end
            )
        if key == "sites":
            SiteVisit.objects.create(
                session=session, site=draft, starts_at=begin, ends_at=end, visitors=10
            )
        return draft

    return make


def classes_named() -> str:
    """How the answer names who uses the draft: the classes app, as the interface speaks."""
    with translation.override("zh-hans"):
        return str(apps.get_app_config("classes").verbose_name)


def still_there(draft) -> bool:
    return type(draft).objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("key", ["courses", "faculty", "sites"])
def test_the_api_answers_409_and_keeps_the_draft(api, in_use, key):
    draft = in_use(key)

    response = api("tA_teacher").delete(f"/api/v1/{key}/{draft.pk}/")

    assert response.status_code == 409, response.content[:500]
    assert response["Content-Type"].startswith("application/problem+json")
    assert classes_named() in response.json()["detail"]
    assert still_there(draft)


@pytest.mark.parametrize("key", ["courses", "faculty", "sites"])
def test_the_page_action_shows_why_and_keeps_the_draft(browser, in_use, key):
    draft = in_use(key)

    response = browser("tA_teacher").post(f"/library/{key}/{draft.pk}/delete/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/library/{key}/{draft.pk}/"
    assert classes_named() in response.content.decode()
    assert still_there(draft)


def staff(persona, name="tA_teacher") -> Client:
    user = persona(name)
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("key", ["courses", "faculty", "sites"])
def test_the_admin_refuses_on_its_own_page_and_keeps_the_draft(persona, in_use, key):
    """Django's delete page lists what protects the draft and deletes nothing (200)."""
    draft = in_use(key)

    response = staff(persona).post(f"{ADMIN[key]}{draft.pk}/delete/", {"post": "yes"})

    assert response.status_code == 200, response.content[:500]
    assert response.context["protected"]
    assert still_there(draft)


@pytest.mark.parametrize("key", ["courses", "faculty", "sites"])
def test_the_admin_shows_the_services_refusal_when_its_page_missed_the_use(
    persona, in_use, key, monkeypatch
):
    """A timetable took the draft after Django's page was shown (its check is skipped here):
    the service refuses, the admin says why on the draft's page, nothing deleted, no log."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.admin.options import ModelAdmin

    draft = in_use(key)
    monkeypatch.setattr(
        ModelAdmin, "get_deleted_objects", lambda self, objs, request: ([], {}, set(), [])
    )

    response = staff(persona).post(f"{ADMIN[key]}{draft.pk}/delete/", {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[0][0] == f"{ADMIN[key]}{draft.pk}/change/"
    assert classes_named() in response.content.decode()
    assert still_there(draft)
    assert not LogEntry.objects.filter(object_id=str(draft.pk)).exists()


def test_a_draft_no_timetable_uses_is_still_deleted(api, persona):
    draft = LIBRARY_FACTORIES["courses"](owner_code="440604010", author=persona("tA_teacher"))

    assert api("tA_teacher").delete(f"/api/v1/courses/{draft.pk}/").status_code == 204
    assert not still_there(draft)
