"""Versions and diffs show a teaching group's seats only of lecturers the reader may see, as
the course's item and detail page do (``SharedResource.EXTRA_REFERENCES``); the diff's flags
still compare the full values.

A municipal course published to the network seats a lecturer private to the municipal school:
a town teacher reading its versions, or comparing their copy with it, sees neither that
lecturer nor the seat's role and duty.
"""

import pytest

from apps.courses.models import Course, GroupRole, TeachingGroupMember
from apps.sharing.choices import Scope, Status
from tests.conftest import ORG
from tests.factories import LecturerFactory

from .versions_setup import edit, published_source, town_copy

pytestmark = pytest.mark.django_db

SECRET_DUTY = "市校内部专题：不宜外传的授课安排"


@pytest.fixture
def seated(persona):
    """(source, open lecturer, hidden lecturer): a network course with a seat each, kept."""
    open_lecturer = LecturerFactory(
        owner_code=ORG["M"],
        author=persona("muni_teacher"),
        status=Status.PUBLISHED,
        scope=Scope.NETWORK,
        title="王教授",
    )
    hidden = LecturerFactory(
        owner_code=ORG["M"],
        author=persona("muni_teacher"),
        status=Status.DRAFT,
        scope=Scope.PRIVATE,
        title="市校内部讲师",
    )
    source = published_source(persona)
    TeachingGroupMember.objects.create(
        course=source, lecturer=open_lecturer, role=GroupRole.LEAD_EXPERT, position=0
    )
    TeachingGroupMember.objects.create(
        course=source, lecturer=hidden, role=GroupRole.OFFICIAL, duty=SECRET_DUTY, position=1
    )
    source = edit(persona, source, outline="一、带联组的大纲")  # kept with its group
    return source, open_lecturer, hidden


def group_of(content):
    return content["teaching_group"]


def test_a_version_shows_only_the_seats_the_reader_may_see(seated, api):
    source, open_lecturer, hidden = seated
    path = f"/api/v1/courses/{source.pk}/versions/{source.published_version}/"

    outsider = api("tB_teacher").get(path)
    owner = api("muni_curator").get(path)

    assert outsider.status_code == 200, outsider.content
    assert [s["lecturer"] for s in group_of(outsider.json()["content"])] == [open_lecturer.pk]
    assert SECRET_DUTY not in outsider.content.decode()
    assert GroupRole.OFFICIAL.value not in outsider.content.decode()
    assert [s["lecturer"] for s in group_of(owner.json()["content"])] == [
        open_lecturer.pk,
        hidden.pk,
    ]


def test_the_diff_hides_the_seat_but_flags_its_change(seated, persona, api):
    source, open_lecturer, hidden = seated
    copy = town_copy(persona, source)
    assert TeachingGroupMember.objects.filter(course=copy, lecturer=hidden).exists()
    TeachingGroupMember.objects.filter(course=source, lecturer=hidden).update(duty="改后的安排")
    edit(persona, source, outline="一、再改的大纲")

    response = api("tA_teacher").get(f"/api/v1/courses/{copy.pk}/source-diff/")

    assert response.status_code == 200, response.content
    assert SECRET_DUTY not in response.content.decode()
    assert "改后的安排" not in response.content.decode()
    [group] = [f for f in response.json()["fields"] if f["field"] == "teaching_group"]
    for value in (group["base"], group["upstream"], group["local"]):
        assert [s["lecturer"] for s in value] == [open_lecturer.pk]
    # Computed on the full values: the hidden seat changed in the source.
    assert group["changed_upstream"] is True
    assert group["changed_locally"] is False


def test_the_version_page_shows_only_the_seats_the_reader_may_see(seated, browser):
    source, open_lecturer, _hidden = seated
    path = f"/library/courses/{source.pk}/versions/{source.published_version}/"

    outsider = browser("tB_teacher").get(path)
    owner = browser("muni_curator").get(path)

    assert outsider.status_code == 200
    html = outsider.content.decode()
    assert open_lecturer.title in html
    assert SECRET_DUTY not in html
    assert "（您不可见的资源）" not in html and "领导干部（政策与实践）" not in html
    assert SECRET_DUTY in owner.content.decode()


def test_the_diff_page_shows_only_the_seats_the_reader_may_see(seated, persona, browser):
    source, open_lecturer, _hidden = seated
    copy = town_copy(persona, source)
    edit(persona, source, outline="一、再改的大纲")

    response = browser("tA_teacher").get(f"/library/courses/{copy.pk}/source-diff/")

    assert response.status_code == 200
    html = response.content.decode()
    assert open_lecturer.title in html
    assert SECRET_DUTY not in html
    assert Course.objects.get(pk=copy.pk).teaching_group.count() == 2  # the copy keeps it
