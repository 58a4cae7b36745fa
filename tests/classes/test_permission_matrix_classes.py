"""The permission matrix, class section: who may see and change a training class, through
the API (apps/classes/policy.py, "who").

The class is 祖庙街道党校's (440604010), planned, with 东莞市委党校 (441900, another city's
school) as its partner. Every persona meets every action, each in a test of its own:

    persona          seat                       list  read  edit  session  move  codes
    tA_teacher       host, teacher              yes   200   200   201      403   201
    tA_curator       host, curator              yes   200   200   201      200   201
    tA_viewer        host, viewer               yes   200   403   403      403   403
    dA_curator       district above, curator    yes   200   403   403      403   403
    muni_admin       city above, admin          yes   200   403   403      403   403
    muni_curator     city above, curator        yes   200   403   403      403   403
    partner          441900, teacher            yes   200   403   403      403   403
    tA2_teacher      sibling town, teacher      no    404   404   404      404   404
    tB_teacher       another district's town    no    404   404   404      404   404
    dB_curator       another district, curator  no    404   404   404      404   404
    dept             a department, submitter    no    404   404   404      404   404
    trainee          no account (a code)        401   401   401   401      401   401

A refused write leaves every row as it was: the class, its timetable and codes, and what a
write leaves beside them: an audit event, a queued notification job (the session asks to
visit a site), a stored idempotent reply (the same refusals made again with API tokens and
Idempotency-Keys). A trainee's code opens only its class's sessions to rate
(tests/api/test_classes_api.py rates them); it opens nothing else.
"""

import pytest
from django.forms.models import model_to_dict
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from apps.accounts.models import Membership, User
from apps.api.models import IdempotencyKey
from apps.audit.models import AuditEvent
from apps.classes import services
from apps.classes.models import (
    EvaluationCode,
    Session,
    SessionLecturer,
    SiteVisit,
    TrainingClass,
)
from apps.organizations.models import Organization
from apps.sharing.choices import Scope, Status
from tests.factories import (
    CourseFactory,
    LecturerFactory,
    TeachingSiteFactory,
    TrainingClassFactory,
    slot,
)
from tests.helpers import assert_problem, token_client

pytestmark = pytest.mark.django_db

IN, OUT = "in", "out"
EDITOR = {"read": 200, "edit": 200, "session": 201, "move": 403, "codes": 201, "list": IN}
CURATOR = {**EDITOR, "move": 200}
READER = {"read": 200, "edit": 403, "session": 403, "move": 403, "codes": 403, "list": IN}
OUTSIDER = {"read": 404, "edit": 404, "session": 404, "move": 404, "codes": 404, "list": OUT}
ANONYMOUS = {"read": 401, "edit": 401, "session": 401, "move": 401, "codes": 401, "list": 401}

MATRIX = {
    "tA_teacher": EDITOR,
    "tA_curator": CURATOR,
    "tA_viewer": READER,
    "dA_curator": READER,
    "muni_admin": READER,
    "muni_curator": READER,
    "partner": READER,
    "tA2_teacher": OUTSIDER,
    "tB_teacher": OUTSIDER,
    "dB_curator": OUTSIDER,
    "dept": OUTSIDER,
    "trainee": ANONYMOUS,
}
ACTIONS = ["list", "read", "edit", "session", "move", "codes"]


@pytest.fixture
def world():
    """The class (with its partner, a session and a code) and what a session may use."""
    city = User.objects.get(username="muni_curator")
    shared = {"owner_code": "440600", "author": city, "status": Status.PUBLISHED}
    course = CourseFactory(scope=Scope.NETWORK, **shared)
    lecturer = LecturerFactory(scope=Scope.NETWORK, **shared)
    site = TeachingSiteFactory(scope=Scope.NETWORK, capacity=60, **shared)
    dongguan = Organization.objects.get(code="441900")
    partner = User.objects.create_user(username="partner")
    Membership.objects.create(user=partner, organization=dongguan, role="teacher")
    cls = TrainingClassFactory()
    cls.partners.set([dongguan])
    begin, end = slot(cls, 0, "09:00", "11:00")
    services.session_add(
        user=User.objects.get(username="tA_teacher"),
        class_pk=cls.pk,
        data=services.SessionInput(begin, end, course.pk, [lecturer.pk]),
    )
    services.codes_issue(user=User.objects.get(username="tA_teacher"), class_pk=cls.pk, count=1)
    return {"class": cls, "course": course, "lecturer": lecturer, "site": site}


def client_of(name):
    client = APIClient()
    if name != "trainee":
        client.force_login(User.objects.get(username=name))
    return client


def state():
    """Every row a write of the matrix could leave, its own and beside it."""
    return (
        [model_to_dict(c) for c in TrainingClass.objects.order_by("pk")],
        sorted(TrainingClass.partners.through.objects.values_list("pk", "organization_id")),
        [model_to_dict(s) for s in Session.objects.order_by("pk")],
        sorted(SessionLecturer.objects.values_list("session_id", "lecturer_id")),
        sorted(SiteVisit.objects.values_list("pk", "status")),
        sorted(EvaluationCode.objects.values_list("code", flat=True)),
        sorted(AuditEvent.objects.values_list("pk", "action", "object_id")),  # the trail
        sorted(str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)),  # jobs
        sorted(IdempotencyKey.objects.values_list("user_id", "key")),  # stored replies
    )


