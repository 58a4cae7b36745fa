"""A district curator builds a two-day class from library courses, meets a lecturer clash,
resolves it, and opens the printable timetable (课表)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.classes import services
from apps.classes.models import Session, TrainingClass
from apps.organizations.models import Organization
from tests.factories import CourseFactory, LecturerFactory, TrainingClassFactory

from .steps import assert_chinese, sign_in, zh

pytestmark = pytest.mark.browser

DISTRICT = "440604"  # 禅城区委党校, dA_curator's school
TOWN = "440604010"  # 禅城区祖庙街道党校, a town below it


def at(day, hhmm: str):
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=timezone.get_current_timezone())


def test_district_curator_builds_a_two_day_timetable_and_prints_it(world, page, shot):
    world.user("dA_curator")
    first_day = timezone.localdate() + timedelta(days=30)
    second_day = first_day + timedelta(days=1)
    park = world.published(CourseFactory, title="村级工业园区改造提升的佛山实践")
    finance = world.published(CourseFactory, title="制造业当家的金融支撑")
    wang = world.published(LecturerFactory, title="王建国")
    li = world.published(LecturerFactory, title="李晓梅")
    # Beforehand: 李晓梅 already teaches a town's class on the second afternoon, 14:00–16:00.
    town_class = TrainingClassFactory(
        host_code=TOWN, title="祖庙街道村居干部培训班", start_date=first_day
    )
    services.session_add(
        user=world.user("tA_teacher"),
        class_pk=town_class.pk,
        data=services.SessionInput(
            starts_at=at(second_day, "14:00"),
            ends_at=at(second_day, "16:00"),
            course=park.pk,
            lecturers=[li.pk],
        ),
    )

    # Sign in, open the classes from the navigation, start a new class.
    sign_in(page, "dA_curator")
    assert_chinese(page)
    page.locator("nav.main").get_by_role("link", name=zh("Training classes (班次)")).click()
    expect(page.locator("h1")).to_have_text(zh("Training classes (班次)"))
    expect(page.locator("ol.cards")).to_contain_text(town_class.title)  # a town below hers
    page.get_by_role("link", name=zh("New class")).click()

    form = page.locator("form.class-form")
    expect(form.locator("select[name=host] option:checked")).to_have_text(
        Organization.objects.get(code=DISTRICT).name
    )
    form.locator("input[name=title]").fill("制造业当家专题研讨班")
    form.locator("select[name=class_type]").select_option("seminar")
    form.locator("input[name=start_date]").fill(first_day.isoformat())
    form.locator("input[name=end_date]").fill(second_day.isoformat())
    form.locator("input[name=trainee_count]").fill("45")
    form.locator("input[name=venue]").fill("禅城区委党校报告厅")
    shot(page, "class-form")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    created = TrainingClass.objects.get(title="制造业当家专题研讨班")
    assert (created.host.code, created.status, created.end_date) == (
        DISTRICT,
        "planned",
        second_day,
    )
    assert page.url.endswith(f"/classes/{created.pk}/")
    expect(page.locator("h1")).to_have_text("制造业当家专题研讨班")
    expect(page.locator(".timetable-day")).to_have_count(2)

    # The first morning: the park course with 王建国.
    add = page.locator("form#add-session")
    add.locator("select[name=day]").select_option(first_day.isoformat())
    add.locator("input[name=start]").fill("09:00")
    add.locator("input[name=end]").fill("11:30")
    add.locator("select[name=course]").select_option(str(park.pk))
    add.locator("select[name=lecturers]").select_option([str(wang.pk)])
    add.locator("input[name=note]").fill("开班式后")
    with page.expect_navigation():
        add.locator("button[type=submit]").click()
    expect(page.locator(".messages .msg.success")).to_be_visible()
    day_one = page.locator(f".timetable-day[data-day='{first_day.isoformat()}']")
    expect(day_one.locator("tr.session")).to_have_count(1)
    expect(day_one.locator("tr.session")).to_contain_text("09:00–11:30")
    expect(day_one.locator("tr.session td.course a")).to_have_attribute(
        "href", f"/library/courses/{park.pk}/"
    )

    # The second afternoon with 李晓梅, who is already teaching the town's class then.
    add = page.locator("form#add-session")
    add.locator("select[name=day]").select_option(second_day.isoformat())
    add.locator("input[name=start]").fill("14:30")
    add.locator("input[name=end]").fill("16:30")
    add.locator("select[name=course]").select_option(str(finance.pk))
    add.locator("select[name=lecturers]").select_option([str(li.pk)])
    add.locator("input[name=note]").fill("研讨交流")
    with page.expect_navigation():
        add.locator("button[type=submit]").click()
    error = page.locator("form#add-session #lecturers-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("李晓梅")
    expect(error).to_contain_text(town_class.title)  # she may see it: it is named…
    expect(error).to_contain_text("14:00")  # …with the time it is booked
    expect(page.locator("form#add-session .clash-link a")).to_have_attribute(
        "href", f"/classes/{town_class.pk}/#session-{town_class.sessions.get().pk}"
    )
    # Nothing was created, and the input is kept.
    assert Session.objects.filter(training_class=created).count() == 1
    add = page.locator("form#add-session")
    expect(add.locator("select[name=day]")).to_have_value(second_day.isoformat())
    expect(add.locator("input[name=start]")).to_have_value("14:30")
    expect(add.locator("select[name=course]")).to_have_value(str(finance.pk))
    expect(add.locator("input[name=note]")).to_have_value("研讨交流")
    shot(page, "lecturer-clash")

    # Resolved by another time: after the town's session ends (back to back is no clash).
    add.locator("input[name=start]").fill("16:00")
    add.locator("input[name=end]").fill("17:30")
    with page.expect_navigation():
        add.locator("button[type=submit]").click()
    expect(page.locator(".messages .msg.success")).to_be_visible()
    day_two = page.locator(f".timetable-day[data-day='{second_day.isoformat()}']")
    expect(day_two.locator("tr.session")).to_have_count(1)
    expect(day_two.locator("tr.session")).to_contain_text("16:00–17:30")
    expect(day_two.locator("tr.session td.lecturers")).to_have_text("李晓梅")
    assert Session.objects.filter(training_class=created).count() == 2

    # One more on the second morning, with both lecturers.
    add = page.locator("form#add-session")
    add.locator("select[name=day]").select_option(second_day.isoformat())
    add.locator("input[name=start]").fill("09:00")
    add.locator("input[name=end]").fill("11:00")
    add.locator("select[name=course]").select_option(str(finance.pk))
    add.locator("select[name=lecturers]").select_option([str(wang.pk), str(li.pk)])
    with page.expect_navigation():
        add.locator("button[type=submit]").click()
    expect(day_two.locator("tr.session")).to_have_count(2)
    expect(day_two.locator("tr.session").first).to_contain_text("09:00–11:00")
    shot(page, "timetable")

    # The printable timetable: the class's facts and its sessions, without the site's frame
    # on paper.
    page.get_by_role("link", name=zh("Printable timetable")).click()
    assert page.url.endswith(f"/classes/{created.pk}/print/")
    head = page.locator(".print-head")
    expect(head.locator("h1")).to_contain_text("制造业当家专题研讨班")
    expect(head).to_contain_text(Organization.objects.get(code=DISTRICT).name)
    expect(head).to_contain_text("禅城区委党校报告厅")
    expect(head).to_contain_text("45")
    rows = page.locator("table.print-timetable tbody.print-day tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("09:00–11:30")
    expect(rows.nth(0)).to_contain_text(park.title)
    expect(rows.nth(0)).to_contain_text("王建国")
    expect(rows.nth(1)).to_contain_text("李晓梅、王建国")  # as the form sent them
    expect(rows.nth(2)).to_contain_text("16:00–17:30")
    expect(page.locator("header.top")).to_be_visible()
    shot(page, "print-screen")
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator(".print-tools")).to_be_hidden()
    expect(page.locator("table.print-timetable")).to_be_visible()
    shot(page, "print-paper")
    page.emulate_media(media="screen")

    assert page.js_errors == []
