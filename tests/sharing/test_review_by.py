"""Review-by dates (待复核): the default on publish, the overdue flag and filter, search order,
reminders, and the re-review (复核) through every entry point.

The re-review's permission matrix is in tests/sharing/test_permission_matrix.py (the
``REREVIEW_TABLE``); docs/review-dates.md describes the feature.
"""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.forms.models import model_to_dict
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.jobs.queue import run_due_jobs
from apps.notifications.models import Kind, Notification
from apps.notifications.reminders import send_review_reminders
from apps.sharing import review, services
from apps.sharing.choices import Scope, Status
from apps.sharing.exceptions import (
    ActionDenied,
    InvalidInput,
    InvalidTransition,
    ResourceNotFound,
)
from apps.sharing.models import ReviewInterval, ReviewRecord, ReviewReminder
from apps.sharing.services import VersionMismatch
from tests.conftest import ORG
from tests.factories import (
    CaseFactory,
    CourseFactory,
    LecturerFactory,
    TeachingSiteFactory,
    author_at,
    published,
)
from tests.helpers import assert_problem

REVIEWABLE = [pytest.param(CourseFactory, id="courses"), pytest.param(CaseFactory, id="cases")]
NOT_REVIEWABLE = [
    pytest.param(LecturerFactory, id="faculty"),
    pytest.param(TeachingSiteFactory, id="sites"),
]
KEYS = {CourseFactory: "courses", CaseFactory: "cases"}


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def town_draft(factory=CourseFactory, **kw):
    return factory(owner_code=ORG["TA"], author=author_at(ORG["TA"]), **kw)


def town_published(factory=CourseFactory, scope=Scope.DISTRICT, **kw):
    return published(factory, owner_code=ORG["TA"], scope=scope, **kw)


def state(obj):
    model = type(obj)
    return model_to_dict(model.objects.get(pk=obj.pk)), ReviewRecord.objects.count()


# ---- the date itself ------------------------------------------------------------------------


def test_add_months_keeps_the_day_or_the_end_of_the_month():
    assert review.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert review.add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert review.add_months(datetime.date(2026, 11, 27), 24) == datetime.date(2028, 11, 27)
    assert review.add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)


@pytest.mark.django_db
@pytest.mark.parametrize(("factory", "months"), [(CaseFactory, 24), (CourseFactory, 36)])
def test_publishing_sets_today_plus_the_library_default(factory, months, persona):
    obj = town_draft(factory)
    done = services.resource_publish(
        type(obj), user=persona("tA_curator"), pk=obj.pk, scope=Scope.PRIVATE
    )
    assert done.review_by == review.add_months(today(), months)
    assert not done.overdue


@pytest.mark.django_db
def test_an_admin_set_interval_is_used(persona):
    ReviewInterval.objects.create(library="cases", months=6)
    case = town_draft(CaseFactory)
    done = services.resource_publish(
        type(case), user=persona("tA_curator"), pk=case.pk, scope="private"
    )
    assert done.review_by == review.add_months(today(), 6)
    assert type(case).objects.get(pk=case.pk).review_by == done.review_by


@pytest.mark.django_db
def test_publishing_again_keeps_the_date_it_has(persona):
    course = town_published(CourseFactory, review_by=days(40))
    done = services.resource_publish(
        type(course), user=persona("muni_curator"), pk=course.pk, scope=Scope.NETWORK
    )
    assert done.review_by == days(40)


@pytest.mark.django_db
@pytest.mark.parametrize("factory", NOT_REVIEWABLE)
def test_lecturers_and_sites_get_no_date(factory, persona):
    obj = town_draft(factory)
    done = services.resource_publish(
        type(obj), user=persona("tA_curator"), pk=obj.pk, scope=Scope.PRIVATE
    )
    assert done.review_by is None


@pytest.mark.django_db
def test_a_reuse_copy_starts_without_a_date(persona):
    source = published(CourseFactory, review_by=days(-3))
    copy = services.resource_reuse(
        type(source), user=persona("tA_teacher"), pk=source.pk, target_code=ORG["TA"]
    )
    assert copy.review_by is None and not copy.overdue


