"""The notification pages and the header's bell.

The list (newest first, unread marked, each linking to its resource's page, paged), opening
one marks it read, mark read, mark all read, the e-mail settings; another's notification or
one about a resource out of sight answers 404. The bell costs one query, none when signed out.
"""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from apps.accounts.actor import actor_for
from apps.notifications.models import EmailOptOut, Kind, Notification
from apps.web.context import notification_bell
from tests.conftest import ORG
from tests.factories import CaseFactory, CourseFactory

from .test_api import fill, note

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(persona):
    return persona("tA_teacher")


@pytest.fixture
def own(teacher):
    return CourseFactory(owner_code=ORG["TA"], author=teacher)


def test_the_bell_shows_the_unread_count_on_every_page(browser, teacher, own):
    note(teacher, own, minutes_ago=1)
    note(teacher, own, minutes_ago=2)
    note(teacher, own, minutes_ago=3, read=True)
    page = browser("tA_teacher").get("/").content.decode()
    assert 'class="bell has-unread" href="/notifications/"' in page
    assert "通知" in page
    assert '<span class="badge"' in page and ">2</span>" in page


def test_the_bell_says_99_plus_beyond_99(browser, teacher, own):
    fill(teacher, own, 100)
    page = browser("tA_teacher").get("/").content.decode()
    assert ">99+</span>" in page


def test_no_bell_for_anonymous_visitors(client):
    page = client.get("/").content.decode()
    assert 'class="bell' not in page


def test_the_bell_costs_one_query_and_none_when_signed_out(teacher, own, rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = teacher
    actor_for(teacher)  # the page's navigation has loaded the seats already
    context = notification_bell(request)
    with CaptureQueriesContext(connection) as captured:  # nothing unread: the index alone
        assert int(str(context["unread_notifications"])) == 0
    assert len(captured) == 1
    fill(teacher, own, 5)
    context = notification_bell(request)
    with CaptureQueriesContext(connection) as captured:
        assert int(str(context["unread_notifications"])) == 5
        assert bool(context["unread_notifications"])  # counted once, remembered
    assert len(captured) == 2  # the index, then the readable ones
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as captured:
        assert notification_bell(request) == {}
    assert len(captured) == 0


def test_the_list_is_newest_first_marks_unread_and_links_to_the_resource(browser, teacher, own):
    case = CaseFactory(owner_code=ORG["TA"], author=teacher)
    old = note(teacher, own, kind=Kind.REJECTED, minutes_ago=9, read=True)
    new = note(teacher, case, kind=Kind.PUBLISHED, minutes_ago=1)
    page = browser("tA_teacher").get("/notifications/").content.decode()
    assert page.index(case.title) < page.index(own.title)
    assert f'href="/notifications/{new.pk}/"' in page and f'href="/notifications/{old.pk}/"' in page
    assert page.count("notification unread") == 1
    assert page.count(f'action="/notifications/{new.pk}/read/"') == 1
    assert f'action="/notifications/{old.pk}/read/"' not in page  # already read


def test_opening_one_marks_it_read_and_goes_to_the_resource(browser, teacher, own):
    mine = note(teacher, own)
    response = browser("tA_teacher").get(f"/notifications/{mine.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/library/courses/{own.pk}/"
    assert Notification.objects.get(pk=mine.pk).read_at is not None


def test_mark_read_and_mark_all_read(browser, teacher, own):
    one, two, three = (note(teacher, own, minutes_ago=m) for m in (1, 2, 3))
    client = browser("tA_teacher")
    assert client.get(f"/notifications/{one.pk}/read/").status_code == 405  # POST only
    assert client.post(f"/notifications/{one.pk}/read/").status_code == 302
    assert set(Notification.objects.unread().values_list("pk", flat=True)) == {two.pk, three.pk}
    assert client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.unread().exists()


def test_another_persons_notification_answers_404_and_stays_unread(browser, own, persona):
    theirs = note(persona("tA_curator"), own)
    client = browser("tA_teacher")
    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post("/notifications/read-all/").status_code == 302
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert own.title not in client.get("/notifications/").content.decode()


def test_a_notification_about_a_resource_out_of_sight_is_not_shown(browser, persona):
    hidden = CourseFactory(owner_code=ORG["DB"], author=persona("dB_curator"))  # 南海's draft
    theirs = note(persona("tA_teacher"), hidden)
    client = browser("tA_teacher")
    page = client.get("/notifications/").content.decode()
    assert hidden.title not in page and 'class="badge"' not in page
    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_list_is_paged(browser, teacher, own):
    fill(teacher, own, 25)
    client = browser("tA_teacher")
    first = client.get("/notifications/").content.decode()
    assert first.count('class="card notification') == 20
    assert "?page=2" in first
    second = client.get("/notifications/?page=2").content.decode()
    assert second.count('class="card notification') == 5
    unread = client.get("/notifications/?unread=1").content.decode()
    assert unread.count('class="card notification') == 20


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_e_mail_settings_opt_out_per_kind(browser, teacher):
    client = browser("tA_teacher")
    page = client.get("/notifications/settings/").content.decode()
    assert page.count('type="checkbox" name="email"') == len(Kind.values)
    assert page.count(" checked") == len(Kind.values)  # everything is e-mailed at first
    kept = [k for k in Kind.values if k not in (Kind.REUSED, Kind.SITE_LIFECYCLE)]
    assert client.post("/notifications/settings/", {"email": kept}).status_code == 302
    assert set(EmailOptOut.objects.filter(user=teacher).values_list("kind", flat=True)) == {
        Kind.REUSED,
        Kind.SITE_LIFECYCLE,
    }
    page = client.get("/notifications/settings/").content.decode()
    assert page.count(" checked") == len(Kind.values) - 2
    client.post("/notifications/settings/", {"email": Kind.values})
    assert not EmailOptOut.objects.filter(user=teacher).exists()


def page_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return captured


def test_the_list_page_costs_the_same_for_3_and_30(browser, teacher, own):
    client = browser("tA_teacher")
    fill(teacher, own, 3)
    client.get("/notifications/")
    few = page_queries(client, "/notifications/")
    fill(teacher, own, 30)
    many = page_queries(client, "/notifications/")
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    # session, user, seats, the count and the page (Paginator), the bell (a look at the
    # unread index, then the readable unread ones)
    assert len(few) == 7, [q["sql"] for q in few.captured_queries]
