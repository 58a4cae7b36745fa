"""The Content-Security-Policy in a real browser: the pages that run scripts still work.

The policy (``CONTENT_SECURITY_POLICY`` in platform/config/settings.py) allows scripts and
styles from this origin only, nothing inline. Chromium enforces it; the ``page`` fixture
(conftest.py) records every violation event and every "Refused to …" console line, and fails
any browser test that ends with one. Here the two pages with the most JavaScript: the
dashboard's ECharts charts (drawn, and a tooltip opened, which ECharts builds as HTML) and
Swagger UI at /api/docs/ (its operations listed, one opened; its start script runs with a
nonce its page's policy allows; the reader scrolls to the last).
"""

import re

import pytest
from playwright.sync_api import expect

from apps.courses.models import Course
from apps.sharing import services
from tests.factories import CaseFactory, CourseFactory, LecturerFactory, TeachingSiteFactory

from .steps import sign_in
from .test_dashboard import CHARTS, EXPECTED, PAINTED, held_class

pytestmark = pytest.mark.browser

HEADER = "content-security-policy"
COUNT_TOOLTIPS = """() => {
  window.tooltipsShown = [];
  document.querySelectorAll("[data-chart]").forEach((box) => {
    const chart = window.echarts.getInstanceByDom(box);
    if (chart) chart.on("showTip", () => window.tooltipsShown.push(box.dataset.chart));
  });
}"""


def assert_strict(policy: str | None, script_src: str = "'self'") -> None:
    assert policy, "no Content-Security-Policy header"
    directives = {
        name: value
        for name, _space, value in (part.strip().partition(" ") for part in policy.split(";"))
        if name
    }
    assert directives["default-src"] == "'self'"
    assert re.fullmatch(script_src, directives["script-src"]), directives["script-src"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_the_dashboard_charts_render_under_the_policy(world, page, live_server):
    world.user("muni_curator")
    teacher = world.user("tA_teacher")
    course = world.published(
        CourseFactory, title="制造业当家专题讲座", domains=["industrial-system"]
    )
    world.published(CourseFactory, title="科技金融的佛山探索", domains=["finance"])
    world.published(LecturerFactory, title="张教授", domains=["sci-tech"])
    world.published(CaseFactory, owner_code="440604", domains=["industrial-system"])
    world.published(TeachingSiteFactory, owner_code="440604010", domains=["industrial-system"])
    services.resource_reuse(Course, user=teacher, pk=course.pk, target_code="440604010")
    held_class()

    sign_in(page, "muni_curator")
    response = page.goto("/dashboard/")

    assert_strict(response.headers.get(HEADER))
    for name in EXPECTED:
        chart = page.locator(f"{CHARTS}[data-chart='{name}']")
        expect(chart, f"{name}: shown").to_be_visible()
        expect(chart, f"{name}: initialised").to_have_attribute(
            "_echarts_instance_", re.compile(".")
        )
    page.wait_for_function(PAINTED, arg=[f"{CHARTS}[data-chart='{n}']" for n in EXPECTED])

    # Tooltips: ECharts' default HTML tooltips carry style attributes, which the policy
    # blocks; dashboard.js draws them on the canvas instead. Hover until one shows.
    page.evaluate(COUNT_TOOLTIPS)
    chart = page.locator(f"{CHARTS}[data-chart='chart-libraries']")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    for x in (0.3, 0.5, 0.7):
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * 0.6)
        page.wait_for_timeout(300)
    assert "chart-libraries" in page.evaluate("window.tooltipsShown"), "no tooltip on hover"

    assert page.js_errors == []
    assert page.csp_violations == []


def scroll_to(page, path: str, method: str = "get") -> None:
    """Scroll Swagger UI until the operation shows. With a hundred-odd operations, Swagger UI
    draws only those near the viewport (``.operations-virtual``), as a reader scrolls."""
    summary = page.locator(f".opblock-{method} .opblock-summary-path[data-path='{path}']")
    for _ in range(200):
        if summary.count():
            break
        page.mouse.wheel(0, 1500)
        page.wait_for_timeout(50)
    expect(summary.first).to_be_visible()


def test_the_api_docs_render_their_operations_under_the_policy(world, page):
    world.user("tA_teacher")
    sign_in(page, "tA_teacher")

    response = page.goto("/api/docs/")

    # The start script runs with this answer's nonce (apps/api/docs.py), nothing else inline.
    assert_strict(response.headers.get(HEADER), script_src=r"'self' 'nonce-[A-Za-z0-9+/=]+'")
    expect(page.locator(".opblock").first).to_be_visible(timeout=60_000)
    # Every operation is reachable: the list is drawn as the reader scrolls, to the last.
    page.mouse.move(400, 400)
    scroll_to(page, "/api/v1/courses/")
    scroll_to(page, "/api/v1/webhooks/{id}/deliveries/")
    # Open one: its parameters and responses render too.
    page.mouse.wheel(0, -100_000)
    scroll_to(page, "/api/v1/courses/")
    page.locator(".opblock-get .opblock-summary", has_text="/api/v1/courses/").first.click()
    expect(page.locator(".opblock.is-open .parameters").first).to_be_visible()
    expect(page.locator(".opblock.is-open .responses-table").first).to_be_visible()

    assert page.js_errors == []
    assert page.csp_violations == []
