"""A town teacher sees that the source of their copy was updated, opens the diff, takes one
field and keeps their own edit in another."""

import pytest
from playwright.sync_api import expect

from apps.courses.models import Course
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from tests.factories import CourseFactory

from .steps import assert_chinese, sign_in

pytestmark = pytest.mark.browser

TOWN = "440604010"  # 禅城区祖庙街道党校, tA_teacher's school


def test_town_teacher_takes_one_field_and_keeps_a_local_edit(world, page, shot):
    teacher = world.user("tA_teacher")
    curator = world.user("muni_curator")
    draft = CourseFactory(
        owner_code="440600",
        author=world.user("muni_teacher"),
        status=Status.DRAFT,
        title="村级工业园区改造提升的佛山实践",
        summary="以园区改造带动产业升级。",
        outline="一、改造背景\n二、主要做法",
    )
    source = services.resource_publish(Course, user=curator, pk=draft.pk, scope=Scope.NETWORK)
    copy = services.resource_reuse(Course, user=teacher, pk=source.pk, target_code=TOWN)
    copy = services.resource_update(
        Course, user=teacher, pk=copy.pk, data={"summary": "结合祖庙街道实际改写的简介。"}
    )
    source = services.resource_update(
        Course,
        user=curator,
        pk=source.pk,
        data={"outline": "一、改造背景\n二、主要做法\n三、成效与启示"},
    )

    # The copy's page says its source was updated, with the two versions.
    sign_in(page, "tA_teacher")
    assert_chinese(page)
    page.goto(f"/library/courses/{copy.pk}/")
    notice = page.locator(".source-notice")
    expect(notice).to_contain_text(f"来源已更新 (版本 {copy.source_version} → {source.version})")
    shot(page, "notice")

    # The diff: three columns per field, the source's change pre-ticked, the local edit not.
    notice.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("对比本单位副本与来源")
    outline = page.locator("tr[data-field=outline]")
    summary = page.locator("tr[data-field=summary]")
    expect(outline.locator("ins")).to_contain_text("三、成效与启示")
    expect(outline.locator("input[name=accept]")).to_be_checked()
    expect(summary).to_contain_text("本单位有修改")
    expect(summary.locator("td.value ins").first).to_contain_text("结合祖庙街道实际")
    expect(summary.locator("input[name=accept]")).to_have_count(0)
    shot(page, "diff")

    # Take the ticked field.
    with page.expect_navigation():
        page.get_by_role("button", name="采纳勾选的字段").click()
    expect(page.locator(".msg").first).to_contain_text("已完成")
    expect(page.locator(".source-notice")).to_have_count(0)
    shot(page, "taken")

    row = Course.objects.get(pk=copy.pk)
    assert row.outline == "一、改造背景\n二、主要做法\n三、成效与启示"
    assert row.summary == "结合祖庙街道实际改写的简介。"
    assert row.source_version == source.version
