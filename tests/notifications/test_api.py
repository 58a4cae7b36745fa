"""``/api/v1/notifications/``, mark read, read-all and the unread count in ``/api/v1/me/``.

Nobody reads a notification that is not theirs, nor one about a resource they may not see
now: not listed, not counted, not readable (404). Query counts do not grow with the inbox.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import Membership
from apps.courses.models import Course
from apps.notifications.models import Kind, Notification
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from tests.conftest import ORG, PERSONAS
from tests.factories import CaseFactory, CourseFactory, TeachingSiteFactory
from tests.helpers import assert_problem, token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def note(user, resource, *, kind=Kind.PUBLISHED, minutes_ago=0, read=False, key=None):
    """A notification for ``user`` about ``resource``, as the fan-out writes it."""
    return Notification.objects.create(
        recipient=user,
        kind=kind,
        event_key=key or f"{kind}:{resource._meta.label_lower}:{resource.pk}:{minutes_ago}",
        content_type=ContentType.objects.get_for_model(type(resource)),
        object_id=resource.pk,
        title=resource.title,
        data={"reason": "请补充"} if kind == Kind.REJECTED else {},
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        read_at=timezone.now() if read else None,
    )


@pytest.fixture
def teacher(persona):
    return persona("tA_teacher")


@pytest.fixture
def own(teacher):
    return CourseFactory(owner_code=ORG["TA"], author=teacher)


def test_the_list_is_newest_first_with_the_documented_fields(api, teacher, own):
    site = TeachingSiteFactory(owner_code=ORG["TA"], author=teacher)
    older = note(teacher, own, kind=Kind.REJECTED, minutes_ago=5)
    newer = note(teacher, site, kind=Kind.SITE_LIFECYCLE, minutes_ago=1, read=True)
    response = api("tA_teacher").get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert [item["id"] for item in body["results"]] == [newer.pk, older.pk]
    first, second = body["results"]
    assert first["kind"] == "site_lifecycle" and first["read"] is True
    assert first["resource"] == {"library": "sites", "id": site.pk, "title": site.title}
    assert second["resource"] == {"library": "courses", "id": own.pk, "title": own.title}
    assert second["read"] is False
    assert second["text"] == f"《{own.title}》被退回：请补充"  # Chinese first
    english = api("tA_teacher").get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["results"][1]
    assert english["text"] == f"“{own.title}” was rejected: 请补充"
    assert {"id", "kind", "created_at", "read", "resource"} <= set(first)


def test_unread_filter_and_paging_with_next(api, teacher, own):
    for minutes in range(30):
        note(teacher, own, minutes_ago=minutes, read=minutes % 5 == 0)  # 6 read, 24 unread
    client = api("tA_teacher")
    unread = client.get(URL, {"unread": "true"}).json()
    assert len(unread["results"]) == 20 and all(not i["read"] for i in unread["results"])
    rest = client.get(unread["next"]).json()
    assert len(rest["results"]) == 4 and all(not i["read"] for i in rest["results"])
    assert rest["next"] is None
    read = client.get(URL, {"unread": "false"}).json()
    assert len(read["results"]) == 6 and all(i["read"] for i in read["results"])
    first = client.get(URL, {"page_size": 10}).json()
    second = client.get(first["next"]).json()
    ids = [i["id"] for i in first["results"] + second["results"]]
    assert len(set(ids)) == 20
    newest = Notification.objects.order_by("-created_at").values_list("pk", flat=True)[:20]
    assert ids == list(newest)
    assert_problem(client.get(URL, {"unread": "perhaps"}), 400, ["unread"])


def test_mark_read_and_read_all(api, teacher, own):
    one, *_others = (note(teacher, own, minutes_ago=m) for m in (1, 2, 3))
    client = api("tA_teacher")
    assert client.get("/api/v1/me/").json()["unread_notifications"] == 3
    response = client.post(f"{URL}{one.pk}/read/")
    assert response.status_code == 200 and response.json()["read"] is True
    first_read = Notification.objects.get(pk=one.pk).read_at
    assert client.post(f"{URL}{one.pk}/read/").status_code == 200  # again: unchanged
    assert Notification.objects.get(pk=one.pk).read_at == first_read
    assert client.get("/api/v1/me/").json()["unread_notifications"] == 2
    response = client.post(f"{URL}read-all/")
    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert client.get("/api/v1/me/").json()["unread_notifications"] == 0
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_another_persons_notification_is_404_and_stays_unread(api, teacher, own, persona):
    theirs = note(persona("tA_curator"), own)
    client = api("tA_teacher")
    assert_problem(client.post(f"{URL}{theirs.pk}/read/"), 404)
    assert_problem(client.post(f"{URL}{2**70}/read/"), 404)
    assert client.get(URL).json()["results"] == []
    assert client.post(f"{URL}read-all/").json() == {"marked": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_anonymous_and_read_only_tokens(api, teacher, own):
    mine = note(teacher, own)
    assert_problem(api().get(URL), 401)
    client, _token = token_client(teacher, read_only=True)
    assert client.get(URL).status_code == 200
    assert_problem(client.post(f"{URL}{mine.pk}/read/"), 403)
    assert Notification.objects.get(pk=mine.pk).read_at is None


@pytest.fixture
def lost_submission(persona, deliver):
    """dA_curator was told of a submission, which was then rejected: out of their sight now."""
    course = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    services.resource_submit(Course, user=persona("tA_teacher"), pk=course.pk, scope="district")
    deliver()
    notification = Notification.objects.get(recipient__username="dA_curator")
    services.resource_reject(Course, user=persona("dA_curator"), pk=course.pk, reason="不完整")
    deliver()
    return notification


def test_a_notification_about_a_resource_no_longer_visible_is_hidden(api, lost_submission):
    client = api("dA_curator")
    assert client.get(URL).json()["results"] == []
    assert client.get("/api/v1/me/").json()["unread_notifications"] == 0
    assert_problem(client.post(f"{URL}{lost_submission.pk}/read/"), 404)
    assert client.post(f"{URL}read-all/").json() == {"marked": 0}
    assert Notification.objects.get(pk=lost_submission.pk).read_at is None


def test_a_reader_who_left_the_school_no_longer_reads_about_its_private_resources(
    api, teacher, own
):
    mine = note(teacher, own)
    client = api("tA_teacher")
    assert [i["id"] for i in client.get(URL).json()["results"]] == [mine.pk]
    Membership.objects.filter(user=teacher).delete()
    client = api("tA_teacher")
    assert client.get(URL).json()["results"] == []
    assert_problem(client.post(f"{URL}{mine.pk}/read/"), 404)


# ---- the matrix: each persona, a notification about resources in each state -----------------

STATES = {
    "draft": (Status.DRAFT, Scope.PRIVATE),
    "pending-district": (Status.PENDING, Scope.DISTRICT),
    "published-private": (Status.PUBLISHED, Scope.PRIVATE),
    "published-district": (Status.PUBLISHED, Scope.DISTRICT),
    "published-network": (Status.PUBLISHED, Scope.NETWORK),
    "withdrawn-network": (Status.WITHDRAWN, Scope.NETWORK),
}


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_matrix_each_reader_reads_exactly_what_restrict_lets_them_see(name, api, persona):
    """For every persona, notifications about a course and a case of 祖庙 in every state: listed,
    counted and readable exactly when the library's ``restrict`` shows the resource."""
    author = persona("tA_teacher")
    reader = persona(name)
    notes = {}
    for label, (status, scope) in STATES.items():
        for factory in (CourseFactory, CaseFactory):
            resource = factory(owner_code=ORG["TA"], author=author, status=status, scope=scope)
            notes[note(reader, resource, key=f"{label}:{factory.__name__}")] = resource
    other = note(persona("dB_curator" if name != "dB_curator" else "tB_teacher"), resource)
    expected = {
        n.pk
        for n, resource in notes.items()
        if type(resource).objects.restrict(reader).filter(pk=resource.pk).exists()
    }
    client = api(name)
    listed = {i["id"] for i in client.get(URL, {"page_size": 100}).json()["results"]}
    assert listed == expected
    assert client.get("/api/v1/me/").json()["unread_notifications"] == len(expected)
    for n in [*notes, other]:
        status = client.post(f"{URL}{n.pk}/read/").status_code
        assert status == (200 if n.pk in expected else 404), (name, n.event_key)
    assert Notification.objects.filter(read_at__isnull=False).count() == len(expected)


