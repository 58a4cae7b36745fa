"""In a real browser: the municipal curator assesses and admits a partner department's site
from the review queue, where publishing stays disabled (saying why) until the site is
admitted, then publishes it; the department then sees it published."""

import pytest
from playwright.sync_api import expect

from apps.teaching_sites.models import Lifecycle, LifecycleEvent, TeachingSite
from tests.factories import TeachingSiteFactory

from .steps import assert_chinese, sign_in, zh

pytestmark = pytest.mark.browser

DEPARTMENT = "440600-fgj"
TITLE = "美的集团灯塔工厂"


def move_from_the_queue(page, site, to, reason):
    item = page.locator("li.review-item", has_text=TITLE)
    form = item.locator(f"form#lifecycle-form-{site.pk}")
    form.locator("select[name=to]").select_option(to)
    form.locator("textarea[name=reason]").fill(reason)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url.endswith("/review/"), page.url


def test_city_curator_assesses_admits_and_publishes_a_department_site(world, page, shot):
    site = TeachingSiteFactory(
        owner_code=DEPARTMENT,
        author=world.user("dept"),
        status="pending",
        scope="network",
        lifecycle=Lifecycle.CANDIDATE,
        title=TITLE,
    )
    world.user("muni_curator")

    sign_in(page, "muni_curator")
    page.goto("/review/")
    assert_chinese(page)
    item = page.locator("li.review-item", has_text=TITLE)
    publish = item.locator("button", has_text=zh("Approve and publish"))
    expect(publish).to_be_disabled()
    expect(item.locator(".publish-blocked")).to_contain_text(
        zh("Only admitted sites can be shared beyond their owner.")
    )
    shot(page, "waiting")

    move_from_the_queue(page, site, Lifecycle.ASSESSING.value, "组织实地考察。")
    expect(page.locator(".messages .msg.success")).to_be_visible()
    expect(publish).to_be_disabled()
    move_from_the_queue(page, site, Lifecycle.ADMITTED.value, "考察合格，纳入。")
    expect(publish).to_be_enabled()
    expect(item.locator(".publish-blocked")).to_have_count(0)
    shot(page, "admitted")

    with page.expect_navigation():
        publish.click()
    stored = TeachingSite.objects.get(pk=site.pk)
    assert (stored.status, stored.scope, stored.lifecycle) == ("published", "network", "admitted")
    assert list(
        LifecycleEvent.objects.filter(site=site).order_by("id").values_list("to_state", flat=True)
    ) == [Lifecycle.ASSESSING, Lifecycle.ADMITTED]
    expect(page.locator("li.review-item", has_text=TITLE)).to_have_count(0)
    shot(page, "published")
    assert page.js_errors == []
