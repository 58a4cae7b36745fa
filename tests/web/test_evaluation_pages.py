"""The evaluation pages: code sheets, the trainees' pages (no account), "taught in classes" on
the library pages, a lecturer's teaching record, visit requests and a site's calendar."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.classes import guard, services
from apps.classes.models import Evaluation, EvaluationCode, SiteVisit, VisitStatus
from apps.classes.services import SessionInput
from apps.sharing.choices import Scope, Status
from apps.web import evaluations
from tests.factories import (
    CourseFactory,
    LecturerFactory,
    TeachingSiteFactory,
    TrainingClassFactory,
    slot,
)

pytestmark = pytest.mark.django_db

TOWN = "440604010"  # 祖庙: the class's host and the course's owner
COMMENT = "案例贴近镇街实际"


def published(
    factory, persona, owner_code="440600", scope=Scope.NETWORK, author="muni_teacher", **kw
):
    return factory(
        owner_code=owner_code, status=Status.PUBLISHED, scope=scope, author=persona(author), **kw
    )


@pytest.fixture
def world(persona):
    """A 祖庙 class running from yesterday to tomorrow: yesterday's session has taken place,
    tomorrow's (with a visit to a municipal site) has not."""
    course = published(
        CourseFactory, persona, TOWN, Scope.DISTRICT, author="tA_teacher", title="园区改造实务"
    )
    lecturer = published(LecturerFactory, persona, title="王讲师")
    site = published(TeachingSiteFactory, persona, title="智造产业园", capacity=50)
    today = timezone.localdate()
    cls = TrainingClassFactory(
        start_date=today - timedelta(days=1), end_date=today + timedelta(days=1), title="祖庙专题班"
    )
    teacher = persona("tA_teacher")

    def session(day, start="09:00", end="11:00", **kw):
        begin, finish = slot(cls, day, start, end)
        data = SessionInput(begin, finish, course.pk, [lecturer.pk], **kw)
        return services.session_add(user=teacher, class_pk=cls.pk, data=data)

    past = session(0)
    future = session(2, site=site.pk, visitors=30)
    return {
        "course": course,
        "lecturer": lecturer,
        "site": site,
        "class": cls,
        "past": past,
        "future": future,
        "session": session,
        "visit": future.visit,
    }


def codes(world, n=1):
    return services.codes_issue(user=_user("tA_teacher"), class_pk=world["class"].pk, count=n)


def _user(name):
    from apps.accounts.models import User

    return User.objects.get(username=name)


def rate(world, code, content=5, delivery=4, comment=""):
    return services.evaluation_submit(
        code=code.code,
        session_pk=world["past"].pk,
        content=content,
        delivery=delivery,
        comment=comment,
    )


def clear_caches():
    """Each measured request starts cold: what the first reader after a change pays."""
    for alias in settings.CACHES:
        caches[alias].clear()


def answer_form(session, content="5", delivery="4", comment=""):
    data = {"session": session.pk, f"s{session.pk}-comment": comment}
    if content is not None:
        data[f"s{session.pk}-content"] = content
    if delivery is not None:
        data[f"s{session.pk}-delivery"] = delivery
    return data


# ---- codes and their sheet ---------------------------------------------------------------------


def test_the_hosts_teacher_issues_codes_and_prints_one_card_with_a_qr_code_each(browser, world):
    client = browser("tA_teacher")
    form = client.get(f"/classes/{world['class'].pk}/codes/")
    assert form.status_code == 200
    assert 'name="count"' in form.content.decode()
    assert form.context["form"]["count"].value() == world["class"].trainee_count

    issued = client.post(f"/classes/{world['class'].pk}/codes/", {"count": "3"})

    assert issued.status_code == 302
    rows = list(EvaluationCode.objects.filter(training_class=world["class"]))
    assert len(rows) == 3
    sheet = client.get(issued["Location"])
    body = sheet.content.decode()
    assert body.count('<svg viewBox="0 0 ') == 3
    assert body.count('class="qr"') == 3
    for row in rows:
        assert f">{row.code}</p>" in body
        assert f"http://testserver/evaluate/{row.code}/" not in body  # inside the QR, not text
    assert "http://testserver/evaluate/" in body  # how to answer without the camera
    assert world["class"].title in body
    assert 'href="/static/web/evaluations.css"' in body


