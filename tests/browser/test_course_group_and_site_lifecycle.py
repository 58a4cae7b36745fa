"""In a real browser, without JavaScript of our own: a town teacher builds a course's "1+N"
teaching group on the course's page form (a refused save keeps what was typed), and a town
curator moves an on-site teaching site along its lifecycle from its detail page."""

import pytest
from playwright.sync_api import expect

from apps.courses.models import GroupRole, TeachingGroupMember
from apps.faculty.models import Lecturer
from apps.teaching_sites.models import Lifecycle, LifecycleEvent, TeachingSite
from tests.factories import CourseFactory, LecturerFactory, TeachingSiteFactory

from .steps import assert_chinese, sign_in, zh

pytestmark = pytest.mark.browser

TOWN = "440604010"  # 禅城区祖庙街道党校


def test_town_teacher_builds_the_teaching_group_on_the_course_form(world, page, shot):
    teacher = world.user("tA_teacher")
    expert = world.published(LecturerFactory, title="陈教授", employer="中山大学")
    official = world.published(LecturerFactory, title="李局长", employer="市工信局")
    course = CourseFactory(owner_code=TOWN, author=teacher, title="村级工业园改造专题")

    sign_in(page, "tA_teacher")
    page.goto(f"/library/courses/{course.pk}/edit/")
    assert_chinese(page)
    group = page.locator("fieldset#teaching-group")
    expect(group.locator("legend")).to_have_text(zh("Joint teaching group (1+N)"))

    # Two empty rows: the lead expert and an official.
    group.locator("select[name='group-0-lecturer']").select_option(str(expert.pk))
    group.locator("select[name='group-0-role']").select_option(GroupRole.LEAD_EXPERT.value)
    group.locator("input[name='group-0-duty']").fill("产业理论")
    group.locator("select[name='group-1-lecturer']").select_option(str(official.pk))
    group.locator("select[name='group-1-role']").select_option(GroupRole.LEAD_EXPERT.value)
    group.locator("input[name='group-1-duty']").fill("政策解读")
    shot(page, "two-leads")
    with page.expect_navigation():
        page.locator("form.resource-form button[type=submit]").click()

    # Refused: two lead experts. The message sits by the group and what was typed is kept.
    expect(group.locator(".msg.error")).to_contain_text(zh("A group has one lead outside expert."))
    expect(group.locator("input[name='group-1-duty']")).to_have_value("政策解读")
    expect(group.locator("select[name='group-1-lecturer']")).to_have_value(str(official.pk))
    assert not TeachingGroupMember.objects.filter(course=course).exists()
    shot(page, "refused")

    # Make the official an official, and save.
    group.locator("select[name='group-1-role']").select_option(GroupRole.OFFICIAL.value)
    with page.expect_navigation():
        page.locator("form.resource-form button[type=submit]").click()
    expect(page.locator(".messages .msg.success")).to_be_visible()
    expect(page.locator("h1")).to_have_text(course.title)
    table = page.locator("section", has_text=zh("Joint teaching group (1+N)")).locator("table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text("陈教授")
    expect(table.locator("tbody tr").nth(1)).to_contain_text(str(GroupRole.OFFICIAL.label))
    assert [
        (m.lecturer_id, m.role, m.duty)
        for m in TeachingGroupMember.objects.filter(course=course).order_by("position")
    ] == [
        (expert.pk, GroupRole.LEAD_EXPERT, "产业理论"),
        (official.pk, GroupRole.OFFICIAL, "政策解读"),
    ]
    assert Lecturer.objects.count() == 2
    shot(page, "saved")
    assert page.js_errors == []


def test_town_curator_moves_a_site_along_its_lifecycle_from_its_page(world, page, shot):
    curator = world.user("tA_curator")
    site = TeachingSiteFactory(
        owner_code=TOWN, author=curator, title="祖庙产业园", lifecycle=Lifecycle.CANDIDATE
    )

    sign_in(page, "tA_curator")
    page.goto(f"/library/sites/{site.pk}/")
    form = page.locator("form#lifecycle-form")
    options = form.locator("select[name=to] option")
    expect(options).to_have_count(2)  # candidate → assessing or retired, nothing else

    # No reason: refused beside the form, the chosen date kept.
    form.locator("select[name=to]").select_option(Lifecycle.ASSESSING.value)
    form.locator("input[name=effective_on]").fill("2026-11-01")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    form = page.locator("form#lifecycle-form")
    expect(form.locator("#id_reason-error")).to_be_visible()
    expect(form.locator("input[name=effective_on]")).to_have_value("2026-11-01")
    assert TeachingSite.objects.get(pk=site.pk).lifecycle == Lifecycle.CANDIDATE
    shot(page, "no-reason")

    form.locator("textarea[name=reason]").fill("园区已具备接待条件，开始评估。")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".messages .msg.success")).to_be_visible()
    expect(page.locator("dl.facts .status")).to_have_text(zh(Lifecycle.ASSESSING.label))
    event = LifecycleEvent.objects.get(site=site)
    assert (event.to_state, event.reason, str(event.effective_on)) == (
        Lifecycle.ASSESSING,
        "园区已具备接待条件，开始评估。",
        "2026-11-01",
    )
    # Now assessing: admitted, back to candidate, or retired.
    expect(page.locator("form#lifecycle-form select[name=to] option")).to_have_count(3)
    shot(page, "moved")
    assert page.js_errors == []