# ---- the flag and the filter: API -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("factory", REVIEWABLE)
def test_the_api_flags_and_filters_overdue_items(factory, api):
    late = published(factory, review_by=days(-1))
    current = published(factory, review_by=today())  # due today: not yet overdue
    undated = published(factory)
    key = KEYS[factory]
    client = api("tA_teacher")
    item = client.get(f"/api/v1/{key}/{late.pk}/").json()
    assert (item["overdue"], item["review_by"]) == (True, days(-1).isoformat())
    assert client.get(f"/api/v1/{key}/{current.pk}/").json()["overdue"] is False
    overdue = {i["id"] for i in client.get(f"/api/v1/{key}/?overdue=true").json()["results"]}
    assert overdue == {late.pk}
    rest = {i["id"] for i in client.get(f"/api/v1/{key}/?overdue=false").json()["results"]}
    assert {current.pk, undated.pk} <= rest and late.pk not in rest
    listed = {i["id"]: i["overdue"] for i in client.get(f"/api/v1/{key}/").json()["results"]}
    assert listed[late.pk] is True and listed[current.pk] is False


@pytest.mark.django_db
def test_the_filter_never_widens_what_a_reader_sees(api):
    hidden = town_published(CourseFactory, scope=Scope.PRIVATE, review_by=days(-10))
    results = api("tB_teacher").get("/api/v1/courses/?overdue=true").json()["results"]
    assert hidden.pk not in {i["id"] for i in results}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "factory"), [("faculty", LecturerFactory), ("sites", TeachingSiteFactory)]
)
def test_lecturers_and_sites_carry_no_review_fields(key, factory, api):
    obj = published(factory)
    item = api("tA_teacher").get(f"/api/v1/{key}/{obj.pk}/").json()
    assert "overdue" not in item and "review_by" not in item


@pytest.mark.django_db
def test_review_by_is_not_an_input(api):
    course = town_draft(CourseFactory)
    response = api("tA_curator").patch(
        f"/api/v1/courses/{course.pk}/", {"review_by": "2030-01-01"}, format="json"
    )
    assert response.status_code == 200
    assert type(course).objects.get(pk=course.pk).review_by is None


# ---- the flag and the filter: pages ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("factory", REVIEWABLE)
def test_list_and_detail_pages_flag_overdue_items(factory, browser):
    late = published(factory, title="逾期待复核的资源", review_by=days(-2))
    current = published(factory, title="仍然有效的资源", review_by=days(100))
    key = KEYS[factory]
    client = browser("tA_teacher")
    page = client.get(f"/library/{key}/").content.decode()
    assert page.count('class="tag overdue"') == 1
    assert "?overdue=true" in page
    only = client.get(f"/library/{key}/?overdue=true").content.decode()
    assert late.title in only and current.title not in only
    rest = client.get(f"/library/{key}/?overdue=false").content.decode()
    assert current.title in rest and late.title not in rest
    detail = client.get(f"/library/{key}/{late.pk}/").content.decode()
    assert 'class="tag overdue"' in detail
    assert days(-2).isoformat() in detail
    fresh = client.get(f"/library/{key}/{current.pk}/").content.decode()
    assert 'class="tag overdue"' not in fresh


