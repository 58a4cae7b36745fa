"""向上推荐: a district curator recommends a town's course to the city; the municipal curator
publishes it city-wide from the review queue; the course then shows both credits."""

import pytest
from playwright.sync_api import expect

from apps.courses.models import Course
from apps.sharing.choices import Scope, Status
from tests.factories import CourseFactory

from .steps import assert_chinese, sign_in

pytestmark = pytest.mark.browser

NOTE = "区内 6 所镇街党校已复用，学员评价 4.8 分，建议全市共享。"


def test_a_district_recommends_a_town_course_and_the_city_publishes_it(world, page, shot):
    world.user("dA_curator")
    world.user("muni_curator")
    world.user("tB_teacher")
    course = world.published(
        CourseFactory, owner_code="440604010", scope=Scope.DISTRICT, title="老城区改造中的群众工作"
    )

    # The district's curator recommends it from the course's page, with a note.
    sign_in(page, "dA_curator")
    assert_chinese(page)
    page.goto(f"/library/courses/{course.pk}/")
    recommend = page.locator("form[action$='/recommend/']")
    expect(recommend).to_be_visible()
    recommend.locator("[name=note]").fill(NOTE)
    shot(page, "recommend-form")
    with page.expect_navigation():
        recommend.locator("button[type=submit]").click()
    expect(page.locator(".messages .msg.success")).to_be_visible()
    expect(page.locator("p.credits")).to_contain_text("禅城区委党校")
    expect(page.locator("form[action$='/recommend/']")).to_have_count(0)
    course.refresh_from_db()
    assert (course.status, course.scope, course.recommended_by.code) == (
        Status.PUBLISHED,
        Scope.DISTRICT,
        "440604",
    )

    # The municipal curator finds it in the review queue, marked as a recommendation.
    sign_in(page, "muni_curator")
    page.locator("nav.main a[href='/review/']").click()
    item = page.locator("li.review-item.recommendation").filter(has_text=course.title)
    expect(item).to_have_count(1)
    expect(item).to_contain_text(NOTE)
    expect(item).to_contain_text("禅城区委党校")
    expect(item.locator("form[action$='/decline_recommendation/']")).to_be_visible()
    shot(page, "queue")
    approve = item.locator("form[action$='/publish/']")
    expect(approve.locator("select[name=scope]")).to_have_value(Scope.NETWORK)
    with page.expect_navigation():
        approve.locator("button[type=submit]").click()
    expect(page.locator(".messages .msg.success")).to_be_visible()
    course = Course.objects.get(pk=course.pk)
    assert (course.status, course.scope, course.recommended_by.code) == (
        Status.PUBLISHED,
        Scope.NETWORK,
        "440604",
    )

    # A teacher in another district now sees it, with both credits.
    sign_in(page, "tB_teacher")
    page.goto(f"/library/courses/{course.pk}/")
    both = page.locator("p.credits")
    expect(both).to_contain_text("禅城区祖庙街道党校")
    expect(both).to_contain_text("中共佛山市禅城区委党校")
    shot(page, "both-credits")
    page.goto("/library/courses/")
    card = page.locator("li").filter(has_text=course.title)
    expect(card.locator(".badge.recommended")).to_be_visible()

    assert page.js_errors == []
