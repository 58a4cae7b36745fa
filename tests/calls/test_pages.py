"""The calls' pages: the list, a call with its invitees, publishing with errors beside the
fields, closing, and a library's "new" page answering a call (the item and its answer, or
neither)."""

import pytest

from apps.calls.models import Call, CallAnswer, CallStatus
from apps.cases.models import Case
from tests.calls.conftest import DEPT_A, in_days
from tests.conftest import ORG

pytestmark = pytest.mark.django_db


def test_the_nav_links_the_calls_and_the_list_shows_an_invitees_call(browser, district_call):
    page = browser("tA_teacher").get("/calls/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/calls/"' in html
    assert district_call.topic in html


def test_a_call_out_of_reach_is_404_and_missing_from_the_list(browser, district_call):
    client = browser("tB_teacher")

    assert client.get(f"/calls/{district_call.pk}/").status_code == 404
    assert district_call.topic not in client.get("/calls/").content.decode()


def test_the_publisher_sees_every_invitee_with_its_state(browser, district_call):
    html = browser("dA_curator").get(f"/calls/{district_call.pk}/").content.decode()

    assert f'id="invitee-{ORG["TA"]}" data-state="waiting"' in html
    assert f'id="invitee-{DEPT_A}" data-state="waiting"' in html
    assert "/close/" in html


def test_an_invitee_gets_answer_links_with_the_call_preset(browser, district_call):
    html = browser("tA_teacher").get(f"/calls/{district_call.pk}/").content.decode()

    assert f"/library/cases/new/?call={district_call.pk}" in html
    assert "/close/" not in html


def test_publishing_keeps_the_form_with_errors_beside_the_fields(browser, org):
    response = browser("dA_curator").post(
        "/calls/new/",
        {
            "organization": org("DA").pk,
            "topic": "基层治理",
            "kinds": ["cases"],
            "invited": [org("DB").pk],  # another district: not offered
            "due_on": in_days(3).isoformat(),
        },
    )

    assert response.status_code == 400
    assert 'id="invited-error"' in response.content.decode()
    assert not Call.objects.exists()


def test_publishing_then_closing(browser, org):
    client = browser("dA_curator")
    response = client.post(
        "/calls/new/",
        {
            "organization": org("DA").pk,
            "topic": "基层治理",
            "kinds": ["cases", "courses"],
            "invited": [org("TA").pk],
            "due_on": in_days(3).isoformat(),
        },
    )
    call = Call.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/calls/{call.pk}/"

    closed = client.post(f"/calls/{call.pk}/close/")

    assert closed.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED


def test_an_invitee_may_not_open_the_edit_form_or_close(browser, district_call):
    client = browser("tA_curator")

    assert client.get(f"/calls/{district_call.pk}/edit/").status_code == 403
    assert client.post(f"/calls/{district_call.pk}/close/").status_code == 403
    district_call.refresh_from_db()
    assert district_call.status == CallStatus.OPEN


def test_the_new_case_page_offers_the_call_and_records_the_answer(browser, org, district_call):
    client = browser("tA_teacher")
    form = client.get(f"/library/cases/new/?call={district_call.pk}").content.decode()
    assert f'<option value="{district_call.pk}" selected>' in form

    response = client.post(
        f"/library/cases/new/?call={district_call.pk}",
        {"owner": org("TA").pk, "title": "园区改造", "call": district_call.pk},
    )

    assert response.status_code == 302
    case = Case.objects.get(title="园区改造")
    answer = CallAnswer.objects.get(call=district_call)
    assert (answer.library, answer.object_id) == ("cases", case.pk)
    html = client.get(f"/calls/{district_call.pk}/").content.decode()
    assert f'id="invitee-{ORG["TA"]}" data-state="answered"' in html
    assert f"/library/cases/{case.pk}/" in html


def test_an_owner_not_invited_refuses_beside_the_call_and_creates_nothing(
    browser, persona, org, district_call
):
    from apps.accounts.models import Membership
    from apps.organizations.models import Organization

    # a teacher of 祖庙 who is also a teacher of the district school (not invited)
    Membership.objects.create(
        user=persona("tA_teacher"),
        organization=Organization.objects.get(code=ORG["DA"]),
        role="teacher",
    )
    before = Case.objects.count()
    response = browser("tA_teacher").post(
        "/library/cases/new/",
        {"owner": org("DA").pk, "title": "不该留下", "call": district_call.pk},
    )

    assert response.status_code == 200
    assert 'id="id_call-error"' in response.content.decode()
    assert Case.objects.count() == before
    assert not CallAnswer.objects.exists()


def test_an_answer_the_reader_may_not_open_shows_no_title(browser, district_call, persona):
    """A town's private draft given in answer counts as answered, but its title stays home."""
    from apps.calls import services
    from tests.factories import CaseFactory

    draft = CaseFactory(
        owner_code=ORG["TA"], author=persona("tA_teacher"), title="祖庙未公开草稿QQQ"
    )
    services.answer_record(call=district_call, resource=draft, user=persona("tA_teacher"))

    page = browser("dA_teacher").get(f"/calls/{district_call.pk}/").content.decode()
    assert "祖庙未公开草稿QQQ" not in page
    own = browser("tA_teacher").get(f"/calls/{district_call.pk}/").content.decode()
    assert "祖庙未公开草稿QQQ" in own


def page_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: the session, the bell
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_call_pages_cost_the_same_for_few_or_many_calls_and_invitees(browser, persona, org):
    from apps.calls import services
    from apps.organizations.models import Organization

    towns = list(Organization.objects.filter(parent__code=ORG["DA"]).exclude(kind="department"))
    assert len(towns) >= 4

    def publish(n, invited):
        return services.call_create(
            user=persona("dA_curator"),
            organization=org("DA"),
            topic=f"征集{n}",
            kinds=["cases"],
            invited=invited,
            due_on=in_days(n + 1),
        )

    first = publish(0, towns[:1])
    client = browser("dA_curator")
    few = (page_queries(client, "/calls/"), page_queries(client, f"/calls/{first.pk}/"))

    many = publish(1, towns)
    for n in range(2, 10):
        publish(n, towns)
    assert page_queries(client, "/calls/") == few[0]
    assert page_queries(client, f"/calls/{many.pk}/") == few[1]