@pytest.mark.django_db
def test_the_list_page_costs_the_same_with_more_overdue_items(
    browser, django_assert_max_num_queries
):
    client = browser("tA_teacher")
    client.get("/library/cases/")  # the session and the frame, once
    published(CaseFactory, review_by=days(-1))
    with django_assert_max_num_queries(40) as few:
        client.get("/library/cases/?overdue=true")
    for _ in range(6):
        published(CaseFactory, review_by=days(-1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/library/cases/?overdue=true").content.decode()
    assert page.count('class="tag overdue"') == 7


# ---- search ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_overdue_items_rank_after_current_ones_of_the_same_relevance(persona, api):
    older_current = published(CourseFactory, title="园区改造课程甲", review_by=days(30))
    newer_overdue = published(CourseFactory, title="园区改造课程乙", review_by=days(-30))
    content_only = published(
        CourseFactory, title="其他课程", summary="讲园区改造", review_by=days(30)
    )
    user = persona("tA_teacher")
    ranked = [
        c.pk for c in type(older_current).objects.restrict(user, "view").search_ranked("园区改造")
    ]
    # Title matches first, current before overdue; then a content-only match, however current.
    assert ranked == [older_current.pk, newer_overdue.pk, content_only.pk]
    results = api("tA_teacher").get("/api/v1/courses/?q=园区改造").json()["results"]
    assert [i["id"] for i in results] == ranked
    page = api("tA_teacher").get("/api/v1/courses/?q=园区改造&page_size=1").json()
    query = parse_qs(urlsplit(page["next"]).query)  # the cursor follows the same order
    second = api("tA_teacher").get(
        "/api/v1/courses/", {"q": "园区改造", "page_size": 1, "cursor": query["cursor"][0]}
    )
    assert second.status_code == 200, second.content.decode()
    assert [i["id"] for i in second.json()["results"]] == [newer_overdue.pk]


@pytest.mark.django_db
def test_the_search_page_lists_current_items_first(browser):
    published(CaseFactory, title="园区改造案例乙", review_by=days(30))
    published(CaseFactory, title="园区改造案例甲", review_by=days(-30))
    page = browser("tA_teacher").get("/library/cases/?q=园区改造").content.decode()
    assert page.index("园区改造案例乙") < page.index("园区改造案例甲")


# ---- reminders ------------------------------------------------------------------------------


def told(obj, kind):
    return set(
        Notification.objects.filter(
            kind=kind,
            object_id=obj.pk,
            content_type=ContentType.objects.get_for_model(type(obj)),
        ).values_list("recipient__username", flat=True)
    )


@pytest.mark.django_db
def test_reminders_go_to_the_author_and_the_owners_curators_once_per_stage(persona):
    soon = town_published(CourseFactory, review_by=days(10))
    late = town_published(CaseFactory, review_by=days(-1))
    later = town_published(CourseFactory, review_by=days(45))  # outside the 30 days
    draft = town_draft(CourseFactory, review_by=days(-5))  # drafts are nobody's reminder
    sent = send_review_reminders()
    assert sent == {"due": 1, "overdue": 1}
    run_due_jobs()
    people = {author_at(ORG["TA"]).username, "tA_admin", "tA_curator"}
    assert told(soon, Kind.REVIEW_DUE) == people
    assert told(late, Kind.REVIEW_OVERDUE) == people
    assert not told(later, Kind.REVIEW_DUE) and not told(draft, Kind.REVIEW_OVERDUE)
    assert not told(soon, Kind.REVIEW_OVERDUE)
    note = Notification.objects.filter(kind=Kind.REVIEW_DUE, object_id=soon.pk).first()
    assert note.data["review_by"] == days(10).isoformat()
    # The next run, the same day or the next: nothing new.
    count = Notification.objects.count()
    assert send_review_reminders() == {"due": 0, "overdue": 0}
    assert send_review_reminders(today=days(1)) == {"due": 0, "overdue": 0}
    run_due_jobs()
    assert Notification.objects.count() == count
    # Once its date passes, the due one is told once more: overdue.
    assert send_review_reminders(today=days(11)) == {"due": 0, "overdue": 1}
    run_due_jobs()
    assert told(soon, Kind.REVIEW_OVERDUE) == people


@pytest.mark.django_db
def test_a_confirmed_date_starts_the_reminders_afresh(persona):
    course = town_published(CourseFactory, review_by=days(-1))
    send_review_reminders()
    services.resource_rereview(
        type(course),
        user=persona("tA_curator"),
        pk=course.pk,
        outcome="confirm",
        review_by=days(20),
    )
    assert send_review_reminders() == {"due": 1, "overdue": 0}
    assert ReviewReminder.objects.filter(object_id=course.pk).count() == 2


@pytest.mark.django_db
def test_the_command_runs(capsys):
    from django.core.management import call_command

    town_published(CaseFactory, review_by=days(5))
    call_command("review_reminders", "--days", "7")
    assert "1 due soon" in capsys.readouterr().out


# ---- re-review: the service -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("factory", REVIEWABLE)
def test_confirm_with_a_date_is_recorded(factory, persona):
    obj = town_published(factory, review_by=days(-3))
    done = services.resource_rereview(
        type(obj),
        user=persona("dA_curator"),
        pk=obj.pk,
        outcome="confirm",
        review_by=days(200),
        note="  数据已更新 ",
    )
    assert (done.status, done.review_by, done.version) == (
        Status.PUBLISHED,
        days(200),
        obj.version + 1,
    )
    assert not done.overdue
    record = ReviewRecord.objects.get(object_id=obj.pk)
    assert (record.outcome, record.old_review_by, record.new_review_by, record.note) == (
        "confirm",
        days(-3),
        days(200),
        "数据已更新",
    )
    assert record.user.username == "dA_curator"
    assert AuditEvent.objects.filter(action="rereview", object_id=obj.pk).exists()


@pytest.mark.django_db
def test_confirm_without_a_date_takes_the_interval(persona):
    course = town_published(CourseFactory, review_by=days(-3))
    done = services.resource_rereview(
        type(course), user=persona("tA_curator"), pk=course.pk, outcome="confirm"
    )
    assert done.review_by == review.add_months(today(), 36)


@pytest.mark.django_db
def test_send_back_to_draft_keeps_versions_and_copies(persona):
    source = published(CourseFactory, review_by=days(-3))
    services.resource_update(
        type(source), user=persona("muni_curator"), pk=source.pk, data={"summary": "新版"}
    )
    copy = services.resource_reuse(
        type(source), user=persona("tA_teacher"), pk=source.pk, target_code=ORG["TA"]
    )
    from apps.sharing.versions import versions_of

    kept = versions_of(source).count()
    done = services.resource_rereview(
        type(source), user=persona("muni_curator"), pk=source.pk, outcome="draft", note="政策已调整"
    )
    assert (done.status, done.review_by) == (Status.DRAFT, None)
    assert versions_of(source).count() == kept
    assert type(copy).objects.get(pk=copy.pk).status == Status.DRAFT  # the copy, untouched
    record = ReviewRecord.objects.get(object_id=source.pk)
    assert (record.outcome, record.old_review_by, record.new_review_by) == ("draft", days(-3), None)
    # Published again, it gets a fresh date.
    again = services.resource_publish(
        type(source), user=persona("muni_curator"), pk=source.pk, scope=Scope.NETWORK
    )
    assert again.review_by == review.add_months(today(), 36)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "kwargs", "error", "field"),
    [
        ("tA_teacher", {"outcome": "confirm"}, ActionDenied, None),
        ("muni_curator", {"outcome": "confirm"}, ActionDenied, None),  # not the audience
        ("tA_curator", {"outcome": "maybe"}, InvalidInput, "outcome"),
        ("tA_curator", {"outcome": "confirm", "review_by": "today"}, InvalidInput, "review_by"),
        ("tA_curator", {"outcome": "draft", "review_by": "later"}, InvalidInput, "review_by"),
    ],
)
def test_refusals_change_nothing(who, kwargs, error, field, persona):
    course = town_published(CourseFactory, review_by=days(-3))
    kwargs = {
        **kwargs,
        **(
            {"review_by": {"today": today(), "later": days(9)}[kwargs["review_by"]]}
            if "review_by" in kwargs
            else {}
        ),
    }
    before = state(course)
    with pytest.raises(error) as caught:
        services.resource_rereview(type(course), user=persona(who), pk=course.pk, **kwargs)
    if field:
        assert field in caught.value.errors
    assert state(course) == before


