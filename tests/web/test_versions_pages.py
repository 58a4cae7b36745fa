"""The pages of published versions and of keeping a copy in step with its source.

The same rule as the API (``services.resource_sync``): who may edit the copy takes or
declines, a refusal changes nothing and stays on the page, nobody reads a version or a diff
of what they may not see.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.courses.models import Course
from apps.sharing import services
from apps.sharing.choices import Scope
from apps.web.versions import marked
from tests.conftest import ORG
from tests.factories import CourseFactory
from tests.sharing.versions_setup import behind_copy, edit, published_source, town_copy

pytestmark = pytest.mark.django_db


def page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, response.content[:300]
    return response.content.decode()


def state(copy):
    row = Course.objects.get(pk=copy.pk)
    return (row.version, row.source_version, row.source_declined_version, row.summary, row.outline)


def test_the_copy_page_shows_the_notice_with_a_link_to_the_diff(persona, browser):
    source, copy = behind_copy(persona)
    html = page(browser("tA_teacher"), f"/library/courses/{copy.pk}/")
    assert f"来源已更新 (版本 {copy.source_version} → {source.version})" in html
    assert f"/library/courses/{copy.pk}/source-diff/" in html


def test_an_up_to_date_copy_shows_no_notice(persona, browser):
    source = published_source(persona)
    copy = town_copy(persona, source)
    html = page(browser("tA_teacher"), f"/library/courses/{copy.pk}/")
    assert "来源已更新" not in html


def test_a_withdrawn_source_is_told_and_the_copy_keeps_working(persona, browser):
    source, copy = behind_copy(persona)
    services.resource_withdraw(Course, user=persona("muni_curator"), pk=source.pk)
    client = browser("tA_teacher")
    html = page(client, f"/library/courses/{copy.pk}/")
    assert "来源已撤回" in html
    assert "来源已更新" not in html
    page(client, f"/library/courses/{copy.pk}/source-diff/", status=404)
    response = client.get(f"/library/courses/{copy.pk}/edit/")
    assert response.status_code == 200


def test_the_detail_page_lists_the_published_versions_each_readable(persona, browser):
    source = published_source(persona, outline="第一版大纲")
    first = source.version
    source = edit(persona, source, outline="第二版大纲")
    client = browser("tB_teacher")
    html = page(client, f"/library/courses/{source.pk}/")
    assert f"/library/courses/{source.pk}/versions/{first}/" in html
    assert f"/library/courses/{source.pk}/versions/{source.version}/" in html
    old = page(client, f"/library/courses/{source.pk}/versions/{first}/")
    assert "第一版大纲" in old and "第二版大纲" not in old
    page(client, f"/library/courses/{source.pk}/versions/999/", status=404)


def test_nobody_reads_a_version_or_diff_page_of_what_they_may_not_see(persona, browser):
    _source, copy = behind_copy(persona)
    for name in ("tB_teacher", "dA_curator", "muni_curator"):
        client = browser(name)
        page(client, f"/library/courses/{copy.pk}/source-diff/", status=404)
        page(client, f"/library/courses/{copy.pk}/versions/{copy.version}/", status=404)
        response = client.post(
            f"/library/courses/{copy.pk}/source-diff/", {"accept": ["outline"], "take": "1"}
        )
        assert response.status_code == 404
    private = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    private = services.resource_publish(
        Course, user=persona("tA_curator"), pk=private.pk, scope=Scope.PRIVATE
    )
    page(browser("tB_teacher"), f"/library/courses/{private.pk}/versions/{private.version}/", 404)


def test_the_diff_page_shows_three_columns_marks_and_pre_ticks(persona, browser):
    _source, copy = behind_copy(persona)
    response = browser("tA_teacher").get(f"/library/courses/{copy.pk}/source-diff/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = {row["field"]: row for row in response.context["rows"]}
    assert rows["outline"]["ticked"] and rows["outline"]["changed_upstream"]
    assert not rows["summary"]["ticked"] and rows["summary"]["changed_locally"]
    assert 'value="outline" id="accept-outline" checked' in html
    assert "<ins>新</ins>" in html  # 旧 → 新: the changed word is marked
    assert "<del>旧</del>" in html
    assert "本镇改写的" in html
    assert "采纳" in html and "暂不采纳" in html


def test_marks_escape_what_they_mark():
    html = marked("<b>旧</b>", "<b>新</b><script>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<del>旧</del>" in html and "<ins>新</ins>" in html


def test_taking_the_ticked_fields_keeps_a_local_edit_in_another(persona, browser):
    source, copy = behind_copy(persona)
    client = browser("tA_teacher")
    response = client.post(
        f"/library/courses/{copy.pk}/source-diff/",
        {"accept": ["outline"], "take": "1", "version": copy.version},
    )
    assert response.status_code == 302
    row = Course.objects.get(pk=copy.pk)
    assert row.outline == "一、新大纲\n二、新增内容"
    assert row.summary == "本镇改写的简介"
    assert row.source_version == source.version
    assert "来源已更新" not in page(client, f"/library/courses/{copy.pk}/")


def test_declining_hides_the_notice_until_a_newer_version(persona, browser):
    source, copy = behind_copy(persona)
    client = browser("tA_teacher")
    response = client.post(f"/library/courses/{copy.pk}/source-diff/", {"decline": "1"})
    assert response.status_code == 302
    assert "来源已更新" not in page(client, f"/library/courses/{copy.pk}/")
    source = edit(persona, source, target_audience="全体干部")
    assert f"→ {source.version})" in page(client, f"/library/courses/{copy.pk}/")


def test_a_refused_sync_stays_on_the_page_and_changes_nothing(persona, browser):
    _source, copy = behind_copy(persona)
    before = state(copy)
    viewer = browser("tA_viewer")
    html = page(viewer, f"/library/courses/{copy.pk}/source-diff/")
    assert 'name="accept"' not in html  # a viewer is not offered the choice
    response = viewer.post(f"/library/courses/{copy.pk}/source-diff/", {"decline": "1"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert state(copy) == before

    teacher = browser("tA_teacher")
    nothing = teacher.post(f"/library/courses/{copy.pk}/source-diff/", {"take": "1"})
    assert nothing.status_code == 200
    assert 'role="alert"' in nothing.content.decode()
    stale = teacher.post(
        f"/library/courses/{copy.pk}/source-diff/",
        {"accept": ["outline"], "take": "1", "version": copy.version - 1},
    )
    assert stale.status_code == 200
    assert 'role="alert"' in stale.content.decode()
    assert state(copy) == before


def test_the_diff_page_sends_the_version_it_showed_and_a_newer_one_is_not_taken(persona, browser):
    """The source publishes again while the page is open: taking changes nothing, and the
    page shows the new comparison with a message."""
    source, copy = behind_copy(persona)
    client = browser("tA_teacher")
    html = page(client, f"/library/courses/{copy.pk}/source-diff/")
    assert f'name="to_version" value="{source.published_version}"' in html
    shown = source.published_version
    source = edit(persona, source, outline="一、再改的大纲")
    before = state(copy)

    response = client.post(
        f"/library/courses/{copy.pk}/source-diff/",
        {"accept": ["outline"], "take": "1", "version": copy.version, "to_version": shown},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "来源又发布了新版本" in html
    assert f'name="to_version" value="{source.published_version}"' in html
    assert response.context["compared"].to_version == source.published_version
    assert state(copy) == before


def test_the_where_reused_section_marks_the_copies_behind(persona, browser):
    source = published_source(persona)
    behind = town_copy(persona, source)
    source = edit(persona, source, outline="新大纲")
    response = browser("muni_curator").get(f"/library/courses/{source.pk}/")
    reuses = {r.copy_id: r for r in response.context["reuses"]}
    assert reuses[behind.pk].update == {
        "from_version": behind.source_version,
        "to_version": source.version,
    }
    assert f"落后 (版本 {behind.source_version} → {source.version})" in response.content.decode()


def test_the_network_view_lists_copies_behind_per_school_as_far_as_the_reader_sees(
    persona, browser
):
    _source, copy = behind_copy(persona)
    html = page(browser("tA_curator"), "/copies-behind/")
    assert copy.title in html and "祖庙" in html
    assert copy.title not in page(browser("dB_curator"), "/copies-behind/")
    assert "/copies-behind/" in page(browser("muni_curator"), "/review/")


def test_the_diff_page_costs_the_same_queries_for_few_and_many_links(persona, browser):
    """Measured: 20 queries (session and seats, the copy, its source, two kept versions, its
    links and group, which linked resources and seated lecturers the reader may see (3), the
    labels of what the values name, the reader's role)."""
    from apps.taxonomy.models import ThematicDomain

    _source, copy = behind_copy(persona)
    client = browser("tA_teacher")
    path = f"/library/courses/{copy.pk}/source-diff/"
    client.get(path)

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    few = measure()
    edit(persona, copy, user="tA_teacher", domains=list(ThematicDomain.objects.all()))
    many = measure()
    assert few == many == DIFF_PAGE_QUERIES


DIFF_PAGE_QUERIES = 20


def test_the_network_view_costs_the_same_queries_for_one_and_many_copies_behind(persona, browser):
    """One query per library for the copies behind (with their school and source), plus the
    session, the reader and their seats: the same for one copy as for several."""
    source, _copy = behind_copy(persona)
    client = browser("tA_curator")  # sees its school's copies (private drafts)
    client.get("/copies-behind/")

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/copies-behind/").status_code == 200
        return len(ctx.captured_queries)

    one = measure()
    for user in ("tA_curator", "tA_admin"):  # two more copies in the same school
        services.resource_reuse(Course, user=persona(user), pk=source.pk, target_code=ORG["TA"])
    edit(persona, source, outline="第三版大纲")
    many = measure()
    html = page(client, "/copies-behind/")
    copies = Course.objects.filter(source=source, owner__code=ORG["TA"])
    assert copies.count() == 3
    assert all(f"/library/courses/{c.pk}/" in html for c in copies)  # all three listed
    assert one == many
