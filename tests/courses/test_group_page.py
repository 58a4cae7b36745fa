"""A course's "1+N" teaching group edited on the course's page form (a formset under it).

The rows are the seats whose lecturer the editor may see; empty rows add seats, "移除"
removes one. The page saves the course and its group in one service call
(``resource_update`` / ``resource_create`` with ``data["teaching_group"]``), so the group's
rules are ``courses.services.teaching_group_set``'s: one lead outside expert, one seat per
lecturer, only lecturers the editor may see, seats held by hidden lecturers kept. A refused
save shows the errors beside the rows with the input kept, and changes nothing.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.courses.models import Course, GroupRole, TeachingGroupMember
from tests.conftest import ORG
from tests.courses.test_links_and_groups import group_rows, snapshot
from tests.factories import CourseFactory, LecturerFactory

pytestmark = pytest.mark.django_db

LEAD, OFFICIAL, ENTREPRENEUR, TEACHER = (
    GroupRole.LEAD_EXPERT.value,
    GroupRole.OFFICIAL.value,
    GroupRole.ENTREPRENEUR.value,
    GroupRole.PARTY_SCHOOL_TEACHER.value,
)


@pytest.fixture
def world(persona):
    """A draft course of 祖庙 whose group seats one visible lecturer and one the town teacher
    cannot see (a draft of 禅城区委党校), plus more lecturers published to the network."""
    muni = persona("muni_teacher")
    open_lecturers = [
        LecturerFactory(
            owner_code=ORG["M"],
            author=muni,
            status="published",
            scope="network",
            title=f"公开讲师{i}",
            employer="市委党校",
        )
        for i in range(6)
    ]
    hidden = LecturerFactory(
        owner_code=ORG["DA"], author=persona("dA_teacher"), title="区里草稿讲师"
    )
    course = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"), title="园区改造")
    TeachingGroupMember.objects.create(
        course=course, lecturer=open_lecturers[0], role=TEACHER, duty="理论", position=0
    )
    TeachingGroupMember.objects.create(
        course=course, lecturer=hidden, role=ENTREPRENEUR, duty="实践", position=1
    )
    return course, open_lecturers, hidden


def course_fields(course) -> dict:
    return {
        "title": course.title,
        "summary": course.summary,
        "outline": course.outline,
        "kind": course.kind_id or "",
        "class_hours": str(course.class_hours or ""),
        "target_audience": course.target_audience,
        "domains": list(course.domains.values_list("pk", flat=True)),
        "version": course.version,
    }


def group_post(seats, *, initial=0, extra=2) -> dict:
    """The formset as posted: ``seats`` are (lecturer or pk, role, duty[, delete]) rows, then
    ``extra`` empty rows; the first ``initial`` rows are the ones the page showed filled."""
    data = {
        "group-TOTAL_FORMS": len(seats) + extra,
        "group-INITIAL_FORMS": initial,
        "group-MIN_NUM_FORMS": 0,
        "group-MAX_NUM_FORMS": 50,
    }
    for index, seat in enumerate(seats):
        lecturer, role, duty, *delete = seat
        data[f"group-{index}-lecturer"] = getattr(lecturer, "pk", lecturer)
        data[f"group-{index}-role"] = role
        data[f"group-{index}-duty"] = duty
        if delete and delete[0]:
            data[f"group-{index}-DELETE"] = "on"
    for index in range(len(seats), len(seats) + extra):
        data.update({f"group-{index}-lecturer": "", f"group-{index}-role": ""})
    return data


def edit(client, course, seats, *, initial=1, **fields):
    data = {**course_fields(course), **group_post(seats, initial=initial), **fields}
    return client.post(f"/library/courses/{course.pk}/edit/", data)


# ---- the page -------------------------------------------------------------------------------


def test_the_edit_page_shows_the_visible_seats_and_only_counts_the_hidden_ones(world, browser):
    course, lecturers, hidden = world
    response = browser("tA_teacher").get(f"/library/courses/{course.pk}/edit/")
    body = response.content.decode()
    group = response.context["parts"][0]
    assert [form.initial for form in group.initial_forms] == [
        {"lecturer": lecturers[0].pk, "role": TEACHER, "duty": "理论"}
    ]
    assert "联组授课（1+N）" in body
    assert "由您无权查看的师资担任的席位：1 个" in body
    assert hidden.title not in body
    assert 'name="group-2-lecturer"' in body  # two empty rows to add seats, no JavaScript


def test_the_group_is_in_english_when_asked(world, browser):
    course, _lecturers, _hidden = world
    body = (
        browser("tA_teacher")
        .get(f"/library/courses/{course.pk}/edit/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "Joint teaching group (1+N)" in body and "Remove" in body


def test_saving_the_group_on_the_page_keeps_the_hidden_seat_and_records_one_update(world, browser):
    course, lecturers, hidden = world
    events = AuditEvent.objects.count()
    response = edit(
        browser("tA_teacher"),
        course,
        [
            (lecturers[0], TEACHER, "理论", True),
            (lecturers[1], LEAD, "领衔"),
            (lecturers[2], OFFICIAL, "政策"),
        ],
    )
    assert response.status_code == 302
    assert response["Location"] == f"/library/courses/{course.pk}/"
    # The hidden seat keeps its place (position 1); the page's seats are numbered from 0.
    assert set(group_rows(course)) == {
        (lecturers[1].pk, LEAD, "领衔", 0),
        (hidden.pk, ENTREPRENEUR, "实践", 1),
        (lecturers[2].pk, OFFICIAL, "政策", 1),
    }
    course.refresh_from_db()
    assert course.version == 2
    update = AuditEvent.objects.order_by("id")[events:]
    assert [e.action for e in update] == ["update"]
    assert "teaching_group" in update[0].changes


def test_an_untouched_group_is_not_rewritten(world, browser):
    course, lecturers, _hidden = world
    seats_before = list(
        TeachingGroupMember.objects.filter(course=course).values_list("pk", flat=True)
    )
    response = edit(
        browser("tA_teacher"), course, [(lecturers[0], TEACHER, "理论")], title="新标题"
    )
    assert response.status_code == 302
    assert (
        list(TeachingGroupMember.objects.filter(course=course).values_list("pk", flat=True))
        == seats_before
    )
    assert Course.objects.get(pk=course.pk).title == "新标题"


def test_a_new_course_is_created_with_its_group(world, browser, org):
    _course, lecturers, _hidden = world
    data = {
        "owner": org("TA").pk,
        "title": "新课程带教学组",
        **group_post([(lecturers[3], LEAD, "理论"), (lecturers[4], OFFICIAL, "")]),
    }
    response = browser("tA_teacher").post("/library/courses/new/", data)
    course = Course.objects.get(title="新课程带教学组")
    assert response["Location"] == f"/library/courses/{course.pk}/"
    assert group_rows(course) == [
        (lecturers[3].pk, LEAD, "理论", 0),
        (lecturers[4].pk, OFFICIAL, "", 1),
    ]


# ---- refusals: errors beside the rows, input kept, nothing changed --------------------------


def test_two_lead_experts_are_refused_beside_the_group_and_change_nothing(world, browser):
    course, lecturers, _hidden = world
    before = snapshot(course.pk)
    response = edit(
        browser("tA_teacher"),
        course,
        [(lecturers[0], LEAD, "理论"), (lecturers[1], LEAD, "第二位领衔")],
        title="改过的标题",
    )
    assert response.status_code == 200
    group = response.context["parts"][0]
    assert group.group_errors == ["每个教学组只能有一名领衔外请专家。"]
    body = response.content.decode()
    assert "每个教学组只能有一名领衔外请专家。" in body
    assert "第二位领衔" in body and "改过的标题" in body  # the input is kept
    assert f'<option value="{lecturers[1].pk}" selected>' in body
    assert snapshot(course.pk) == before


def test_the_same_lecturer_twice_is_refused_on_its_row_and_changes_nothing(world, browser):
    course, lecturers, _hidden = world
    before = snapshot(course.pk)
    response = edit(
        browser("tA_teacher"),
        course,
        [(lecturers[0], TEACHER, "理论"), (lecturers[0], OFFICIAL, "又一次")],
    )
    assert response.status_code == 200
    rows = response.context["parts"][0].forms
    assert rows[1].errors["lecturer"] == ["同一名师资在一个教学组中只能出现一次。"]
    assert not rows[0].errors
    assert snapshot(course.pk) == before


def test_a_lecturer_the_editor_cannot_see_is_not_offered_and_refused(world, browser):
    course, lecturers, hidden = world
    before = snapshot(course.pk)
    page = browser("tA_teacher").get(f"/library/courses/{course.pk}/edit/")
    offered = dict(page.context["parts"][0].lecturer_choices)
    assert hidden.pk not in offered and lecturers[0].pk in offered
    response = edit(
        browser("tA_teacher"), course, [(lecturers[0], TEACHER, "理论"), (hidden, LEAD, "")]
    )
    assert response.status_code == 200
    assert "lecturer" in response.context["parts"][0].forms[1].errors
    assert snapshot(course.pk) == before


def test_a_second_lead_beside_a_hidden_lead_is_refused_and_changes_nothing(world, browser):
    course, lecturers, hidden = world
    TeachingGroupMember.objects.filter(course=course, lecturer=hidden).update(role=LEAD)
    before = snapshot(course.pk)
    response = edit(browser("tA_teacher"), course, [(lecturers[0], LEAD, "理论")])
    assert response.status_code == 200
    assert response.context["parts"][0].group_errors == ["每个教学组只能有一名领衔外请专家。"]
    assert snapshot(course.pk) == before


def test_someone_who_may_not_edit_changes_nothing(world, browser):
    course, lecturers, _hidden = world
    before = snapshot(course.pk)
    response = edit(browser("tA_viewer"), course, [(lecturers[1], LEAD, "")])
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert snapshot(course.pk) == before


def test_a_stale_save_keeps_the_group_input_and_changes_nothing(world, browser):
    course, lecturers, _hidden = world
    Course.objects.filter(pk=course.pk).update(version=course.version + 1)
    before = snapshot(course.pk)
    response = edit(
        browser("tA_teacher"),
        course,
        [(lecturers[0], TEACHER, "理论"), (lecturers[5], OFFICIAL, "新来的")],
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "新来的" in response.content.decode()
    assert snapshot(course.pk) == before


# ---- what it costs --------------------------------------------------------------------------


def count_post(client, course, seats) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = edit(client, course, seats)
    assert response.status_code == 302, response.content[:300]
    return len(ctx.captured_queries)


def test_saving_a_group_costs_the_same_for_two_seats_or_six(world, browser, persona):
    course, lecturers, _hidden = world
    other = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"), title="另一门课")
    TeachingGroupMember.objects.create(
        course=other, lecturer=lecturers[0], role=TEACHER, position=0
    )
    client = browser("tA_teacher")
    roles = [LEAD, OFFICIAL, ENTREPRENEUR, TEACHER, OFFICIAL, TEACHER]
    two = count_post(client, course, [(lecturers[i], roles[i], "") for i in range(2)])
    six = count_post(client, other, [(lecturers[i], roles[i], "") for i in range(6)])
    assert two == six
    assert len(group_rows(other)) == 6


GROUP_BUDGET = 7  # the choices, the seats, and teaching_group_set's checks, delete and insert


def test_the_group_adds_a_fixed_few_queries_to_a_save(
    world, browser, persona, django_assert_max_num_queries
):
    """Saving the course with its group changed costs at most GROUP_BUDGET queries more than
    saving the same course with the group untouched (measured on a twin course)."""
    course, lecturers, _hidden = world
    twin = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"), title="对照课程")
    TeachingGroupMember.objects.create(
        course=twin, lecturer=lecturers[0], role=TEACHER, duty="理论", position=0
    )
    client = browser("tA_teacher")
    untouched = count_post(client, twin, [(lecturers[0], TEACHER, "理论")])
    with django_assert_max_num_queries(untouched + GROUP_BUDGET):
        response = edit(
            client, course, [(lecturers[1], LEAD, "领衔"), (lecturers[2], OFFICIAL, "")]
        )
    assert response.status_code == 302


def test_the_edit_page_costs_the_same_for_any_number_of_seats_and_lecturers(
    world, browser, persona
):
    course, lecturers, _hidden = world
    client = browser("tA_teacher")

    def cost():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/library/courses/{course.pk}/edit/").status_code == 200
        return len(ctx.captured_queries)

    few = cost()
    for i, lecturer in enumerate(lecturers[1:], start=1):
        TeachingGroupMember.objects.create(
            course=course, lecturer=lecturer, role=TEACHER, position=i + 1
        )
    for _ in range(10):
        LecturerFactory(
            owner_code=ORG["M"], author=persona("muni_teacher"), status="published", scope="network"
        )
    assert cost() == few
