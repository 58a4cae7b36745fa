"""The pages teachers and curators use: lists, detail, forms, actions, review queue."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from apps.cases.models import Case
from apps.courses.models import Course
from apps.sharing.models import ReuseRecord
from tests.conftest import ORG
from tests.factories import LIBRARY_FACTORIES, CaseFactory, CourseFactory

pytestmark = pytest.mark.django_db


def published(factory=CourseFactory, **kwargs):
    kwargs.setdefault("owner_code", ORG["M"])
    kwargs.setdefault("status", "published")
    kwargs.setdefault("scope", "network")
    return factory(**kwargs)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/library/courses/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_home_speaks_chinese_by_default(browser):
    body = browser("tA_teacher").get("/").content.decode()
    assert "课程库" in body and "我的草稿与提交" in body


@pytest.mark.parametrize("library", list(LIBRARY_FACTORIES))
def test_list_page_query_count_does_not_grow_with_results(library, browser, persona):
    author = persona("muni_teacher")
    client = browser("tA_teacher")

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/library/{library}/").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(5):
        published(LIBRARY_FACTORIES[library], author=author)
    few = count_queries()
    for _ in range(45):
        published(LIBRARY_FACTORIES[library], author=author)
    many = count_queries()
    assert few == many


def test_facets_and_results_only_count_what_the_user_may_see(browser, persona):
    published(author=persona("muni_teacher"), title="全网可见课程", domains=["finance"])
    CourseFactory(
        owner_code=ORG["DA"], author=persona("dA_teacher"), title="区里的草稿", domains=["finance"]
    )
    response = browser("tA_teacher").get("/library/courses/", {"domain": "finance"})
    body = response.content.decode()
    assert "全网可见课程" in body
    assert "区里的草稿" not in body
    domain_facet = next(f for f in response.context["facets"] if f["name"] == "domain")
    finance = next(v for v in domain_facet["values"] if v["label"] == "金融赋能")
    assert finance["n"] == 1 and finance["selected"]


def test_search_box_finds_chinese_titles(browser, persona):
    published(author=persona("muni_teacher"), title="村级工业园区改造实践")
    published(author=persona("muni_teacher"), title="金融赋能实体经济")
    body = browser("tA_teacher").get("/library/courses/", {"q": "园区"}).content.decode()
    assert "村级工业园区改造实践" in body
    assert "金融赋能实体经济" not in body


def test_detail_of_an_invisible_resource_is_404(browser, persona):
    draft = CourseFactory(owner_code=ORG["DA"], author=persona("dA_teacher"))
    assert browser("tA_teacher").get(f"/library/courses/{draft.pk}/").status_code == 404


def test_detail_offers_only_the_permitted_actions(browser, persona):
    course = published(author=persona("muni_teacher"))
    teacher_page = browser("tA_teacher").get(f"/library/courses/{course.pk}/")
    assert teacher_page.context["actions"] == ["reuse"]
    body = teacher_page.content.decode()
    assert "/reuse/" in body and "/publish/" not in body and "/withdraw/" not in body


def test_reuse_from_the_page_makes_a_draft_copy_in_the_working_school(browser, persona, org):
    course = published(author=persona("muni_teacher"), title="制造业数字化转型")
    client = browser("tA_teacher")
    response = client.post(f"/library/courses/{course.pk}/reuse/", {"owner": org("TA").pk})
    copy = Course.objects.get(source=course)
    assert response.status_code == 302 and response["Location"] == f"/library/courses/{copy.pk}/"
    assert (copy.owner.code, copy.status, copy.source_version) == (
        ORG["TA"],
        "draft",
        course.version,
    )
    drafts = client.get("/").content.decode()
    assert "制造业数字化转型" in drafts


def test_a_refused_action_shows_a_message_and_changes_nothing(browser, persona):
    course = CourseFactory(
        owner_code=ORG["TA"], author=persona("tA_teacher"), status="pending", scope="district"
    )
    before = model_to_dict(course)
    client = browser("tA_teacher")
    response = client.post(
        f"/library/courses/{course.pk}/publish/", {"scope": "district"}, follow=True
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("审核员" in m for m in messages)
    course.refresh_from_db()
    assert model_to_dict(course) == before


def test_create_form_keeps_input_and_shows_errors_beside_fields(browser):
    client = browser("tA_teacher")
    count = Course.objects.count()
    response = client.post(
        "/library/courses/new/", {"title": "", "summary": "我写了很久的简介", "owner": ""}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors and "owner" in form.errors
    assert "我写了很久的简介" in response.content.decode()
    assert Course.objects.count() == count


def test_create_form_saves_a_draft(browser, org):
    response = browser("tA_teacher").post(
        "/library/courses/new/", {"title": "街道产业地图", "owner": org("TA").pk}
    )
    course = Course.objects.get(title="街道产业地图")
    assert response["Location"] == f"/library/courses/{course.pk}/"
    assert (course.owner.code, course.status, course.author.username) == (
        ORG["TA"],
        "draft",
        "tA_teacher",
    )


def test_a_stale_save_is_refused_with_the_input_kept(browser, persona):
    course = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"), title="原标题")
    client = browser("tA_teacher")
    form_version = course.version
    Course.objects.filter(pk=course.pk).update(version=course.version + 1, title="别人改的标题")
    response = client.post(
        f"/library/courses/{course.pk}/edit/",
        {"title": "我的新标题", "version": form_version, "class_hours": "2"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "我的新标题" in response.content.decode()
    course.refresh_from_db()
    assert (course.title, course.version) == ("别人改的标题", form_version + 1)


def test_review_queue_lists_what_waits_and_approving_publishes(browser, persona):
    case = CaseFactory(
        owner_code=ORG["DEP"],
        author=persona("dept"),
        status="pending",
        scope="network",
        title="部门报送的案例",
    )
    client = browser("muni_curator")
    body = client.get("/review/").content.decode()
    assert "部门报送的案例" in body
    response = client.post(f"/library/cases/{case.pk}/publish/", {"scope": "network"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.scope) == ("published", "network")
    assert "部门报送的案例" not in client.get("/review/").content.decode()


def test_rejecting_without_a_reason_changes_nothing(browser, persona):
    case = CaseFactory(
        owner_code=ORG["DEP"], author=persona("dept"), status="pending", scope="network"
    )
    before = model_to_dict(case)
    browser("muni_curator").post(f"/library/cases/{case.pk}/reject/", {"reason": "  "})
    case.refresh_from_db()
    assert model_to_dict(case) == before
    assert Case.objects.filter(status="rejected").count() == 0


def test_school_switcher_changes_the_default_school(browser, persona, org):
    from apps.accounts.models import Membership

    user = persona("tA_teacher")
    Membership.objects.create(user=user, organization=org("DA"), role="teacher")
    client = browser("tA_teacher")
    client.post("/school/", {"org": ORG["DA"], "next": "/"})
    response = client.get("/library/courses/new/")
    assert response.context["form"].fields["owner"].initial == org("DA").pk
    # A school the user does not belong to is ignored.
    client.post("/school/", {"org": ORG["DB"], "next": "/"})
    assert (
        client.get("/library/courses/new/").context["form"].fields["owner"].initial == org("DA").pk
    )
    assert ReuseRecord.objects.count() == 0
