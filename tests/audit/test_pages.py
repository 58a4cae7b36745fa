"""The "History" section of a resource's page, page actions recorded, and the admin's log."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.courses.models import Course
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from tests.audit.conftest import Since, course

pytestmark = pytest.mark.django_db


def test_curators_see_the_history_on_the_page_in_words(persona, browser):
    obj = course(persona, title="原来的标题")
    services.resource_update(
        Course, user=persona("tA_teacher"), pk=obj.pk, data={"title": "新标题"}
    )
    services.resource_submit(Course, user=persona("tA_teacher"), pk=obj.pk, scope="district")

    response = browser("tA_curator").get(f"/library/courses/{obj.pk}/")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="history"' in body
    assert "原来的标题 → 新标题" in body
    assert "草稿 → 待审核" in body  # statuses in words, not codes
    owner = obj.owner.name
    district = Course.objects.get(pk=obj.pk).audience.name
    assert f"{owner} → {district}" in body  # organisations by name, not id
    items = response.context["history"]
    # (On PostgreSQL the factory's direct insert is there too, as a "db" create.)
    app = [item["event"].action for item in items if item["event"].source == "app"]
    assert app == ["submit", "update"]


@pytest.mark.parametrize("reader", ["tA_teacher", "tA_viewer", "tA2_teacher"])
def test_others_who_can_see_the_page_do_not_see_the_history(reader, persona, browser):
    obj = course(persona, status=Status.PUBLISHED, scope=Scope.DISTRICT)
    response = browser(reader).get(f"/library/courses/{obj.pk}/")
    assert response.status_code == 200
    assert response.context["history"] is None
    assert 'id="history"' not in response.content.decode()


def test_the_page_history_costs_the_same_queries_for_few_and_many_events(persona, browser):
    obj = course(persona)
    client = browser("tA_curator")

    def measure():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/library/courses/{obj.pk}/").status_code == 200
        return len(queries.captured_queries)

    # One query per related model shown (domains here), never one per event.
    services.resource_update(
        Course, user=persona("tA_teacher"), pk=obj.pk, data={"title": "一", "domains": []}
    )
    few = measure()
    for i in range(8):
        services.resource_update(
            Course, user=persona("tA_curator"), pk=obj.pk, data={"title": f"{i}", "domains": []}
        )
    assert measure() == few


def test_a_page_action_is_recorded_with_the_pages_request_id(persona, browser):
    obj = course(persona)
    mark = Since()
    response = browser("tA_teacher").post(
        f"/library/courses/{obj.pk}/submit/", {"scope": "private"}
    )
    assert response.status_code == 302, response.content
    event = mark.one()
    assert (event.action, event.user) == ("submit", persona("tA_teacher"))
    assert event.request_id == response["X-Request-ID"]


@pytest.mark.parametrize(
    ("who", "status"), [("superuser", 200), ("muni_admin", 200), ("tA_admin", 403)]
)
def test_the_admin_shows_the_log_read_only_to_superusers_and_municipal_admins(
    who, status, persona, client
):
    if who == "superuser":
        user = User.objects.create_superuser("root_log", password=None)
    else:
        user = persona(who)
        user.is_staff = True
        user.save()
    obj = course(persona)
    services.resource_update(Course, user=persona("tA_teacher"), pk=obj.pk, data={"title": "改"})
    client.force_login(user)
    listing = client.get("/admin/audit/auditevent/")
    assert listing.status_code == status
    if status == 200:
        last = AuditEvent.objects.order_by("-id").first()
        detail = client.get(f"/admin/audit/auditevent/{last.pk}/change/")
        assert detail.status_code == 200
        assert 'name="_save"' not in detail.content.decode()  # view only
        assert client.get("/admin/audit/auditevent/add/").status_code == 403
        assert client.get(f"/admin/audit/auditevent/{last.pk}/delete/").status_code == 403