def test_the_qr_code_encodes_the_codes_own_evaluate_url():
    url = "http://testserver/evaluate/ABCDEFGH/"
    svg = evaluations.qr_svg(url, "ABCDEFGH")
    import segno

    assert svg == segno.make(url, error="m").svg_inline(
        scale=3, title="ABCDEFGH", svgclass="qr", omitsize=True
    )
    assert "<title>ABCDEFGH</title>" in svg


def test_a_second_batch_shows_alone_and_all_codes_on_request(browser, world):
    client = browser("tA_teacher")
    codes(world, 2)
    issued = client.post(f"/classes/{world['class'].pk}/codes/", {"count": "1"})
    assert len(client.get(issued["Location"]).context["cards"]) == 1
    assert len(client.get(f"/classes/{world['class'].pk}/codes/").context["cards"]) == 3


@pytest.mark.parametrize("count", ["0", "501", "many", ""])
def test_a_wrong_number_of_codes_is_said_beside_the_field_and_issues_none(browser, world, count):
    response = browser("tA_teacher").post(f"/classes/{world['class'].pk}/codes/", {"count": count})
    assert response.status_code == 400
    assert response.context["form"].errors["count"]
    assert 'id="count-error"' in response.content.decode()
    assert not EvaluationCode.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("tA_viewer", 403), ("dA_curator", 403), ("tA2_teacher", 404), ("dept", 404)],
)
def test_only_the_hosts_editors_issue_codes(browser, world, who, status):
    client = browser(who)
    assert client.get(f"/classes/{world['class'].pk}/codes/").status_code == status
    assert client.post(f"/classes/{world['class'].pk}/codes/", {"count": "5"}).status_code == status
    assert not EvaluationCode.objects.exists()


