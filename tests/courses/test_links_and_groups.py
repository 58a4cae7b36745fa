"""Links between libraries, and the "1+N" joint teaching group, through the REST API.

A case-teaching course links the cases it uses (``Course.cases``); the link shows on
both sides — the course's ``cases``, the case's ``courses`` — but each side lists
only what the reader may see, and an editor who cannot see a linked case neither
learns of it nor drops it. The teaching group (``teaching_group``) seats lecturers
from the lecturer library with at most one lead outside expert; it shows on the
course and as ``teaches`` on each lecturer, is copied by reuse, and never reveals
a lecturer the reader may not see.
"""

import pytest
from django.forms.models import model_to_dict

from apps.cases.models import Case
from apps.courses.models import Course, GroupRole, TeachingGroupMember
from apps.sharing.models import ReuseRecord
from tests.conftest import ORG
from tests.factories import CaseFactory, CourseFactory, LecturerFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
CASES = "/api/v1/cases/"
FACULTY = "/api/v1/faculty/"
TB = "440605011"
AUTHORS = {
    ORG["TA"]: "tA_teacher",
    ORG["DA"]: "dA_teacher",
    ORG["M"]: "muni_teacher",
    TB: "tB_teacher",
    ORG["DEP"]: "dept",
}
LEAD, OFFICIAL, ENTREPRENEUR = (
    GroupRole.LEAD_EXPERT.value,
    GroupRole.OFFICIAL.value,
    GroupRole.ENTREPRENEUR.value,
)


def build(factory, persona, owner, status="draft", scope="private", **kwargs):
    code = ORG.get(owner, owner)
    kwargs.setdefault("author", persona(AUTHORS[code]))
    return factory(owner_code=code, status=status, scope=scope, **kwargs)


def url(base, obj_or_id, action=None):
    pk = getattr(obj_or_id, "pk", obj_or_id)
    return f"{base}{pk}/" + (f"{action}/" if action else "")


def group_rows(course):
    return [
        (m.lecturer_id, m.role, m.duty, m.position)
        for m in TeachingGroupMember.objects.filter(course=course).order_by("position", "id")
    ]


def snapshot(pk):
    """The course as stored (content, links) with its group and the row counts around it."""
    course = Course.objects.filter(pk=pk).first()
    return (
        model_to_dict(course) if course else None,
        group_rows(course) if course else None,
        Course.objects.count(),
        TeachingGroupMember.objects.count(),
        ReuseRecord.objects.count(),
    )


def seat(course, lecturer, role, position, duty=""):
    return TeachingGroupMember.objects.create(
        course=course, lecturer=lecturer, role=role, position=position, duty=duty
    )


# ---- course ↔ case links -------------------------------------------------------------------


@pytest.fixture
def linked(persona):
    """A network course of 祖庙 using a network case and a private case of 禅城区委党校;
    the network case is also used by a private course of 桂城."""
    course = build(CourseFactory, persona, "TA", "published", "network")
    open_case = build(CaseFactory, persona, "M", "published", "network")
    hidden_case = build(CaseFactory, persona, "DA")
    other_course = build(CourseFactory, persona, TB)
    course.cases.set([open_case, hidden_case])
    other_course.cases.set([open_case])
    return course, open_case, hidden_case, other_course


def test_a_town_teacher_sees_only_the_links_to_what_they_may_see(linked, api):
    course, open_case, hidden_case, other_course = linked
    client = api("tA_teacher")

    course_body = client.get(url(COURSES, course)).json()
    case_body = client.get(url(CASES, open_case)).json()

    assert course_body["cases"] == [open_case.pk]
    assert case_body["courses"] == [course.pk]
    assert_problem(client.get(url(CASES, hidden_case)), 404)
    assert_problem(client.get(url(COURSES, other_course)), 404)
    listed = client.get(COURSES, {"page_size": 100}).json()["results"]
    assert [i["cases"] for i in listed if i["id"] == course.pk] == [[open_case.pk]]
    listed_cases = client.get(CASES, {"page_size": 100}).json()["results"]
    assert hidden_case.pk not in {i["id"] for i in listed_cases}
    assert [i["courses"] for i in listed_cases if i["id"] == open_case.pk] == [[course.pk]]


