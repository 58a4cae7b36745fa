"""In a real browser: a class's teacher prints the evaluation cards, a trainee (no account)
types a card's code, rates yesterday's session, and the course's library page shows the
rating to a member of the course's school."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.classes import services
from apps.classes.models import Evaluation, EvaluationCode
from apps.classes.services import SessionInput
from apps.sharing.choices import Scope
from tests.factories import CourseFactory, LecturerFactory, TrainingClassFactory, slot

from .steps import assert_chinese, sign_in, zh

pytestmark = pytest.mark.browser

TOWN = "440604010"  # 禅城区祖庙街道党校


def test_a_trainee_rates_a_session_and_the_course_page_shows_it(world, context, page, shot):
    teacher = world.user("tA_teacher")
    world.user("tA_curator")
    course = world.published(
        CourseFactory, owner_code=TOWN, scope=Scope.DISTRICT, title="村级工业园改造实务"
    )
    lecturer = world.published(LecturerFactory, title="陈教授")
    today = timezone.localdate()
    cls = TrainingClassFactory(
        host_code=TOWN,
        title="祖庙街道制造业当家专题班",
        start_date=today - timedelta(days=1),
        end_date=today,
    )
    begin, finish = slot(cls, 0, "09:00", "11:00")
    session = services.session_add(
        user=teacher,
        class_pk=cls.pk,
        data=SessionInput(begin, finish, course.pk, [lecturer.pk]),
    )

    # The class's teacher issues three codes and sees the printable cards.
    sign_in(page, "tA_teacher")
    page.goto(f"/classes/{cls.pk}/codes/")
    assert_chinese(page)
    page.locator("input[name=count]").fill("3")
    with page.expect_navigation():
        page.locator("form.issue-codes button[type=submit]").click()
    cards = page.locator("li.code-card")
    expect(cards).to_have_count(3)
    expect(cards.first.locator("svg.qr")).to_be_visible()
    code = cards.first.locator(".card-code").inner_text().strip()
    assert EvaluationCode.objects.filter(training_class=cls, code=code).exists()
    shot(page, "cards")

    # A trainee, not signed in, opens /evaluate/ and types the code (lower case, with a space).
    context.clear_cookies()
    page.goto("/evaluate/")
    expect(page.locator(".anonymous")).to_be_visible()
    page.get_by_label(zh("Evaluation code (评教码)")).fill(f"{code[:4].lower()} {code[4:]}")
    with page.expect_navigation():
        page.locator("form.enter-code button[type=submit]").click()
    assert page.url.endswith(f"/evaluate/{code}/")
    expect(page.locator("h1")).to_have_text(cls.title)
    item = page.locator(f"li#s{session.pk}")
    expect(item.locator("h2")).to_have_text(course.title)
    expect(item).to_contain_text("陈教授")
    shot(page, "to-rate")

    # Rates it: content 5, delivery 4, a comment; the radio buttons are found by their labels.
    content = item.get_by_role("group", name=re.compile(re.escape(zh("Content (内容)"))))
    delivery = item.get_by_role("group", name=re.compile(re.escape(zh("Delivery (讲授)"))))
    content.get_by_label(zh("%(n)s of 5") % {"n": 5}, exact=True).check()
    delivery.get_by_label(zh("%(n)s of 5") % {"n": 4}, exact=True).check()
    item.get_by_label(zh("Comment (optional)")).fill("案例贴近镇街实际")
    with page.expect_navigation():
        item.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(zh("Thank you: your answer is recorded."))
    expect(page.locator(f"li#s{session.pk} .done")).to_have_text(zh("Answered. Thank you."))
    expect(page.locator(f"li#s{session.pk} form")).to_have_count(0)
    answer = Evaluation.objects.get()
    assert (answer.session_id, answer.content, answer.delivery) == (session.pk, 5, 4)
    shot(page, "answered")

    # A curator of the course's school sees the rating and the comment on the course's page.
    sign_in(page, "tA_curator")
    page.goto(f"/library/courses/{course.pk}/")
    taught = page.locator("section.taught")
    expect(taught.locator("h2").first).to_have_text(zh("Taught in classes"))
    expect(taught.locator(".ratings")).to_contain_text("5.00")
    expect(taught.locator(".ratings")).to_contain_text("4.00")
    expect(taught.locator("table.taught-sessions tbody tr")).to_have_count(1)
    expect(taught.locator("table.taught-sessions")).to_contain_text(cls.title)
    expect(taught.locator(".comments")).to_contain_text("案例贴近镇街实际")
    shot(page, "course-page")