@pytest.mark.django_db
def test_only_published_items_are_re_reviewed(persona):
    course = town_draft(CourseFactory)
    before = state(course)
    with pytest.raises(InvalidTransition):
        services.resource_rereview(
            type(course), user=persona("tA_curator"), pk=course.pk, outcome="confirm"
        )
    assert state(course) == before


@pytest.mark.django_db
def test_a_stale_version_is_refused(persona):
    course = town_published(CourseFactory, review_by=days(-3))
    before = state(course)
    with pytest.raises(VersionMismatch):
        services.resource_rereview(
            type(course),
            user=persona("tA_curator"),
            pk=course.pk,
            outcome="confirm",
            expected_version=course.version - 1 if course.version > 1 else 99,
        )
    assert state(course) == before


# ---- re-review: API -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("factory", REVIEWABLE)
def test_rereview_through_the_api(factory, api):
    obj = town_published(factory, review_by=days(-3))
    key = KEYS[factory]
    client = api("tA_curator")
    response = client.post(
        f"/api/v1/{key}/{obj.pk}/rereview/",
        {"outcome": "confirm", "review_by": days(300).isoformat(), "note": "已核对"},
        format="json",
        HTTP_IF_MATCH=f'"{obj.version}"',
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["review_by"], body["overdue"], body["version"]) == (
        days(300).isoformat(),
        False,
        obj.version + 1,
    )
    assert response["ETag"] == f'"{obj.version + 1}"'
    history = client.get(f"/api/v1/{key}/{obj.pk}/reviews/").json()
    assert [(h["outcome"], h["new_review_by"], h["user"]) for h in history] == [
        ("confirm", days(300).isoformat(), "tA_curator")
    ]