def test_the_codes_page_asks_a_visitor_to_sign_in(client, world):
    response = client.post(f"/classes/{world['class'].pk}/codes/", {"count": "5"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not EvaluationCode.objects.exists()


def test_an_archived_class_shows_its_codes_but_issues_no_more(browser, world):
    codes(world, 2)
    cls = world["class"]
    for status in ("running", "finished", "archived"):
        services.class_move(user=_user("tA_curator"), pk=cls.pk, status=status)
    client = browser("tA_teacher")
    page = client.get(f"/classes/{cls.pk}/codes/")
    assert page.status_code == 200 and len(page.context["cards"]) == 2
    assert 'name="count"' not in page.content.decode()
    assert client.post(f"/classes/{cls.pk}/codes/", {"count": "5"}).status_code == 409
    assert EvaluationCode.objects.count() == 2


# ---- the trainees' pages -----------------------------------------------------------------------


def test_a_trainee_types_a_code_and_rates_a_session_without_an_account(client, world):
    (code,) = codes(world)
    start = client.get("/evaluate/")
    assert start.status_code == 200
    assert "匿名" in start.content.decode() or "anonymous" in start.content.decode()

    typed = client.post("/evaluate/", {"code": f" {code.code[:4].lower()} {code.code[4:]} "})
    assert typed.status_code == 302 and typed["Location"] == f"/evaluate/{code.code}/"

    page = client.get(typed["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert world["class"].title in body and "园区改造实务" in body and "王讲师" in body
    assert [item.session for item in page.context["items"]] == [world["past"]]  # not tomorrow's
    assert page.context["waiting"] == 1
    prefix = f"s{world['past'].pk}"
    assert body.count(f'name="{prefix}-content"') == 5
    assert f'<label for="id_{prefix}-content_0">' in body  # each radio button has its label

    sent = client.post(typed["Location"], answer_form(world["past"], "5", "4", COMMENT))

    assert sent.status_code == 302
    answer = Evaluation.objects.get()
    assert (answer.session, answer.code, answer.content, answer.delivery, answer.comment) == (
        world["past"],
        code,
        5,
        4,
        COMMENT,
    )
    after = client.get(typed["Location"])
    assert after.context["items"][0].answered
    assert f'name="{prefix}-content"' not in after.content.decode()


def test_a_second_answer_for_the_same_session_is_refused_and_changes_nothing(client, world):
    (code,) = codes(world)
    rate(world, code, 5, 4, COMMENT)
    response = client.post(f"/evaluate/{code.code}/", answer_form(world["past"], "1", "1", "差"))
    assert response.status_code == 409
    assert response.context["items"][0].form.non_field_errors()
    answer = Evaluation.objects.get()
    assert (answer.content, answer.delivery, answer.comment) == (5, 4, COMMENT)


def test_a_rating_out_of_range_is_said_beside_it_and_the_input_is_kept(client, world):
    (code,) = codes(world)
    response = client.post(f"/evaluate/{code.code}/", answer_form(world["past"], "6", "4", COMMENT))
    assert response.status_code == 400
    form = response.context["items"][0].form
    assert set(form.errors) == {"content"}
    body = response.content.decode()
    prefix = f"s{world['past'].pk}"
    assert f'id="id_{prefix}-content-error"' in body
    assert f'value="4" id="id_{prefix}-delivery_3" checked' in body or re.search(
        rf'<input[^>]*name="{prefix}-delivery"[^>]*value="4"[^>]*checked', body
    )
    assert f"{COMMENT}</textarea>" in body
    assert not Evaluation.objects.exists()


def test_a_missing_rating_is_refused(client, world):
    (code,) = codes(world)
    response = client.post(f"/evaluate/{code.code}/", answer_form(world["past"], None, "4"))
    assert response.status_code == 400
    assert set(response.context["items"][0].form.errors) == {"content"}
    assert not Evaluation.objects.exists()


def test_a_session_yet_to_come_or_of_another_class_cannot_be_answered(client, world):
    (code,) = codes(world)
    later = client.post(f"/evaluate/{code.code}/", answer_form(world["future"]))
    assert later.status_code == 409
    other = TrainingClassFactory(host_code="440604011", start_date=world["class"].start_date)
    begin, finish = slot(other, 0, "14:00", "15:00")
    elsewhere = services.session_add(
        user=_user("tA2_teacher"),
        class_pk=other.pk,
        data=SessionInput(begin, finish, world["course"].pk, [world["lecturer"].pk]),
    )
    assert client.post(f"/evaluate/{code.code}/", answer_form(elsewhere)).status_code == 404
    assert not Evaluation.objects.exists()


def test_an_unknown_code_is_said_beside_the_field_with_the_input_kept(client, world):
    response = client.post("/evaluate/", {"code": "NOSUCHXX"})
    assert response.status_code == 400
    assert response.context["form"].errors["code"]
    body = response.content.decode()
    assert 'value="NOSUCHXX"' in body and 'id="code-error"' in body


def test_an_unknown_code_in_the_address_is_a_404_page(client, world):
    response = client.get("/evaluate/NOSUCHXX/")
    assert response.status_code == 404
    assert 'href="/evaluate/"' in response.content.decode()
    (code,) = codes(world)
    assert client.get(f"/evaluate/{code.code.lower()}/")["Location"] == f"/evaluate/{code.code}/"


def test_an_archived_classs_codes_answer_no_more(client, world):
    (code,) = codes(world)
    for status in ("running", "finished", "archived"):
        services.class_move(user=_user("tA_curator"), pk=world["class"].pk, status=status)
    assert client.get(f"/evaluate/{code.code}/").status_code == 404
    assert client.post(f"/evaluate/{code.code}/", answer_form(world["past"])).status_code == 404
    assert not Evaluation.objects.exists()


def test_the_trainees_forms_are_csrf_protected(world):
    (code,) = codes(world)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/evaluate/", {"code": code.code}).status_code == 403
    refused = strict.post(f"/evaluate/{code.code}/", answer_form(world["past"]))
    assert refused.status_code == 403
    assert not Evaluation.objects.exists()
    page = strict.get(f"/evaluate/{code.code}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    data = {**answer_form(world["past"]), "csrfmiddlewaretoken": token}
    assert strict.post(f"/evaluate/{code.code}/", data).status_code == 302


def test_guessing_codes_is_refused_after_too_many_unknown_ones(client, world, monkeypatch):
    monkeypatch.setattr(guard, "EVALUATE_MAX_FAILURES", 3)
    (code,) = codes(world)
    for guess in ("AAAAAAAA", "BBBBBBBB"):
        assert client.post("/evaluate/", {"code": guess}).status_code == 400
    assert client.get("/evaluate/CCCCCCCC/").status_code == 404
    assert client.get(f"/evaluate/{code.code}/").status_code == 429
    assert client.post("/evaluate/", {"code": code.code}).status_code == 429
    refused = client.post(f"/evaluate/{code.code}/", answer_form(world["past"]))
    assert refused.status_code == 429
    assert not Evaluation.objects.exists()
    # Another address is not locked out by this one's guesses.
    other = client.get(f"/evaluate/{code.code}/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


# ---- "taught in classes" on the library pages --------------------------------------------------


def test_the_course_page_shows_where_it_was_taught_and_its_ratings(browser, world):
    first, second = codes(world, 2)
    rate(world, first, 5, 4, COMMENT)
    rate(world, second, 4, 3)
    page = browser("tA_viewer").get(f"/library/courses/{world['course'].pk}/")
    taught = page.context["taught"]
    assert (taught["ratings"].count, taught["ratings"].content, taught["ratings"].delivery) == (
        2,
        4.5,
        3.5,
    )
    body = page.content.decode()
    assert "4.50" in body and "3.50" in body
    assert f'href="/classes/{world["class"].pk}/"' in body  # the host's member opens the class
    assert COMMENT not in body  # a viewer of the course's owner: the averages only
    curator = browser("tA_curator").get(f"/library/courses/{world['course'].pk}/")
    assert COMMENT in curator.content.decode()  # the owner's curator reads the comments


def test_comments_and_class_titles_are_hidden_from_a_viewer_of_another_school(browser, world):
    (code,) = codes(world)
    rate(world, code, 5, 4, COMMENT)
    page = browser("tA2_teacher").get(f"/library/courses/{world['course'].pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert page.context["taught"]["ratings"].count == 1  # the averages: whoever sees the course
    assert page.context["taught"]["comments"] is None
    assert COMMENT not in body
    assert world["class"].title not in body
    assert f'href="/classes/{world["class"].pk}/"' not in body
    assert world["class"].host.name in body


def test_the_lecturers_page_lists_the_sessions_and_links_the_teaching_record(browser, world):
    (code,) = codes(world)
    rate(world, code, 3, 5, COMMENT)
    page = browser("tA2_teacher").get(f"/library/faculty/{world['lecturer'].pk}/")
    body = page.content.decode()
    assert f'href="/faculty/{world["lecturer"].pk}/record/"' in body
    assert f'href="/faculty/{world["lecturer"].pk}/record.xlsx"' in body
    assert page.context["taught"]["ratings"].count == 1
    assert [s.pk for s in page.context["taught"]["sessions"]] == [
        world["future"].pk,
        world["past"].pk,
    ]
    # The course was published to 禅城, which 石湾 is in: its title shows, not the class's.
    assert "园区改造实务" in body and world["class"].title not in body
    assert COMMENT not in body
    # The comments follow the course, not the lecturer: the lecturer's own school (the city)
    # does not read them; the course's curators do.
    assert (
        COMMENT
        not in browser("muni_teacher")
        .get(f"/library/faculty/{world['lecturer'].pk}/")
        .content.decode()
    )
    assert (
        COMMENT
        in browser("tA_curator").get(f"/library/faculty/{world['lecturer'].pk}/").content.decode()
    )


def test_an_untaught_course_says_so_and_asks_no_ratings(browser, persona):
    course = published(CourseFactory, persona)
    with CaptureQueriesContext(connection) as ctx:
        page = browser("tA_teacher").get(f"/library/courses/{course.pk}/")
    assert page.context["taught"]["ratings"] is None
    assert not [q for q in ctx.captured_queries if "classes_evaluation" in q["sql"]]


def test_the_course_page_costs_the_same_for_one_session_or_many(
    browser, world, django_assert_max_num_queries
):
    client = browser("tA_curator")
    (code,) = codes(world)
    rate(world, code, 5, 4, COMMENT)
    path = f"/library/courses/{world['course'].pk}/"
    clear_caches()
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    more = codes(world, 6)
    for hour in range(12, 18):
        session = world["session"](0, f"{hour}:00", f"{hour}:30")
        for extra in more:
            services.evaluation_submit(
                code=extra.code, session_pk=session.pk, content=4, delivery=4, comment="好"
            )
    clear_caches()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(path)
    assert len(page.context["taught"]["sessions"]) == 8
    assert len(page.context["taught"]["comments"]) == 20  # the latest only


def test_the_site_page_links_its_calendar_only_for_the_owners_members(browser, world):
    path = f"/library/sites/{world['site'].pk}/"
    calendar = f'href="/sites/{world["site"].pk}/calendar/"'
    assert calendar in browser("muni_teacher").get(path).content.decode()
    assert calendar not in browser("tA_teacher").get(path).content.decode()


# ---- a lecturer's teaching record -------------------------------------------------------------


def test_the_teaching_record_page_and_workbook(browser, world):
    (code,) = codes(world)
    rate(world, code, 4, 5)
    client = browser("tA2_teacher")  # sees the network's lecturer, not the class
    page = client.get(f"/faculty/{world['lecturer'].pk}/record/")
    assert page.status_code == 200
    (row,) = page.context["rows"]
    year = timezone.localdate().year
    assert (row.year, row.classes, row.sessions, row.hours, row.evaluations) == (year, 1, 2, 4.0, 1)
    assert world["class"].title not in page.content.decode()

    download = client.get(f"/faculty/{world['lecturer'].pk}/record.xlsx")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert sheet["A1"].value == "王讲师"
    assert list(sheet.iter_rows(min_row=5, values_only=True)) == [(year, 1, 2, 4, 4, 5, 1)]


def test_the_teaching_record_of_a_lecturer_out_of_sight_is_404(browser, persona):
    draft = LecturerFactory(owner_code="440605011", author=persona("tB_teacher"))
    client = browser("tA_teacher")
    assert client.get(f"/faculty/{draft.pk}/record/").status_code == 404
    assert client.get(f"/faculty/{draft.pk}/record.xlsx").status_code == 404


def test_the_teaching_record_costs_the_same_for_one_year_or_many(
    browser, world, django_assert_max_num_queries
):
    client = browser("tA_teacher")
    path = f"/faculty/{world['lecturer'].pk}/record/"
    _, few = _count(client, "get", path)
    assert few <= 12
    for years_ago in (1, 2, 3):
        start = world["class"].start_date - timedelta(days=366 * years_ago)
        earlier = TrainingClassFactory(start_date=start, end_date=start)
        begin, finish = slot(earlier, 0, "09:00", "10:00")
        services.session_add(
            user=_user("tA_teacher"),
            class_pk=earlier.pk,
            data=SessionInput(begin, finish, world["course"].pk, [world["lecturer"].pk]),
        )
    clear_caches()
    with django_assert_max_num_queries(few):
        page = client.get(path)
    assert len(page.context["rows"]) == 4
    clear_caches()
    with django_assert_max_num_queries(few):
        assert client.get(f"{path[:-1]}.xlsx").status_code == 200


# ---- visits: requests and the site's calendar ---------------------------------------------------


def test_the_sites_curator_sees_the_request_and_confirms_it(browser, world):
    client = browser("muni_curator")
    page = client.get("/visits/")
    assert [v.pk for v in page.context["waiting"]] == [world["visit"].pk]
    body = page.content.decode()
    assert world["class"].title in body and world["class"].host.name in body
    assert "智造产业园" in body and ">30<" in body

    done = client.post("/visits/", {"visit": world["visit"].pk, "decision": "confirm"})

    assert done.status_code == 302
    visit = SiteVisit.objects.get()
    assert (visit.status, visit.decided_by.username) == (VisitStatus.CONFIRMED, "muni_curator")
    after = client.get("/visits/")
    assert after.context["waiting"] == [] and [v.pk for v in after.context["recent"]] == [visit.pk]


def test_declining_needs_a_reason_said_beside_the_field(browser, world):
    client = browser("muni_curator")
    data = {"visit": world["visit"].pk, "decision": "decline", f"v{world['visit'].pk}-reason": " "}
    refused = client.post("/visits/", data)
    assert refused.status_code == 400
    assert refused.context["waiting"][0].form.errors["reason"]
    assert f'id="id_v{world["visit"].pk}-reason-error"' in refused.content.decode()
    assert SiteVisit.objects.get().status == VisitStatus.REQUESTED

    data[f"v{world['visit'].pk}-reason"] = "闭园检修"
    assert client.post("/visits/", data).status_code == 302
    visit = SiteVisit.objects.get()
    assert (visit.status, visit.reason) == (VisitStatus.DECLINED, "闭园检修")


@pytest.mark.parametrize(
    ("who", "status"), [("muni_teacher", 403), ("tA_teacher", 404), ("dB_curator", 404)]
)
def test_who_may_not_answer_a_visit_changes_nothing(browser, world, who, status):
    client = browser(who)
    assert client.get("/visits/").context["waiting"] == []
    response = client.post("/visits/", {"visit": world["visit"].pk, "decision": "confirm"})
    assert response.status_code == status
    visit = SiteVisit.objects.get()
    assert (visit.status, visit.decided_by) == (VisitStatus.REQUESTED, None)


def test_an_answered_visit_cannot_be_answered_again(browser, world):
    services.visit_decide(user=_user("muni_admin"), pk=world["visit"].pk, confirm=True)
    data = {
        "visit": world["visit"].pk,
        "decision": "decline",
        f"v{world['visit'].pk}-reason": "改期",
    }
    response = browser("muni_curator").post("/visits/", data)
    assert response.status_code == 409
    visit = SiteVisit.objects.get()
    assert (visit.status, visit.reason, visit.decided_by.username) == (
        "confirmed",
        "",
        "muni_admin",
    )


def test_the_sites_calendar_is_for_the_owners_members(browser, world):
    page = browser("muni_teacher").get(f"/sites/{world['site'].pk}/calendar/")
    assert page.status_code == 200
    (month,) = page.context["months"]
    (day,) = month["days"]
    assert day["day"] == timezone.localtime(world["visit"].starts_at).date()
    assert [v.pk for v in day["visits"]] == [world["visit"].pk]
    assert world["class"].title in page.content.decode()
    for outsider in ("tA_teacher", "dA_curator"):
        assert browser(outsider).get(f"/sites/{world['site'].pk}/calendar/").status_code == 404
    assert browser("muni_teacher").get("/sites/999999/calendar/").status_code == 404


# ---- query budgets ----------------------------------------------------------------------------


def _count(client, method, path, data=None):
    clear_caches()
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(path, data or {})
    return response, len(ctx.captured_queries)


def test_the_code_sheet_and_issuing_cost_the_same_for_few_codes_or_many(
    browser, world, django_assert_max_num_queries
):
    client = browser("tA_teacher")
    path = f"/classes/{world['class'].pk}/codes/"
    response, issue = _count(client, "post", path, {"count": "2"})
    assert response.status_code == 302
    _, few = _count(client, "get", path)
    clear_caches()
    with django_assert_max_num_queries(issue):
        assert client.post(path, {"count": "40"}).status_code == 302
    clear_caches()
    with django_assert_max_num_queries(few):
        page = client.get(path)
    assert len(page.context["cards"]) == 42


def test_the_trainees_page_and_answer_cost_the_same_for_one_session_or_many(
    client, world, django_assert_max_num_queries
):
    (code,) = codes(world)
    path = f"/evaluate/{code.code}/"
    _, few = _count(client, "get", path)
    response, answer = _count(client, "post", path, answer_form(world["past"]))
    assert response.status_code == 302
    for hour in range(12, 18):
        world["session"](0, f"{hour}:00", f"{hour}:30")
    clear_caches()
    with django_assert_max_num_queries(few):
        page = client.get(path)
    assert len(page.context["items"]) == 7
    clear_caches()
    with django_assert_max_num_queries(answer):
        latest = page.context["items"][-1].session
        assert client.post(path, answer_form(latest)).status_code == 302


def test_the_visit_pages_cost_the_same_for_one_visit_or_many(
    browser, world, persona, django_assert_max_num_queries
):
    client = browser("muni_curator")
    _, requests_few = _count(client, "get", "/visits/")
    calendar = f"/sites/{world['site'].pk}/calendar/"
    _, calendar_few = _count(client, "get", calendar)
    for hour in range(12, 18):
        world["session"](2, f"{hour}:00", f"{hour}:30", site=world["site"].pk, visitors=20)
    answered = SiteVisit.objects.order_by("-id").first()
    _, decide = _count(client, "post", "/visits/", {"visit": answered.pk, "decision": "confirm"})
    clear_caches()
    with django_assert_max_num_queries(requests_few):
        page = client.get("/visits/")
    assert len(page.context["waiting"]) == 6 and len(page.context["recent"]) == 1
    clear_caches()
    with django_assert_max_num_queries(calendar_few):
        assert len(client.get(calendar).context["months"][0]["days"][0]["visits"]) == 7
    clear_caches()
    with django_assert_max_num_queries(decide):
        assert (
            client.post("/visits/", {"visit": world["visit"].pk, "decision": "confirm"}).status_code
            == 302
        )