def request(client, action, world, **headers):
    """``action`` on the world's class; ``headers``: a token's Idempotency-Key and If-Match."""
    cls = world["class"]
    url = f"/api/v1/classes/{cls.pk}/"
    if action == "list":
        return client.get("/api/v1/classes/")
    if action == "read":
        return client.get(url)
    if action == "edit":
        return client.patch(url, {"title": "改过的班名"}, format="json", **headers)
    if action == "session":
        begin, end = slot(cls, 1, "14:00", "16:00")
        body = {
            "starts_at": begin.isoformat(),
            "ends_at": end.isoformat(),
            "course": world["course"].pk,
            "lecturers": [world["lecturer"].pk],
            "site": world["site"].pk,  # asks the site's owner: a notification job
            "visitors": 30,
        }
        return client.post(f"{url}sessions/", body, format="json", **headers)
    if action == "move":
        return client.post(f"{url}move/", {"status": "running"}, format="json", **headers)
    return client.post(f"{url}codes/", {"count": 2}, format="json", **headers)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("name", list(MATRIX))
def test_the_matrix(world, name, action):
    expected = MATRIX[name][action]
    client = client_of(name)
    before = state()
    response = request(client, action, world)
    if action == "list" and expected in (IN, OUT):
        assert response.status_code == 200
        ids = {c["id"] for c in response.json()["results"]}
        assert (world["class"].pk in ids) == (expected == IN)
        return
    if expected >= 400:
        assert_problem(response, expected)
        assert state() == before  # a refused write changes nothing
        return
    assert response.status_code == expected, response.content
    assert state() != before or action == "read"


WRITES = ["edit", "session", "move", "codes"]


def token_headers(world, name, action) -> dict:
    version = TrainingClass.objects.get(pk=world["class"].pk).version
    return {"HTTP_IDEMPOTENCY_KEY": f"{name}-{action}", "HTTP_IF_MATCH": f'"{version}"'}


@pytest.mark.parametrize("action", WRITES)
@pytest.mark.parametrize(
    "name", [n for n, row in MATRIX.items() if n != "trainee" and row["edit"] >= 400]
)
def test_a_refused_token_write_changes_nothing_and_keeps_no_reply(world, name, action):
    """With a token and an Idempotency-Key: the same refusal, no audit event, no job, and no
    stored reply (a refusal does not use up its key)."""
    expected = MATRIX[name][action]
    client, _token = token_client(User.objects.get(username=name))
    before = state()

    response = request(client, action, world, **token_headers(world, name, action))

    assert_problem(response, expected)
    assert state() == before


def test_a_granted_token_write_leaves_what_the_snapshot_looks_for(world):
    """The control: the snapshot sees an accepted write's trail, job and stored reply."""
    client, _token = token_client(User.objects.get(username="tA_teacher"))
    audited, queued, replies = (
        AuditEvent.objects.count(),
        DBTaskResult.objects.count(),
        IdempotencyKey.objects.count(),
    )

    response = request(client, "session", world, **token_headers(world, "tA_teacher", "session"))

    assert response.status_code == 201, response.content
    assert AuditEvent.objects.count() > audited
    assert DBTaskResult.objects.count() > queued  # the visit request to the site's owner
    assert IdempotencyKey.objects.count() == replies + 1


@pytest.mark.parametrize("name", [n for n, row in MATRIX.items() if row["read"] == 200])
def test_whoever_reads_the_class_reads_its_timetable(world, name):
    response = client_of(name).get(f"/api/v1/classes/{world['class'].pk}/sessions/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


@pytest.mark.parametrize("name", [n for n, row in MATRIX.items() if row["read"] == 404])
def test_outsiders_find_no_timetable_no_session_and_no_codes(world, name):
    cls = world["class"]
    session = cls.sessions.get()
    client = client_of(name)
    for url in (
        f"/api/v1/classes/{cls.pk}/sessions/",
        f"/api/v1/classes/{cls.pk}/sessions/{session.pk}/",
        f"/api/v1/classes/{cls.pk}/codes/",
    ):
        assert_problem(client.get(url), 404)
    before = state()
    assert_problem(client.delete(f"/api/v1/classes/{cls.pk}/sessions/{session.pk}/"), 404)
    assert_problem(client.delete(f"/api/v1/classes/{cls.pk}/"), 404)
    assert state() == before


def test_a_trainee_code_opens_its_class_sessions_and_nothing_else(world):
    code = EvaluationCode.objects.get().code
    trainee = APIClient()
    shown = trainee.get("/api/v1/evaluations/sessions/", {"code": code})
    assert shown.status_code == 200 and set(shown.json()) == {"class_title", "sessions"}
    cls = world["class"]
    for url in (
        "/api/v1/classes/",
        f"/api/v1/classes/{cls.pk}/",
        f"/api/v1/classes/{cls.pk}/sessions/",
        f"/api/v1/classes/{cls.pk}/codes/",
        "/api/v1/classes/stats/",
        "/api/v1/site-visits/",
    ):
        assert_problem(trainee.get(url, {"code": code}), 401)


def test_only_the_host_s_editors_read_the_codes(world):
    cls = world["class"]
    for name, expected in [
        ("tA_teacher", 200),
        ("tA_curator", 200),
        ("tA_viewer", 403),
        ("dA_curator", 403),
        ("partner", 403),
        ("tB_teacher", 404),
    ]:
        response = client_of(name).get(f"/api/v1/classes/{cls.pk}/codes/")
        assert response.status_code == expected, name
    # An archived class's codes are still there for its editors to read.
    TrainingClass.objects.filter(pk=cls.pk).update(status="archived")
    assert client_of("tA_teacher").get(f"/api/v1/classes/{cls.pk}/codes/").status_code == 200
