"""A municipal curator opens the network dashboard and its ECharts charts draw."""

import re

import pytest
from playwright.sync_api import expect

from apps.courses.models import Course
from apps.sharing import services
from tests.factories import CaseFactory, CourseFactory, LecturerFactory, TeachingSiteFactory

from .steps import assert_chinese, sign_in, zh

pytestmark = pytest.mark.browser

# Chart boxes (dashboard/_chart.html): hidden until dashboard.js has data to draw in them.
CHARTS = "div.chart[data-chart]"
EXPECTED = [
    "chart-libraries",
    "chart-tiers",
    "chart-domains",
    "chart-gaps",
    "chart-flows",
    "chart-classes",
]


def held_class():
    """A specialised manufacturing-first class held this week: the classes gauge has a value."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.classes.models import ClassTheme
    from tests.factories import TrainingClassFactory

    day = timezone.localdate() - timedelta(days=3)
    return TrainingClassFactory(
        start_date=day,
        end_date=day,
        status="finished",
        theme=ClassTheme.objects.get(code="manufacturing-first"),
    )


def test_curator_sees_the_dashboard_charts_render(world, page, shot):
    world.user("muni_curator")
    teacher = world.user("tA_teacher")
    # Enough for every chart to have data: all four libraries, three tiers, two domains,
    # reuses (the flow chart) and a class held (the manufacturing gauge).
    city = [
        world.published(CourseFactory, title="制造业当家专题讲座", domains=["industrial-system"]),
        world.published(CourseFactory, title="科技金融的佛山探索", domains=["finance"]),
    ]
    world.published(LecturerFactory, title="张教授", domains=["sci-tech"])
    world.published(CaseFactory, owner_code="440604", domains=["industrial-system"])
    world.published(TeachingSiteFactory, owner_code="440604010", domains=["industrial-system"])
    for course in city:
        services.resource_reuse(Course, user=teacher, pk=course.pk, target_code="440604010")
    held_class()

    sign_in(page, "muni_curator")
    page.locator("nav.main").get_by_role("link", name=zh("Network dashboard")).click()
    assert page.url.endswith("/dashboard/")
    assert_chinese(page)
    expect(page.locator("h1")).to_contain_text("中共佛山市委党校")

    boxes = page.locator(CHARTS)
    expect(boxes.first).to_be_attached()
    names = [boxes.nth(i).get_attribute("data-chart") for i in range(boxes.count())]
    assert set(EXPECTED) <= set(names), f"chart boxes on the page: {names}"
    for name in EXPECTED:
        chart = page.locator(f"{CHARTS}[data-chart='{name}']")
        expect(chart, f"{name}: shown").to_be_visible()
        expect(chart, f"{name}: initialised by ECharts").to_have_attribute(
            "_echarts_instance_", re.compile(".")
        )
        expect(chart.locator("canvas, svg").first, f"{name}: drawn").to_be_visible()
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 150, f"{name}: too small: {box}"
    # Drawn, not just created: every chart's canvas has painted pixels.
    page.wait_for_function(PAINTED, arg=[f"{CHARTS}[data-chart='{n}']" for n in EXPECTED])
    page.wait_for_timeout(1000)  # let ECharts' entry animation finish for the screenshots
    shot(page, "first-screen", full_page=False)
    shot(page, "whole-page")
    assert page.js_errors == []


PAINTED = """selectors => selectors.map(s => document.querySelector(s)).every(box => {
  const canvas = box.querySelector("canvas");
  if (!canvas) return box.querySelector("svg *") !== null;
  const { width, height } = canvas;
  const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  for (let i = 3; i < pixels.length; i += 4 * 97) if (pixels[i] !== 0) return true;
  return false;
})"""
