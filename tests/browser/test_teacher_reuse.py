"""A town teacher finds a municipal course by facet and a Chinese search, and reuses it."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from apps.courses.models import Course
from apps.sharing.choices import Status
from tests.factories import CourseFactory

from .steps import assert_chinese, sign_in, zh

pytestmark = pytest.mark.browser

TOWN = "440604010"  # 禅城区祖庙街道党校, tA_teacher's school


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_town_teacher_finds_and_reuses_a_course(world, page, shot):
    world.user("tA_teacher")
    wanted = world.published(
        CourseFactory,
        title="村级工业园区改造提升的佛山实践",
        summary="以园区改造带动产业升级。",
        domains=["industrial-system"],
    )
    world.published(  # the word matches, the domain does not
        CourseFactory, title="园区企业的金融服务创新", domains=["finance"]
    )
    world.published(  # the domain matches, the word does not
        CourseFactory, title="先进制造业集群发展路径", domains=["industrial-system"]
    )

    # Sign in and open the course library from the top navigation.
    sign_in(page, "tA_teacher")
    assert_chinese(page)
    shot(page, "home")
    page.locator("nav.main").get_by_role("link", name=zh("Course library")).click()
    expect(page.locator("h1")).to_have_text(zh("Course library"))
    cards = page.locator("ol.cards li.card")
    expect(cards).to_have_count(3)

    # Pick a facet: the thematic domain 建设现代化产业体系.
    page.locator("aside.facets a.facet", has_text="建设现代化产业体系").click()
    expect(cards).to_have_count(2)
    assert query(page)["domain"] == ["industrial-system"]
    expect(page.locator("aside.facets a.facet.on")).to_have_text("建设现代化产业体系")

    # Search in Chinese within the facet.
    search = page.locator("form.search input[name=q]")
    search.fill("园区")
    with page.expect_navigation():
        search.press("Enter")
    assert query(page) == {"domain": ["industrial-system"], "q": ["园区"]}
    expect(search).to_have_value("园区")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(wanted.title)
    shot(page, "facet-and-search")

    # Open the result and reuse it into the teacher's own school.
    cards.first.get_by_role("link", name=wanted.title).click()
    expect(page.locator("h1")).to_have_text(wanted.title)
    assert page.url.endswith(f"/library/courses/{wanted.pk}/")
    reuse = page.locator("form[action$='/reuse/']")
    expect(reuse.locator("select[name=owner] option:checked")).to_have_text("禅城区祖庙街道党校")
    shot(page, "detail")
    with page.expect_navigation():
        reuse.locator("button[type=submit]").click()

    copy = Course.objects.get(source=wanted)
    assert (copy.owner.code, copy.status, copy.author.username) == (
        TOWN,
        Status.DRAFT,
        "tA_teacher",
    )
    assert page.url.endswith(f"/library/courses/{copy.pk}/")
    expect(page.locator(".messages .msg.success")).to_be_visible()
    expect(page.locator(".page-head .status")).to_have_text(zh(Status.DRAFT.label))
    expect(page.locator(".provenance a")).to_have_attribute(
        "href", f"/library/courses/{wanted.pk}/"
    )
    shot(page, "reused-copy")

    # The copy is among the school's drafts: on the home page...
    page.locator("header a.brand").click()
    drafts = page.locator(
        f"xpath=//h2[normalize-space()='{zh('Your drafts and submissions')}']"
        "/following-sibling::ul[1]"
    )
    expect(drafts.get_by_role("link", name=copy.title)).to_have_attribute(
        "href", f"/library/courses/{copy.pk}/"
    )
    expect(drafts).to_contain_text(zh(Status.DRAFT.label))
    shot(page, "home-drafts")

    # ...and in the library filtered to drafts (the status facet).
    page.locator("nav.main").get_by_role("link", name=zh("Course library")).click()
    page.locator("aside.facets a.facet", has_text=re.compile(f"^{zh(Status.DRAFT.label)}$")).click()
    assert query(page) == {"status": ["draft"]}
    expect(cards).to_have_count(1)
    expect(cards.first.get_by_role("link", name=copy.title)).to_be_visible()
    expect(cards.first).to_contain_text("禅城区祖庙街道党校")
    shot(page, "library-drafts")

    assert page.js_errors == []
