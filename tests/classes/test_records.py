"""Where a course or lecturer was taught and how trainees rated it (apps.classes.records), and a
lecturer's teaching record as a workbook (apps.classes.sheets)."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from apps.accounts.models import User
from apps.classes import records, services, sheets
from apps.classes.services import SessionInput
from apps.sharing.choices import Scope
from tests.factories import (
    CourseFactory,
    LecturerFactory,
    TrainingClassFactory,
    published,
    slot,
)

pytestmark = pytest.mark.django_db

TOWN, DISTRICT = "440604010", "440604"  # 祖庙 and 禅城


def past_class(start: date, host_code=TOWN, days=2, **kw):
    return TrainingClassFactory(
        host_code=host_code,
        start_date=start,
        end_date=date.fromordinal(start.toordinal() + days - 1),
        **kw,
    )


def teach(user, cls, course, lecturers, day=0, start="09:00", end="11:00"):
    begin, finish = slot(cls, day, start, end)
    return services.session_add(
        user=user,
        class_pk=cls.pk,
        data=SessionInput(begin, finish, course.pk, [lecturer.pk for lecturer in lecturers]),
    )


def answer(cls, session, *ratings, comment=""):
    """One code per (content, delivery) pair, each answering ``session`` (a 祖庙 class)."""
    teacher = User.objects.get(username="tA_teacher")
    codes = services.codes_issue(user=teacher, class_pk=cls.pk, count=max(1, len(ratings)))
    for code, (content, delivery) in zip(codes, ratings, strict=False):
        services.evaluation_submit(
            code=code.code,
            session_pk=session.pk,
            content=content,
            delivery=delivery,
            comment=comment,
        )


@pytest.fixture
def taught(persona):
    """A 祖庙 course (published to 禅城: audience the district) taught twice by one lecturer."""
    course = published(CourseFactory, TOWN, Scope.DISTRICT, title="园区改造实务")
    lecturer = published(LecturerFactory)
    other = published(LecturerFactory)
    cls = past_class(date(2024, 5, 6), title="祖庙专题班")
    first = teach(persona("tA_teacher"), cls, course, [lecturer])
    second = teach(persona("tA_teacher"), cls, course, [lecturer, other], day=1)
    answer(cls, first, (5, 4), (4, 4), comment="案例很实在")
    answer(cls, second, (3, 2))
    return {"course": course, "lecturer": lecturer, "other": other, "class": cls}


def test_ratings_average_every_answer_on_the_course_and_on_each_lecturer(taught):
    course = records.course_ratings(taught["course"])
    assert (course.count, course.content, course.delivery) == (3, 4.0, 3.33)
    lecturer = records.lecturer_ratings(taught["lecturer"])
    assert (lecturer.count, lecturer.content, lecturer.delivery) == (3, 4.0, 3.33)
    other = records.lecturer_ratings(taught["other"])  # only the second session
    assert (other.count, other.content, other.delivery) == (1, 3.0, 2.0)
    untaught = records.course_ratings(published(CourseFactory))
    assert (untaught.count, untaught.content, untaught.delivery) == (0, None, None)


@pytest.mark.parametrize(
    ("who", "reads"),
    [
        ("tA_curator", True),  # a curator of the course's owner
        ("tA_admin", True),  # the course's author (and an admin of its owner)
        ("dA_curator", True),  # a curator of the course's audience (禅城)
        ("tA_teacher", False),  # a teacher of the owner: averages only
        ("tA_viewer", False),  # a viewer of the owner: averages only
        ("dA_teacher", False),  # the audience's teacher
        ("tA2_teacher", False),  # a neighbouring town that may see the course
        ("muni_curator", False),  # above the audience, not its curator
    ],
)
def test_comments_only_for_the_courses_author_and_its_owners_and_audiences_curators(
    taught, persona, who, reads
):
    comments = list(records.comments_for(taught["course"], persona(who)))
    if reads:
        assert [c.comment for c in comments] == ["案例很实在", "案例很实在"]
    else:
        assert comments == []


def test_a_lecturers_page_shows_only_the_comments_on_courses_the_reader_may_read(taught, persona):
    # The lecturer belongs to the city; the comments are on a 祖庙 course: the city's members
    # do not read them, the course's curators do.
    assert list(records.comments_for(taught["lecturer"], persona("muni_teacher"))) == []
    assert list(records.comments_for(taught["lecturer"], persona("muni_curator"))) == []
    assert len(records.comments_for(taught["lecturer"], persona("tA_curator"))) == 2
    assert list(records.comments_for(taught["lecturer"], persona("tA_teacher"))) == []


def test_sessions_of_hides_the_class_from_who_may_not_see_it(taught, persona):
    host_reader = records.sessions_of(taught["course"], persona("tA_viewer"))
    assert [s.class_visible for s in host_reader] == [True, True]
    assert host_reader[0].starts_at > host_reader[1].starts_at  # newest first
    neighbour = records.sessions_of(taught["course"], persona("tA2_teacher"))
    assert [s.class_visible for s in neighbour] == [False, False]
    assert neighbour[0].training_class.host.code == TOWN  # the host is still named
    above = records.sessions_of(taught["lecturer"], persona("dA_curator"))
    assert [s.class_visible for s in above] == [True, True]  # a curator above the host


def test_a_lecturers_record_counts_classes_sessions_hours_and_ratings_per_year(taught, persona):
    lecturer, course = taught["lecturer"], taught["course"]
    later = past_class(date(2025, 3, 3), title="二〇二五年专题班")
    teach(persona("tA_teacher"), later, course, [lecturer], start="14:00", end="17:00")
    again = past_class(date(2025, 4, 7), title="二〇二五年第二期")
    session = teach(persona("tA_teacher"), again, course, [lecturer], start="09:00", end="10:30")
    answer(again, session, (5, 5))

    rows = records.lecturer_record(lecturer)

    assert [(r.year, r.classes, r.sessions, r.hours) for r in rows] == [
        (2025, 2, 2, 4.5),
        (2024, 1, 2, 4.0),
    ]
    assert [(r.content, r.delivery, r.evaluations) for r in rows] == [
        (5.0, 5.0, 1),
        (4.0, 3.33, 3),
    ]


def test_the_record_workbook_holds_the_same_rows_under_the_lecturers_name(taught):
    workbook = openpyxl.load_workbook(
        io.BytesIO(sheets.lecturer_record_workbook(taught["lecturer"]))
    )
    sheet = workbook.active
    assert sheet["A1"].value == taught["lecturer"].title
    rows = [list(r) for r in sheet.iter_rows(min_row=5, values_only=True)]
    assert rows == [[2024, 1, 2, 4, 4, 3.33, 3]]


def test_a_name_that_looks_like_a_formula_stays_text_in_the_workbook():
    lecturer = published(LecturerFactory, title="=HYPERLINK(1)")
    sheet = openpyxl.load_workbook(io.BytesIO(sheets.lecturer_record_workbook(lecturer))).active
    assert sheet["A1"].data_type == "s"
    assert sheet["A1"].value == "=HYPERLINK(1)"