@pytest.mark.django_db
def test_api_refusals(api):
    course = town_published(CourseFactory, review_by=days(-3))
    url = f"/api/v1/courses/{course.pk}/rereview/"
    before = state(course)
    assert_problem(
        api("tA_curator").post(
            url, {"outcome": "confirm", "review_by": today().isoformat()}, format="json"
        ),
        400,
        ["review_by"],
    )
    assert_problem(
        api("tA_curator").post(url, {"outcome": "nope"}, format="json"), 400, ["outcome"]
    )
    assert_problem(api("tA_teacher").post(url, {"outcome": "confirm"}, format="json"), 403)
    assert_problem(api("tB_teacher").post(url, {"outcome": "confirm"}, format="json"), 404)
    stale = api("tA_curator").post(url, {"outcome": "confirm"}, format="json", HTTP_IF_MATCH='"99"')
    assert stale.status_code == 412
    assert state(course) == before


@pytest.mark.django_db
def test_send_back_to_draft_through_the_api_answers_what_changed(api):
    course = town_published(CourseFactory, review_by=days(-3))
    response = api("dA_curator").post(
        f"/api/v1/courses/{course.pk}/rereview/", {"outcome": "draft"}, format="json"
    )
    # The draft is its owner's alone now: the district's curator gets only the outcome.
    assert response.status_code == 200
    assert response.json() == {"id": course.pk, "status": "draft", "version": course.version + 1}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "factory"), [("faculty", LecturerFactory), ("sites", TeachingSiteFactory)]
)
def test_lecturers_and_sites_have_no_rereview(key, factory, api):
    obj = town_published(factory)
    before = model_to_dict(type(obj).objects.get(pk=obj.pk))
    response = api("tA_curator").post(
        f"/api/v1/{key}/{obj.pk}/rereview/", {"outcome": "confirm"}, format="json"
    )
    assert response.status_code == 404
    assert model_to_dict(type(obj).objects.get(pk=obj.pk)) == before
    with pytest.raises(ResourceNotFound):
        services.resource_rereview(
            type(obj), user=author_at(ORG["TA"]), pk=obj.pk, outcome="confirm"
        )


# ---- re-review: pages -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_detail_page_offers_the_form_to_curators_only(browser):
    course = town_published(CourseFactory, review_by=days(-3))
    url = f"/library/courses/{course.pk}/"
    assert "rereview-form" in browser("tA_curator").get(url).content.decode()
    for who in ("tA_teacher", "muni_curator", "tA2_teacher"):
        assert "rereview-form" not in browser(who).get(url).content.decode(), who
    lecturer = town_published(LecturerFactory)
    page = browser("tA_curator").get(f"/library/faculty/{lecturer.pk}/").content.decode()
    assert "rereview-form" not in page