# ---- query counts ---------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return captured


def fill(user, resource, n):
    for minutes in range(n):
        note(user, resource, minutes_ago=minutes, key=f"fill:{n}:{minutes}")


@pytest.mark.parametrize("auth", ["session", "token"])
def test_the_list_costs_the_same_for_3_and_30_and_never_counts(auth, api, teacher, own):
    client = api("tA_teacher") if auth == "session" else token_client(teacher, warm=True)[0]
    fill(teacher, own, 3)
    client.get(URL)  # warm: content types
    few = count_queries(client, URL)
    fill(teacher, own, 30)
    many = count_queries(client, URL)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert not any("COUNT(" in q["sql"] for q in many.captured_queries)
    # the session's, the user's and their seats' reads, then the page: one query
    assert len(few) == (4 if auth == "session" else 3)


def test_me_counts_unread_in_one_more_query(api, teacher, own):
    client = api("tA_teacher")
    client.get("/api/v1/me/")
    # Nothing unread (most people, most of the time): session, user, the user with memberships
    # and schools (3), then one look at the partial index of unread rows, and nothing else.
    nothing = count_queries(client, "/api/v1/me/")
    assert len(nothing) == 6, [q["sql"] for q in nothing.captured_queries]
    assert client.get("/api/v1/me/").json()["unread_notifications"] == 0
    fill(teacher, own, 30)
    captured = count_queries(client, "/api/v1/me/")
    # With unread rows: then the reader's seats and the count of the readable ones (the
    # lineage is a subquery of the count).
    assert len(captured) == 8, [q["sql"] for q in captured.captured_queries]
    assert client.get("/api/v1/me/").json()["unread_notifications"] == 30
