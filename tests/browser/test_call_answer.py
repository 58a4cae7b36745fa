"""In a real browser: a partner department opens the city's open call for contributions
(征集), answers it with a new case from the call's "answer with a case" button, and the call's
page then shows the department as answered, with its case."""

import datetime

import pytest
from playwright.sync_api import expect

from apps.calls import services
from apps.calls.models import CallAnswer
from apps.cases.models import Case
from apps.organizations.models import Organization

from .steps import assert_chinese, sign_in

pytestmark = pytest.mark.browser

DEPARTMENT = "440600-fgj"
TOPIC = "营商环境改革典型案例征集"
TITLE = "项目审批“一网通办”改革"


def test_a_department_answers_the_citys_call_with_a_new_case(world, page, shot):
    call = services.call_create(
        user=world.user("muni_curator"),
        organization=Organization.objects.get(code="440600"),
        topic=TOPIC,
        kinds=["cases"],
        invited=[Organization.objects.get(code=DEPARTMENT)],
        due_on=services.local_today() + datetime.timedelta(days=14),
    )
    world.user("dept")

    sign_in(page, "dept")
    page.goto("/calls/")
    assert_chinese(page)
    with page.expect_navigation():
        page.locator("ol.call-cards a", has_text=TOPIC).click()
    row = page.locator(f"#invitee-{DEPARTMENT}")
    expect(row).to_have_attribute("data-state", "waiting")
    shot(page, "call-waiting")

    with page.expect_navigation():
        page.locator(".call-answer-links a").first.click()
    assert f"call={call.pk}" in page.url
    expect(page.locator("select[name=call]")).to_have_value(str(call.pk))
    form = page.locator("form.resource-form")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=background]").fill("发改局推动投资项目审批流程再造的经过。")
    form.locator("textarea[name=key_issues]").fill("部门协同；数据共享")
    form.locator("textarea[name=teaching_notes]").fill("适合政务服务专题班")
    form.locator("textarea[name=discussion_questions]").fill("如何打破部门壁垒？")
    form.locator("input[name=domains]").first.check()
    year = form.locator("input[name=year]")
    if year.count():
        year.fill("2024")
    shot(page, "case-form")
    with page.expect_navigation(timeout=60_000):  # the case's detail page (a busy machine)
        form.locator("button[type=submit]").click(timeout=60_000)
    case = Case.objects.get(title=TITLE)
    assert CallAnswer.objects.filter(call=call, library="cases", object_id=case.pk).exists()

    page.goto(f"/calls/{call.pk}/")
    row = page.locator(f"#invitee-{DEPARTMENT}")
    expect(row).to_have_attribute("data-state", "answered")
    expect(row.locator("a", has_text=TITLE)).to_be_visible()
    shot(page, "call-answered")
    assert page.js_errors == []