def test_readers_who_may_see_both_sides_see_every_link_from_both_sides(linked, api):
    course, open_case, hidden_case, other_course = linked
    district = api("dA_teacher")
    town_b = api("tB_teacher")

    assert sorted(district.get(url(COURSES, course)).json()["cases"]) == sorted(
        [open_case.pk, hidden_case.pk]
    )
    assert district.get(url(CASES, hidden_case)).json()["courses"] == [course.pk]
    assert sorted(town_b.get(url(CASES, open_case)).json()["courses"]) == sorted(
        [course.pk, other_course.pk]
    )
    assert town_b.get(url(COURSES, course)).json()["cases"] == [open_case.pk]


def test_linking_a_case_the_editor_cannot_see_is_400_and_changes_nothing(persona, api):
    course = build(CourseFactory, persona, "TA")
    open_case = build(CaseFactory, persona, "M", "published", "network")
    hidden_case = build(CaseFactory, persona, "DA")
    course.cases.set([open_case])
    before = snapshot(course.pk)

    response = api("tA_teacher").patch(
        url(COURSES, course), {"cases": [open_case.pk, hidden_case.pk]}, format="json"
    )

    assert_problem(response, 400, {"cases"})
    assert str(hidden_case.pk) in response.json()["errors"]["cases"][0]
    assert hidden_case.title not in response.content.decode()
    assert snapshot(course.pk) == before
    assert list(course.cases.all()) == [open_case]


def test_an_unknown_and_a_hidden_case_are_refused_alike(persona, api):
    course = build(CourseFactory, persona, "TA")
    hidden_case = build(CaseFactory, persona, "DA")
    missing = Case.objects.order_by("-pk").first().pk + 1000
    client = api("tA_teacher")

    hidden = client.patch(url(COURSES, course), {"cases": [hidden_case.pk]}, format="json")
    unknown = client.patch(url(COURSES, course), {"cases": [missing]}, format="json")

    hidden_message = assert_problem(hidden, 400, {"cases"})["errors"]["cases"]
    unknown_message = assert_problem(unknown, 400, {"cases"})["errors"]["cases"]
    assert [m.replace(str(hidden_case.pk), "N") for m in hidden_message] == [
        m.replace(str(missing), "N") for m in unknown_message
    ]


def test_creating_a_course_with_a_hidden_case_is_400_and_creates_nothing(persona, api):
    hidden_case = build(CaseFactory, persona, "DA")
    count = Course.objects.count()

    response = api("tA_teacher").post(
        COURSES,
        {"owner": ORG["TA"], "title": "案例教学课", "cases": [hidden_case.pk]},
        format="json",
    )

    assert_problem(response, 400, {"cases"})
    assert Course.objects.count() == count
    assert not hidden_case.courses.exists()


