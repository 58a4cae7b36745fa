"""A district curator works through the review queue: approves one at a scope, rejects one."""

import pytest
from playwright.sync_api import expect

from apps.cases.models import Case
from apps.courses.models import Course
from apps.sharing.choices import Scope, Status
from tests.factories import CaseFactory, CourseFactory

from .steps import assert_chinese, sign_in, zh

pytestmark = pytest.mark.browser


def test_district_curator_approves_and_rejects_in_the_review_queue(world, page, shot):
    teacher = world.user("tA_teacher")
    world.user("dA_curator")
    course = world.pending(CourseFactory, teacher, title="祖庙街道基层治理创新专题课")
    case = world.pending(CaseFactory, teacher, title="祖庙街道老旧小区改造案例")

    sign_in(page, "dA_curator")
    assert_chinese(page)
    page.locator("nav.main a[href='/review/']").click()
    expect(page.locator("h1")).to_have_text(zh("Review queue"))
    items = page.locator("li.review-item")
    expect(items).to_have_count(2)
    shot(page, "queue")

    # Approve the course at district scope.
    item = items.filter(has_text=course.title)
    expect(item).to_contain_text("禅城区祖庙街道党校")
    approve = item.locator("form[action$='/publish/']")
    approve.locator("select[name=scope]").select_option(Scope.DISTRICT)
    with page.expect_navigation():
        approve.locator("button[type=submit]").click()
    expect(page.locator(".messages .msg.success")).to_be_visible()
    expect(page.locator("h1")).to_have_text(course.title)
    expect(page.locator(".page-head .status")).to_have_text(zh(Status.PUBLISHED.label))
    course.refresh_from_db()
    assert (course.status, course.scope, course.audience.code) == (
        Status.PUBLISHED,
        Scope.DISTRICT,
        "440604",
    )
    shot(page, "approved")

    # Back in the queue, reject the case with a reason the author will read.
    page.locator("nav.main a[href='/review/']").click()
    expect(items).to_have_count(1)
    item = items.filter(has_text=case.title)
    reason = "请补充教学目标和讨论题。"
    reject = item.locator("form[action$='/reject/']")
    reject.locator("[name=reason]").fill(reason)
    with page.expect_navigation():
        reject.locator("button[type=submit]").click()
    expect(page.locator(".messages .msg.success")).to_be_visible()
    expect(items).to_have_count(0)
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.rejection_reason) == (Status.REJECTED, reason)
    assert Course.objects.get(pk=course.pk).status == Status.PUBLISHED
    shot(page, "rejected")

    assert page.js_errors == []
