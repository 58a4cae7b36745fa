"""The admin writes a course, its links and its teaching group through one service call.

Before, the admin saved the links (``form.save_m2m``) and the group's rows (the inline) itself,
after the service: a link to a case the curator cannot see was dropped, a seat held by a
lecturer the curator cannot see made the form unsavable, and neither change raised the
version or reached the audit event. Now the inline offers the seats the curator may see and
hands them to ``teaching_group_set`` with the course (``service_content``).
"""

import pytest

from apps.audit.models import AuditEvent
from apps.courses.models import GroupRole, TeachingGroupMember
from tests.conftest import ORG
from tests.courses.test_links_and_groups import group_rows, snapshot
from tests.factories import CaseFactory, CourseFactory, LecturerFactory

pytestmark = pytest.mark.django_db

CHANGE = "/admin/courses/course/{}/change/"
LEAD, TEACHER, ENTREPRENEUR = (
    GroupRole.LEAD_EXPERT.value,
    GroupRole.PARTY_SCHOOL_TEACHER.value,
    GroupRole.ENTREPRENEUR.value,
)


@pytest.fixture
def world(persona, client):
    """A draft course of 祖庙 linked to a case the town curator cannot see, with a seat held by
    a lecturer the town curator cannot see; the curator signed in to the admin."""
    curator = persona("tA_curator")
    curator.is_staff = True
    curator.save(update_fields=["is_staff"])
    client.force_login(curator)
    open_lecturers = [
        LecturerFactory(
            owner_code=ORG["M"], author=persona("muni_teacher"), status="published", scope="network"
        )
        for _ in range(2)
    ]
    hidden = LecturerFactory(owner_code=ORG["DA"], author=persona("dA_teacher"))
    hidden_case = CaseFactory(owner_code=ORG["DA"], author=persona("dA_teacher"))
    course = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    course.cases.set([hidden_case])
    seat = TeachingGroupMember.objects.create(
        course=course, lecturer=open_lecturers[0], role=TEACHER, duty="理论", position=0
    )
    TeachingGroupMember.objects.create(
        course=course, lecturer=hidden, role=ENTREPRENEUR, duty="实践", position=1
    )
    return course, open_lecturers, hidden, hidden_case, seat


def admin_post(course, rows, *, initial):
    data = {
        "title": course.title,
        "summary": course.summary,
        "outline": course.outline,
        "domains": list(course.domains.values_list("pk", flat=True)),
        "kind": course.kind_id,
        "class_hours": str(course.class_hours),
        "target_audience": course.target_audience,
        "teaching_group-TOTAL_FORMS": len(rows),
        "teaching_group-INITIAL_FORMS": initial,
        "teaching_group-MIN_NUM_FORMS": 0,
        "teaching_group-MAX_NUM_FORMS": 1000,
        "_save": "保存",
    }
    for index, (seat_id, lecturer, role, duty, position) in enumerate(rows):
        data.update(
            {
                f"teaching_group-{index}-id": seat_id or "",
                f"teaching_group-{index}-course": course.pk,
                f"teaching_group-{index}-lecturer": lecturer.pk,
                f"teaching_group-{index}-role": role,
                f"teaching_group-{index}-duty": duty,
                f"teaching_group-{index}-position": position,
            }
        )
    return data


def test_the_inline_shows_only_the_seats_the_curator_may_see(world, client):
    course, _open, hidden, _case, seat = world
    response = client.get(CHANGE.format(course.pk))
    inline = next(f for f in response.context["inline_admin_formsets"])
    assert [form.instance.pk for form in inline.formset.initial_forms] == [seat.pk]
    assert hidden.title not in response.content.decode()


def test_an_admin_save_keeps_hidden_seats_and_links_and_is_one_recorded_change(world, client):
    course, open_lecturers, hidden, hidden_case, seat = world
    events = AuditEvent.objects.count()
    rows = [
        (seat.pk, open_lecturers[0], TEACHER, "理论与方法", 0),
        (None, open_lecturers[1], LEAD, "", 2),
    ]
    response = client.post(CHANGE.format(course.pk), admin_post(course, rows, initial=1))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(group_rows(course)) == {
        (open_lecturers[0].pk, TEACHER, "理论与方法", 0),
        (hidden.pk, ENTREPRENEUR, "实践", 1),
        (open_lecturers[1].pk, LEAD, "", 1),
    }
    assert list(course.cases.all()) == [hidden_case]  # the hidden link is kept
    course.refresh_from_db()
    assert course.version == 2
    recorded = list(AuditEvent.objects.order_by("id")[events:])
    assert [e.action for e in recorded] == ["update"]
    assert "teaching_group" in recorded[0].changes


def test_a_second_lead_in_the_admin_is_shown_beside_the_form_and_changes_nothing(world, client):
    course, open_lecturers, hidden, _case, seat = world
    TeachingGroupMember.objects.filter(course=course, lecturer=hidden).update(role=LEAD)
    before = snapshot(course.pk)
    rows = [(seat.pk, open_lecturers[0], LEAD, "理论", 0)]
    response = client.post(CHANGE.format(course.pk), admin_post(course, rows, initial=1))
    assert response.status_code == 200
    assert "每个教学组只能有一名领衔外请专家。" in response.content.decode()
    assert snapshot(course.pk) == before
