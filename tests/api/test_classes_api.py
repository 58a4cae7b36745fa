"""/api/v1/classes/, /site-visits/ and /evaluations/: the training classes over HTTP, with the
libraries' contract (problem+json naming the field, ETag and If-Match, Idempotency-Key,
cursor pages) and the timetable's own answers (a clash is 409 naming it)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.api.models import IdempotencyKey
from apps.classes import services
from apps.classes.models import (
    ClassTheme,
    Evaluation,
    EvaluationCode,
    Session,
    SessionLecturer,
    SiteVisit,
    TrainingClass,
)
from apps.classes.services import SessionInput, session_add
from apps.organizations.models import Organization
from apps.taxonomy.models import ThematicDomain
from tests.factories import (
    CourseFactory,
    LecturerFactory,
    TeachingSiteFactory,
    TrainingClassFactory,
    author_at,
    published,
    slot,
)
from tests.helpers import assert_problem, token_client

pytestmark = pytest.mark.django_db

CLASSES = "/api/v1/classes/"


@pytest.fixture
def parts():
    return {
        "course": published(CourseFactory),
        "lecturer": published(LecturerFactory),
        "lecturer2": published(LecturerFactory),
        "site": published(TeachingSiteFactory, capacity=50),
    }


def body_of(cls, parts, day=0, start="09:00", end="11:00", **kw):
    begin, finish = slot(cls, day, start, end)
    return {
        "starts_at": begin.isoformat(),
        "ends_at": finish.isoformat(),
        "course": kw.pop("course", parts["course"].pk),
        "lecturers": kw.pop("lecturers", [parts["lecturer"].pk]),
        **kw,
    }


def add(user, cls, parts, day=0, start="09:00", end="11:00", **kw):
    begin, finish = slot(cls, day, start, end)
    data = SessionInput(
        starts_at=begin,
        ends_at=finish,
        course=kw.pop("course", parts["course"].pk),
        lecturers=kw.pop("lecturers", [parts["lecturer"].pk]),
        **kw,
    )
    return session_add(user=user, class_pk=cls.pk, data=data)


def state():
    """Everything a refused request must leave as it was."""
    return (
        [model_to_dict(c) for c in TrainingClass.objects.order_by("pk")],
        [model_to_dict(s) for s in Session.objects.order_by("pk")],
        sorted(SessionLecturer.objects.values_list("session_id", "lecturer_id")),
        sorted(SiteVisit.objects.values_list("pk", "status", "reason")),
        EvaluationCode.objects.count(),
        Evaluation.objects.count(),
    )


NEW = {
    "host": "440604010",
    "title": "制造业当家专题班",
    "class_type": "specialised",
    "theme": "manufacturing-first",
    "domains": ["industrial-system"],
    "partners": ["440604011"],
    "start_date": "2026-05-12",
    "end_date": "2026-05-14",
    "trainee_count": 45,
    "cadre_level": "section",
    "trainee_units": "祖庙街道各社区",
    "venue": "祖庙街道党校",
}


# ---- a class: create, read, edit, delete ------------------------------------------------------


def test_create_read_patch_delete_with_etags(api):
    client = api("tA_teacher")
    created = client.post(CLASSES, NEW, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert created["ETag"] == '"1"'
    assert {k: body[k] for k in NEW} == NEW
    assert body["status"] == "planned" and body["version"] == 1
    assert body["actions"] == ["edit"]  # a teacher edits; only curators move the status
    assert set(body) == {*NEW, "id", "status", "version", "created_at", "actions"}
    url = f"{CLASSES}{body['id']}/"

    read = client.get(url)
    assert read.status_code == 200 and read["ETag"] == '"1"' and read.json() == body

    changed = client.patch(
        url, {"title": "制造业当家专题班（二期）"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    assert changed.json()["title"] == "制造业当家专题班（二期）"
    assert changed.json()["partners"] == ["440604011"]  # what was not sent stays

    before = state()
    stale = client.patch(url, {"title": "过期的修改"}, format="json", HTTP_IF_MATCH='"1"')
    assert_problem(stale, 412)
    assert state() == before

    assert_problem(client.delete(url, HTTP_IF_MATCH='"1"'), 412)
    assert client.delete(url, HTTP_IF_MATCH='"2"').status_code == 204
    assert not TrainingClass.objects.exists()


def test_a_token_change_without_if_match_is_428_and_changes_nothing(persona):
    cls = TrainingClassFactory()
    client, _token = token_client(persona("tA_curator"))
    before = state()
    assert_problem(client.patch(f"{CLASSES}{cls.pk}/", {"title": "无版本"}, format="json"), 428)
    assert_problem(client.delete(f"{CLASSES}{cls.pk}/"), 428)
    moved = client.post(
        f"{CLASSES}{cls.pk}/move/", {"status": "running"}, format="json", HTTP_IDEMPOTENCY_KEY="m1"
    )
    assert_problem(moved, 428)
    assert state() == before
    # With it, the same change goes through.
    moved = client.post(
        f"{CLASSES}{cls.pk}/move/",
        {"status": "running"},
        format="json",
        HTTP_IF_MATCH='"1"',
        HTTP_IDEMPOTENCY_KEY="m1",
    )
    assert moved.status_code == 200 and moved.json()["status"] == "running"
    assert moved["ETag"] == '"2"'


def test_a_token_post_replays_with_its_idempotency_key(persona):
    client, _token = token_client(persona("tA_teacher"))
    assert_problem(client.post(CLASSES, NEW, format="json"), 400)  # no key
    assert not TrainingClass.objects.exists()
    first = client.post(CLASSES, NEW, format="json", HTTP_IDEMPOTENCY_KEY="class-1")
    again = client.post(CLASSES, NEW, format="json", HTTP_IDEMPOTENCY_KEY="class-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again["ETag"] == first["ETag"]
    assert again.json() == first.json()
    assert TrainingClass.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    other = client.post(
        CLASSES, {**NEW, "title": "另一个"}, format="json", HTTP_IDEMPOTENCY_KEY="class-1"
    )
    assert_problem(other, 422)
    assert TrainingClass.objects.count() == 1


def test_the_list_is_in_cursor_pages_shaped_like_the_libraries(api):
    for _ in range(3):
        TrainingClassFactory()
    client = api("tA_viewer")
    first = client.get(CLASSES, {"page_size": 2})
    assert first.status_code == 200
    assert set(first.json()) == set(client.get("/api/v1/courses/").json())
    assert set(first.json()) == {"next", "previous", "results"}
    assert len(first.json()["results"]) == 2 and first.json()["next"]
    second = client.get(first.json()["next"])
    assert len(second.json()["results"]) == 1 and second.json()["next"] is None
    ids = [c["id"] for c in first.json()["results"] + second.json()["results"]]
    assert sorted(ids, reverse=True) == ids and len(set(ids)) == 3
    assert_problem(client.get(CLASSES, {"cursor": "bm9wZQ"}), 404)


def test_the_filters(api, org):
    this_year = TrainingClassFactory(start_date=timezone.localdate().replace(month=3, day=1))
    running = TrainingClassFactory(status="running", class_type="main")
    nanhai = TrainingClassFactory(host_code="440605011")
    client = api("muni_curator")

    def ids(**params):
        response = client.get(CLASSES, params)
        assert response.status_code == 200, response.content
        return {c["id"] for c in response.json()["results"]}

    assert ids() == {this_year.pk, running.pk, nanhai.pk}
    assert ids(year=this_year.start_date.year) >= {this_year.pk}
    assert ids(year=1999) == set()
    assert ids(status="running") == {running.pk}
    assert ids(class_type="main") == {running.pk}
    assert ids(host="440605011") == {nanhai.pk}
    assert ids(within="440604") == {this_year.pk, running.pk}
    assert ids(within="440605") == {nanhai.pk}
    for name, value in [("year", "abc"), ("within", "nowhere"), ("status", "x"), ("host", "?")]:
        assert_problem(client.get(CLASSES, {name: value}), 400, fields=[name])


def test_bad_input_is_400_naming_the_field_and_creates_nothing(api):
    client = api("tA_teacher")
    cases = [
        ({**NEW, "title": ""}, ["title"]),
        ({k: v for k, v in NEW.items() if k != "trainee_count"}, ["trainee_count"]),
        ({**NEW, "trainee_count": 0}, ["trainee_count"]),
        ({**NEW, "host": "nowhere"}, ["host"]),
        ({**NEW, "theme": "no-such-theme"}, ["theme"]),
        ({**NEW, "partners": ["440600-fgj"]}, ["partners"]),  # a department is no school
        ({**NEW, "end_date": "2026-05-01"}, ["end_date"]),
        ({**NEW, "start_date": "12/05/2026"}, ["start_date"]),
    ]
    for body, fields in cases:
        assert_problem(client.post(CLASSES, body, format="json"), 400, fields=fields)
    assert not TrainingClass.objects.exists()
    # A school the teacher does not belong to: 403, nothing made.
    assert_problem(client.post(CLASSES, {**NEW, "host": "440605011"}, format="json"), 403)
    assert not TrainingClass.objects.exists()

    cls = TrainingClassFactory()
    before = state()
    moved = client.patch(f"{CLASSES}{cls.pk}/", {"host": "440604011"}, format="json")
    assert_problem(moved, 400, fields=["host"])
    assert state() == before


def test_refusals_change_nothing(api):
    cls = TrainingClassFactory()
    url = f"{CLASSES}{cls.pk}/"
    before = state()
    assert_problem(api("tA_viewer").patch(url, {"title": "x"}, format="json"), 403)
    assert_problem(api("tA_teacher").post(f"{url}move/", {"status": "running"}), 403)
    assert_problem(api("tB_teacher").patch(url, {"title": "x"}, format="json"), 404)
    assert_problem(api("tB_teacher").delete(url), 404)
    assert_problem(api("tA_curator").post(f"{url}move/", {"status": "finished"}), 409)
    assert_problem(api("tA_curator").post(f"{url}move/", {"status": "gone"}), 400, ["status"])
    assert_problem(APIClient().get(url), 401)
    assert state() == before
    # Archived: no change of the class or its timetable any more (409).
    TrainingClass.objects.filter(pk=cls.pk).update(status="archived")
    before = state()
    assert_problem(api("tA_teacher").patch(url, {"title": "x"}, format="json"), 409)
    assert state() == before


# ---- the timetable ----------------------------------------------------------------------------


def test_a_session_is_added_read_edited_and_removed(api, parts):
    cls = TrainingClassFactory()
    client = api("tA_teacher")
    url = f"{CLASSES}{cls.pk}/sessions/"
    created = client.post(
        url, body_of(cls, parts, site=parts["site"].pk, note="带队"), format="json"
    )
    assert created.status_code == 201, created.content
    assert created["ETag"] == '"1"'
    session = created.json()
    assert session["course"] == {"id": parts["course"].pk, "title": parts["course"].title}
    assert session["course_version"] == parts["course"].version
    assert session["lecturers"] == [{"id": parts["lecturer"].pk, "title": parts["lecturer"].title}]
    assert session["visit"] == {
        "site": {"id": parts["site"].pk, "title": parts["site"].title},
        "visitors": cls.trainee_count,
        "status": "requested",
        "reason": "",
    }
    assert session["note"] == "带队" and session["version"] == 1
    one = f"{url}{session['id']}/"
    assert client.get(one).json() == session
    listed = client.get(url).json()
    assert listed["results"] == [session] and listed["next"] is None

    # PATCH changes what is sent; the rest stays.
    patched = client.patch(
        one, {"lecturers": [parts["lecturer2"].pk]}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert patched.status_code == 200 and patched["ETag"] == '"2"'
    assert [lec["id"] for lec in patched.json()["lecturers"]] == [parts["lecturer2"].pk]
    assert patched.json()["visit"]["site"]["id"] == parts["site"].pk
    # PUT replaces it all: no site sent, no visit.
    put = client.put(one, body_of(cls, parts, start="14:00", end="16:00"), format="json")
    assert put.status_code == 200 and put.json()["visit"] is None
    assert not SiteVisit.objects.exists()
    before = state()
    assert_problem(client.delete(one, HTTP_IF_MATCH='"2"'), 412)
    assert state() == before
    assert client.delete(one, HTTP_IF_MATCH='"3"').status_code == 204
    assert not Session.objects.exists()


def test_a_clash_is_409_naming_the_class_the_session_and_the_time(api, parts, persona):
    mine = TrainingClassFactory()
    theirs = TrainingClassFactory(host_code="440605011", start_date=mine.start_date)
    seen = TrainingClassFactory(start_date=mine.start_date)  # 祖庙's too: the teacher sees it
    first = add(persona("tB_teacher"), theirs, parts, start="09:00", end="11:00")
    own = add(persona("tA_teacher"), seen, parts, lecturers=[parts["lecturer2"].pk])
    client = api("tA_teacher")
    url = f"{CLASSES}{mine.pk}/sessions/"
    before = state()

    hidden = client.post(url, body_of(mine, parts, start="10:00", end="12:00"), format="json")
    body = assert_problem(hidden, 409, fields=["lecturers"])
    assert body["clash"] == {
        "kind": "lecturer",
        "name": parts["lecturer"].title,
        "class": None,  # another district's class: only its host is named
        "class_title": None,
        "host": theirs.host.name,
        "session": None,
        "starts_at": timezone.localtime(first.starts_at).isoformat(),
        "ends_at": timezone.localtime(first.ends_at).isoformat(),
    }
    visible = client.post(
        url, body_of(mine, parts, lecturers=[parts["lecturer2"].pk]), format="json"
    )
    body = assert_problem(visible, 409, fields=["lecturers"])
    assert body["clash"]["class"] == seen.pk and body["clash"]["session"] == own.pk
    assert body["clash"]["class_title"] == seen.title
    assert seen.title in body["detail"]
    assert state() == before

    # The site: booked by the first visit, refused to the second (naming site).
    add(persona("tA_teacher"), seen, parts, day=1, lecturers=[parts["lecturer2"].pk],
        site=parts["site"].pk)  # fmt: skip
    before = state()
    site = client.post(url, body_of(mine, parts, day=1, site=parts["site"].pk), format="json")
    body = assert_problem(site, 409, fields=["site"])
    assert body["clash"]["kind"] == "site" and body["clash"]["class"] == seen.pk
    assert state() == before


def test_a_course_the_host_may_not_use_is_400_naming_course(api, parts):
    cls = TrainingClassFactory()
    elsewhere = CourseFactory(owner_code="440605011", author=author_at("440605011"))
    before = state()
    refused = api("tA_teacher").post(
        f"{CLASSES}{cls.pk}/sessions/", body_of(cls, parts, course=elsewhere.pk), format="json"
    )
    assert_problem(refused, 400, fields=["course"])
    for body, field in [
        (body_of(cls, parts, lecturers=[]), "lecturers"),
        (body_of(cls, parts, day=5), "starts_at"),  # outside the class's days
        ({**body_of(cls, parts), "ends_at": body_of(cls, parts)["starts_at"]}, "ends_at"),
        (body_of(cls, parts, course="abc"), "course"),
    ]:
        response = api("tA_teacher").post(f"{CLASSES}{cls.pk}/sessions/", body, format="json")
        assert_problem(response, 400, fields=[field])
    assert state() == before


# ---- site visits ------------------------------------------------------------------------------


def test_the_site_owner_answers_a_visit(api, parts, persona):
    cls = TrainingClassFactory()
    session = add(persona("tA_teacher"), cls, parts, site=parts["site"].pk)
    visit = session.visit
    listed = api("muni_curator").get("/api/v1/site-visits/").json()["results"]
    assert [v["id"] for v in listed] == [visit.pk]
    assert listed[0]["training_class"]["title"] == cls.title
    assert listed[0]["status"] == "requested"
    assert api("tA_teacher").get("/api/v1/site-visits/").json()["results"] == []

    before = state()
    url = f"/api/v1/site-visits/{visit.pk}/"
    assert_problem(api("tA_teacher").post(f"{url}confirm/"), 404)  # not its site
    assert_problem(api("muni_teacher").post(f"{url}confirm/"), 403)  # not a curator
    assert_problem(api("muni_curator").post(f"{url}decline/", {}), 400, fields=["reason"])
    assert state() == before
    declined = api("muni_curator").post(f"{url}decline/", {"reason": "闭园检修"}, format="json")
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined" and declined.json()["reason"] == "闭园检修"
    assert_problem(api("muni_curator").post(f"{url}confirm/"), 409)  # answered already


# ---- evaluation codes and trainees' evaluations -----------------------------------------------


def test_codes_and_a_trainee_evaluation_without_an_account(api, parts, persona):
    cls = TrainingClassFactory(start_date=timezone.localdate() - timedelta(days=3))
    session = add(persona("tA_teacher"), cls, parts)
    later = add(persona("tA_teacher"), cls, parts, day=1)
    issued = api("tA_teacher").post(f"{CLASSES}{cls.pk}/codes/", {"count": 3}, format="json")
    assert issued.status_code == 201
    codes = [c["code"] for c in issued.json()["codes"]]
    assert len(codes) == 3 == EvaluationCode.objects.filter(training_class=cls).count()
    listed = api("tA_curator").get(f"{CLASSES}{cls.pk}/codes/").json()
    assert [c["code"] for c in listed["results"]] == codes
    assert_problem(api("tA_viewer").get(f"{CLASSES}{cls.pk}/codes/"), 403)
    assert_problem(api("tB_teacher").get(f"{CLASSES}{cls.pk}/codes/"), 404)
    for count in (0, 501, "x"):
        refused = api("tA_teacher").post(f"{CLASSES}{cls.pk}/codes/", {"count": count})
        assert_problem(refused, 400, fields=["count"])
    assert EvaluationCode.objects.count() == 3

    trainee = APIClient(enforce_csrf_checks=True)  # no account, no session, no CSRF token
    shown = trainee.get("/api/v1/evaluations/sessions/", {"code": codes[0].lower()})
    assert shown.status_code == 200
    assert shown.json() == {
        "class_title": cls.title,
        "sessions": [
            {
                "id": s.pk,
                "starts_at": timezone.localtime(s.starts_at).isoformat(),
                "ends_at": timezone.localtime(s.ends_at).isoformat(),
                "course": parts["course"].title,
                "lecturers": [parts["lecturer"].title],
                "answered": False,
            }
            for s in (session, later)
        ],
    }
    answer = {"code": codes[0], "session": session.pk, "content": 5, "delivery": 4}
    answered = trainee.post("/api/v1/evaluations/", {**answer, "comment": "很实用"}, format="json")
    assert answered.status_code == 201, answered.content
    assert answered.json() == {
        "session": session.pk,
        "content": 5,
        "delivery": 4,
        "comment": "很实用",
    }
    shown = trainee.get("/api/v1/evaluations/sessions/", {"code": codes[0]}).json()
    assert [s["answered"] for s in shown["sessions"]] == [True, False]

    other = TrainingClassFactory(start_date=cls.start_date)
    elsewhere = add(persona("tA_teacher"), other, parts, start="14:00", end="15:00")
    before = state()
    assert_problem(trainee.post("/api/v1/evaluations/", answer, format="json"), 409)  # again
    assert_problem(
        trainee.post("/api/v1/evaluations/", {**answer, "code": "NOPE2345"}, format="json"), 404
    )
    assert_problem(
        trainee.post("/api/v1/evaluations/", {**answer, "content": 7}, format="json"),
        400,
        fields=["content"],
    )
    assert_problem(
        trainee.post("/api/v1/evaluations/", {**answer, "session": elsewhere.pk}, format="json"),
        404,
    )  # a code answers its own class only
    assert_problem(trainee.get("/api/v1/evaluations/sessions/", {"code": "NOPE2345"}), 404)
    assert_problem(trainee.get("/api/v1/evaluations/sessions/"), 400, fields=["code"])
    assert state() == before
    assert Evaluation.objects.count() == 1


# ---- the training figures ---------------------------------------------------------------------


def test_stats_shape_and_values(api, parts, persona):
    first = ClassTheme.objects.filter(manufacturing_first=True).first()
    other = ClassTheme.objects.filter(manufacturing_first=False).first()
    day = timezone.localdate().replace(month=6, day=1)
    held = [
        TrainingClassFactory(start_date=day, theme=first, status="running", trainee_count=40),
        TrainingClassFactory(start_date=day, theme=first, status="finished", trainee_count=30),
        TrainingClassFactory(start_date=day, theme=other, status="archived", trainee_count=20),
        TrainingClassFactory(
            start_date=day, class_type="main", status="finished", trainee_count=50
        ),
    ]
    TrainingClassFactory(start_date=day, theme=first, trainee_count=99)  # planned: not held
    TrainingClassFactory(host_code="440605011", start_date=day, status="running", theme=first)
    add(persona("tA_teacher"), held[0], parts, start="09:00", end="11:30")
    add(persona("tA_teacher"), held[0], parts, day=1, start="09:00", end="10:00")

    client = api("tA_viewer")
    response = client.get(f"{CLASSES}stats/", {"year": day.year, "within": "440604"})
    assert response.status_code == 200
    assert response.json() == {
        "classes": 4,
        "trainee_times": 140,
        "sessions": 2,
        "hours": 3.5,
        "manufacturing_share": 0.6667,
    }
    whole = client.get(f"{CLASSES}stats/", {"year": day.year}).json()
    assert whole["classes"] == 5 and whole["manufacturing_share"] == 0.75
    nothing = client.get(f"{CLASSES}stats/", {"year": 1999}).json()
    assert nothing == {
        "classes": 0,
        "trainee_times": 0,
        "sessions": 0,
        "hours": 0.0,
        "manufacturing_share": None,
    }
    # Any seat may read the figures: a department's submitter too (aggregates, published).
    assert api("dept").get(f"{CLASSES}stats/", {"year": day.year}).json() == whole
    assert_problem(client.get(f"{CLASSES}stats/", {"year": "abc"}), 400, fields=["year"])
    assert_problem(client.get(f"{CLASSES}stats/", {"within": "nowhere"}), 400, fields=["within"])
    assert_problem(APIClient().get(f"{CLASSES}stats/"), 401)
    seatless = User.objects.create_user(username="no_seat")
    nobody = APIClient()
    nobody.force_login(seatless)
    assert_problem(nobody.get(f"{CLASSES}stats/"), 403)


# ---- query budgets ----------------------------------------------------------------------------


def cost(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_class_list_costs_the_same_for_one_row_or_ten(api, django_assert_max_num_queries):
    TrainingClassFactory()
    client = api("tA_teacher")
    one = cost(client, CLASSES)
    partner = Organization.objects.get(code="440604011")
    for _ in range(9):
        cls = TrainingClassFactory(theme=ClassTheme.objects.first())
        cls.partners.set([partner])
        cls.domains.set(ThematicDomain.objects.all()[:2])
    with django_assert_max_num_queries(one):
        response = client.get(CLASSES)
    assert len(response.json()["results"]) == 10


def test_the_timetable_costs_the_same_for_one_session_or_ten(
    api, parts, persona, django_assert_max_num_queries
):
    cls = TrainingClassFactory(end_date=timezone.localdate() + timedelta(days=40))
    teacher = persona("tA_teacher")
    add(teacher, cls, parts, site=parts["site"].pk)
    client = api("tA_teacher")
    url = f"{CLASSES}{cls.pk}/sessions/"
    one = cost(client, url)
    for day in range(1, 10):
        add(teacher, cls, parts, day=day, lecturers=[parts["lecturer"].pk, parts["lecturer2"].pk])
    with django_assert_max_num_queries(one):
        response = client.get(url)
    assert len(response.json()["results"]) == 10


def test_the_visits_to_answer_cost_the_same_for_one_or_six(
    api, parts, persona, django_assert_max_num_queries
):
    cls = TrainingClassFactory(end_date=timezone.localdate() + timedelta(days=40))
    teacher = persona("tA_teacher")
    add(teacher, cls, parts, site=parts["site"].pk)
    client = api("muni_curator")  # the site's owner
    one = cost(client, "/api/v1/site-visits/")
    for day in range(1, 6):
        add(teacher, cls, parts, day=day, site=parts["site"].pk)
    with django_assert_max_num_queries(one):
        response = client.get("/api/v1/site-visits/")
    assert len(response.json()["results"]) == 6


def test_the_codes_cost_the_same_for_one_or_forty(api, persona, django_assert_max_num_queries):
    cls = TrainingClassFactory()
    services.codes_issue(user=persona("tA_teacher"), class_pk=cls.pk, count=1)
    client = api("tA_teacher")
    url = f"{CLASSES}{cls.pk}/codes/"
    one = cost(client, url)
    services.codes_issue(user=persona("tA_teacher"), class_pk=cls.pk, count=39)
    with django_assert_max_num_queries(one):
        response = client.get(url)
    assert len(response.json()["results"]) == 40


def test_adding_a_session_has_a_budget(api, parts, django_assert_max_num_queries):
    cls = TrainingClassFactory()
    client = api("tA_teacher")
    url = f"{CLASSES}{cls.pk}/sessions/"
    # 26 on 2026-11-27: the session, the class read and locked, what it uses checked in one
    # query each, the clash checks, the visit and its notice, and the answer (4 reads).
    with django_assert_max_num_queries(30):
        created = client.post(url, body_of(cls, parts, site=parts["site"].pk), format="json")
    assert created.status_code == 201