@pytest.mark.django_db
def test_rereview_from_the_page_and_its_history(browser):
    course = town_published(CourseFactory, review_by=days(-3))
    client = browser("tA_curator")
    url = f"/library/courses/{course.pk}/rereview/"
    refused = client.post(url, {"outcome": "confirm", "review_by": days(-1).isoformat()})
    assert refused.status_code == 200  # shown again, the error beside the date
    assert "has-error" in refused.content.decode()
    assert type(course).objects.get(pk=course.pk).review_by == days(-3)
    done = client.post(
        url,
        {
            "outcome": "confirm",
            "review_by": days(90).isoformat(),
            "note": "核对无误",
            "version": course.version,
        },
    )
    assert done.status_code == 302
    assert type(course).objects.get(pk=course.pk).review_by == days(90)
    page = client.get(f"/library/courses/{course.pk}/").content.decode()
    assert "核对无误" in page and days(90).isoformat() in page
    assert 'class="tag overdue"' not in page
    assert browser("tB_teacher").post(url, {"outcome": "draft"}).status_code == 404


@pytest.mark.django_db
def test_send_back_to_draft_from_the_page(browser):
    case = town_published(CaseFactory, review_by=days(-3))
    browser("tA_curator").post(
        f"/library/cases/{case.pk}/rereview/",
        {"outcome": "draft", "review_by": days(9).isoformat()},
    )
    after = type(case).objects.get(pk=case.pk)
    assert (after.status, after.review_by) == (Status.DRAFT, None)


# ---- re-review: admin -----------------------------------------------------------------------


@pytest.fixture
def admin_curator(persona, client):
    user = persona("tA_curator")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return client


def run_action(client, changelist, action, *objs):
    return client.post(
        changelist,
        {
            "action": action,
            "_selected_action": [o.pk for o in objs],
            "index": 0,
            "select_across": 0,
        },
    )


@pytest.mark.django_db
def test_admin_actions_confirm_and_send_back(admin_curator):
    late, other = (town_published(CaseFactory, review_by=days(-3)) for _ in range(2))
    response = run_action(admin_curator, "/admin/cases/case/", "rereview_confirm", late)
    assert response.status_code == 302
    assert type(late).objects.get(pk=late.pk).review_by == review.add_months(today(), 24)
    run_action(admin_curator, "/admin/cases/case/", "rereview_draft", other)
    assert type(other).objects.get(pk=other.pk).status == Status.DRAFT
    assert ReviewRecord.objects.count() == 2


@pytest.mark.django_db
def test_admin_refusal_changes_nothing(admin_curator):
    draft = town_draft(CaseFactory)
    before = state(draft)
    response = run_action(admin_curator, "/admin/cases/case/", "rereview_confirm", draft)
    assert any(m.level_tag == "error" for m in get_messages(response.wsgi_request))
    assert state(draft) == before


@pytest.mark.django_db
def test_lecturer_admin_offers_no_review_actions(admin_curator):
    town_published(LecturerFactory)
    town_published(CourseFactory)
    page = admin_curator.get("/admin/faculty/lecturer/").content.decode()
    assert "rereview_confirm" not in page
    assert "rereview_confirm" in admin_curator.get("/admin/courses/course/").content.decode()


@pytest.mark.django_db
def test_intervals_are_set_by_municipal_admins_only(persona, client):
    curator = persona("tA_curator")
    curator.is_staff = True
    curator.save(update_fields=["is_staff"])
    client.force_login(curator)
    url = "/admin/sharing/reviewinterval/add/"
    assert client.post(url, {"library": "cases", "months": 12}).status_code == 403
    assert not ReviewInterval.objects.exists()
    admin = persona("muni_admin")
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client.force_login(admin)
    assert client.post(url, {"library": "cases", "months": 12}).status_code == 302
    assert ReviewInterval.months_for("cases") == 12
    refused = client.post(url, {"library": "faculty", "months": 12})
    assert refused.status_code == 200  # not a reviewable library: the form says so
    assert ReviewInterval.objects.count() == 1