def test_an_edit_by_someone_who_cannot_see_a_linked_case_keeps_that_link(persona, api):
    course = build(CourseFactory, persona, "TA")
    old_case = build(CaseFactory, persona, "M", "published", "network")
    new_case = build(CaseFactory, persona, "TA")
    hidden_case = build(CaseFactory, persona, "DA")
    course.cases.set([old_case, hidden_case])

    response = api("tA_teacher").patch(
        url(COURSES, course), {"cases": [new_case.pk]}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["cases"] == [new_case.pk]
    assert set(course.cases.values_list("pk", flat=True)) == {new_case.pk, hidden_case.pk}
    assert list(hidden_case.courses.all()) == [course]


def test_clearing_the_cases_clears_only_the_visible_ones(persona, api):
    course = build(CourseFactory, persona, "TA", "published", "network")
    open_case = build(CaseFactory, persona, "M", "published", "network")
    hidden_case = build(CaseFactory, persona, "DA")
    course.cases.set([open_case, hidden_case])

    response = api("muni_curator").patch(url(COURSES, course), {"cases": []}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["cases"] == []
    assert list(course.cases.all()) == [hidden_case]


# ---- the teaching group --------------------------------------------------------------------


@pytest.fixture
def lecturers(persona):
    """Three network-published lecturers anyone may seat, and one private to 禅城区委党校."""
    shared = [
        build(LecturerFactory, persona, "M", "published", "network", title=name)
        for name in ("王教授", "陈局长", "黄董事长")
    ]
    hidden = build(LecturerFactory, persona, "DA", title="区校讲师")
    return shared, hidden


def test_the_group_is_set_in_order_and_shown_on_the_course_and_on_each_lecturer(
    lecturers, persona, api
):
    (expert, official, boss), _ = lecturers
    course = build(CourseFactory, persona, "TA")
    group = [
        {"lecturer": expert.pk, "role": LEAD, "duty": "理论阐释"},
        {"lecturer": official.pk, "role": OFFICIAL, "duty": "政策解读"},
        {"lecturer": boss.pk, "role": ENTREPRENEUR, "duty": "企业实践"},
    ]
    client = api("tA_teacher")

    response = client.patch(url(COURSES, course), {"teaching_group": group}, format="json")

    assert response.status_code == 200, response.content
    expected = [
        {**seat_, "lecturer_name": name}
        for seat_, name in zip(group, ("王教授", "陈局长", "黄董事长"), strict=True)
    ]
    assert response.json()["teaching_group"] == expected
    assert client.get(url(COURSES, course)).json()["teaching_group"] == expected
    assert group_rows(course) == [
        (expert.pk, LEAD, "理论阐释", 0),
        (official.pk, OFFICIAL, "政策解读", 1),
        (boss.pk, ENTREPRENEUR, "企业实践", 2),
    ]
    teaches = client.get(url(FACULTY, official)).json()["teaches"]
    assert teaches == [{"course": course.pk, "course_title": course.title, "role": OFFICIAL}]


def test_a_lecturer_lists_only_the_courses_the_reader_may_see(lecturers, persona, api):
    (expert, *_), _ = lecturers
    open_course = build(CourseFactory, persona, "TA", "published", "network")
    private_course = build(CourseFactory, persona, TB)
    seat(open_course, expert, LEAD, 0)
    seat(private_course, expert, OFFICIAL, 0)

    town_a = api("tA_teacher").get(url(FACULTY, expert)).json()["teaches"]
    town_b = api("tB_teacher").get(url(FACULTY, expert)).json()["teaches"]

    assert [t["course"] for t in town_a] == [open_course.pk]
    assert sorted((t["course"], t["role"]) for t in town_b) == sorted(
        [(open_course.pk, LEAD), (private_course.pk, OFFICIAL)]
    )
    listed = api("tA_teacher").get(FACULTY, {"page_size": 100}).json()["results"]
    assert [[t["course"] for t in i["teaches"]] for i in listed if i["id"] == expert.pk] == [
        [open_course.pk]
    ]


def test_two_lead_experts_are_400_and_change_nothing(lecturers, persona, api):
    (expert, official, boss), _ = lecturers
    course = build(CourseFactory, persona, "TA")
    seat(course, boss, ENTREPRENEUR, 0, "企业实践")
    before = snapshot(course.pk)

    response = api("tA_teacher").patch(
        url(COURSES, course),
        {
            "title": "不应保存的标题",
            "teaching_group": [
                {"lecturer": expert.pk, "role": LEAD},
                {"lecturer": official.pk, "role": LEAD},
            ],
        },
        format="json",
    )

    assert_problem(response, 400, {"teaching_group"})
    assert snapshot(course.pk) == before


def test_the_same_lecturer_twice_is_400_and_changes_nothing(lecturers, persona, api):
    (expert, *_), _ = lecturers
    course = build(CourseFactory, persona, "TA")
    before = snapshot(course.pk)

    response = api("tA_teacher").patch(
        url(COURSES, course),
        {
            "teaching_group": [
                {"lecturer": expert.pk, "role": LEAD},
                {"lecturer": expert.pk, "role": OFFICIAL},
            ]
        },
        format="json",
    )

    assert_problem(response, 400, {"teaching_group.1.lecturer"})
    assert snapshot(course.pk) == before


def test_seating_a_lecturer_the_editor_cannot_see_is_400_and_changes_nothing(
    lecturers, persona, api
):
    (expert, *_), hidden = lecturers
    course = build(CourseFactory, persona, "TA")
    seat(course, expert, LEAD, 0)
    before = snapshot(course.pk)

    response = api("tA_teacher").patch(
        url(COURSES, course),
        {"teaching_group": [{"lecturer": hidden.pk, "role": OFFICIAL}]},
        format="json",
    )

    assert_problem(response, 400, {"teaching_group.0.lecturer"})
    assert hidden.title not in response.content.decode()
    assert snapshot(course.pk) == before


def test_a_lecturer_the_reader_cannot_see_is_left_out_of_the_group(lecturers, persona, api):
    (expert, official, _), hidden = lecturers
    course = build(CourseFactory, persona, "DA", "published", "network")
    seat(course, expert, LEAD, 0)
    seat(course, hidden, OFFICIAL, 1)
    seat(course, official, ENTREPRENEUR, 2)

    outsider = api("tB_teacher").get(url(COURSES, course))
    insider = api("dA_teacher").get(url(COURSES, course))

    assert outsider.status_code == 200, outsider.content
    assert [m["lecturer"] for m in outsider.json()["teaching_group"]] == [expert.pk, official.pk]
    assert hidden.title not in outsider.content.decode()
    assert [m["lecturer"] for m in insider.json()["teaching_group"]] == [
        expert.pk,
        hidden.pk,
        official.pk,
    ]
    listed = api("tB_teacher").get(COURSES, {"page_size": 100}).json()["results"]
    [item] = [i for i in listed if i["id"] == course.pk]
    assert [m["lecturer"] for m in item["teaching_group"]] == [expert.pk, official.pk]


def test_an_edit_by_someone_who_cannot_see_a_seated_lecturer_keeps_that_seat(
    lecturers, persona, api
):
    (expert, official, _), hidden = lecturers
    course = build(CourseFactory, persona, "DA", "published", "network")
    seat(course, hidden, OFFICIAL, 0, "区情介绍")
    seat(course, expert, ENTREPRENEUR, 1)

    response = api("muni_curator").patch(
        url(COURSES, course),
        {"teaching_group": [{"lecturer": official.pk, "role": LEAD, "duty": "理论"}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert [m["lecturer"] for m in response.json()["teaching_group"]] == [official.pk]
    assert sorted(r[:3] for r in group_rows(course)) == sorted(
        [(hidden.pk, OFFICIAL, "区情介绍"), (official.pk, LEAD, "理论")]
    )


def test_a_second_lead_beside_a_hidden_lead_is_400_and_changes_nothing(lecturers, persona, api):
    (expert, *_), hidden = lecturers
    course = build(CourseFactory, persona, "DA", "published", "network")
    seat(course, hidden, LEAD, 0)
    before = snapshot(course.pk)

    response = api("muni_curator").patch(
        url(COURSES, course),
        {"teaching_group": [{"lecturer": expert.pk, "role": LEAD}]},
        format="json",
    )

    assert_problem(response, 400, {"teaching_group"})
    assert snapshot(course.pk) == before


def test_reuse_copies_the_teaching_group(lecturers, persona, api):
    (expert, official, boss), _ = lecturers
    course = build(CourseFactory, persona, "TA", "published", "network")
    seat(course, expert, LEAD, 0, "理论阐释")
    seat(course, official, OFFICIAL, 1, "政策解读")
    seat(course, boss, ENTREPRENEUR, 2)
    original = group_rows(course)

    response = api("tB_teacher").post(url(COURSES, course, "reuse"), {"owner": TB}, format="json")

    assert response.status_code == 201, response.content
    copy = Course.objects.get(pk=response.json()["id"])
    assert (copy.owner.code, copy.source_id) == (TB, course.pk)
    assert group_rows(copy) == original
    assert group_rows(course) == original
    assert [(m["lecturer"], m["role"], m["duty"]) for m in response.json()["teaching_group"]] == [
        (expert.pk, LEAD, "理论阐释"),
        (official.pk, OFFICIAL, "政策解读"),
        (boss.pk, ENTREPRENEUR, ""),
    ]
    assert TeachingGroupMember.objects.filter(course=copy).count() == 3
