"""A site's lifecycle moved on its detail page and in the admin.

Both call ``services.site_change_lifecycle``. The form offers only the moves the site's state
allows and is shown only to those who may make them (the owner's and the audience's curators,
``policy.check_manage``); a refusal (no reason, a move not allowed, a stale page) is shown
beside the form with the input kept, and changes nothing.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.teaching_sites.models import Lifecycle, LifecycleEvent, TeachingSite
from tests.conftest import ORG
from tests.teaching_sites.test_lifecycle import make, snapshot

pytestmark = pytest.mark.django_db

ADMIN = "/admin/teaching_sites/teachingsite/"


def page(site):
    return f"/library/sites/{site.pk}/"


def move(client, site, to, reason="评估通过", effective_on="2026-11-01", follow=False, **extra):
    data = {"to": to, "reason": reason, "effective_on": effective_on, **extra}
    return client.post(f"{page(site)}lifecycle/", data, follow=follow)


def offered(response) -> list[str]:
    forms = [pa["form"] for pa in response.context["page_actions"]]
    return [value for value, _label in forms[0].fields["to"].widget.choices] if forms else []


# ---- the detail page ------------------------------------------------------------------------


def test_a_curator_of_the_owner_is_offered_only_the_allowed_moves(persona, browser):
    site = make(persona, lifecycle=Lifecycle.CANDIDATE)
    response = browser("tA_curator").get(page(site))
    assert offered(response) == ["assessing", "retired"]
    body = response.content.decode()
    assert f'action="/library/sites/{site.pk}/lifecycle/"' in body
    assert "变更生命周期" in body


@pytest.mark.parametrize("reader", ["tA_teacher", "tA_viewer"])
def test_readers_who_may_not_move_it_are_not_offered_the_form(reader, persona, browser):
    site = make(persona, lifecycle=Lifecycle.CANDIDATE)
    response = browser(reader).get(page(site))
    assert response.context["page_actions"] == []
    assert "/lifecycle/" not in response.content.decode()


def test_a_retired_site_offers_no_move(persona, browser):
    site = make(persona, lifecycle=Lifecycle.RETIRED)
    assert browser("tA_curator").get(page(site)).context["page_actions"] == []


def test_the_form_is_in_english_when_asked(persona, browser):
    site = make(persona, lifecycle=Lifecycle.ADMITTED)
    body = browser("tA_curator").get(page(site), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Change lifecycle" in body and "Suspended" in body


def test_moving_a_site_on_its_page_records_the_move(persona, browser):
    site = make(persona, lifecycle=Lifecycle.ASSESSING)
    events = AuditEvent.objects.count()
    response = move(browser("tA_curator"), site, "admitted", "经评审纳入。", version=site.version)
    assert response.status_code == 302 and response["Location"] == page(site)
    site.refresh_from_db()
    assert (site.lifecycle, site.version) == ("admitted", 2)
    event = LifecycleEvent.objects.get(site=site)
    assert (event.from_state, event.to_state, event.reason, event.effective_on) == (
        "assessing",
        "admitted",
        "经评审纳入。",
        datetime.date(2026, 11, 1),
    )
    assert event.user == persona("tA_curator")
    assert [e.action for e in AuditEvent.objects.order_by("id")[events:]] == ["lifecycle"]
    detail = browser("tA_curator").get(page(site)).content.decode()
    assert "生命周期已变更" in detail and "经评审纳入。" in detail


def test_no_reason_is_shown_beside_the_form_with_the_input_kept(persona, browser):
    site = make(persona, lifecycle=Lifecycle.ADMITTED)
    before = snapshot(site.pk)
    response = move(browser("tA_curator"), site, "suspended", "   ", effective_on="2026-12-24")
    assert response.status_code == 200
    form = response.context["page_actions"][0]["form"]
    assert list(form.errors) == ["reason"]
    body = response.content.decode()
    assert 'id="id_reason-error"' in body
    assert 'value="2026-12-24"' in body and '<option value="suspended" selected>' in body
    assert snapshot(site.pk) == before


def test_a_move_not_allowed_is_refused_in_the_services_words_and_changes_nothing(persona, browser):
    site = make(persona, lifecycle=Lifecycle.CANDIDATE)
    before = snapshot(site.pk)
    response = move(browser("tA_curator"), site, "admitted", "跳过评估")
    assert response.status_code == 200
    form = response.context["page_actions"][0]["form"]
    assert form.non_field_errors() == ["现场教学点不能从“候选”变为“已纳入”。"]
    assert "跳过评估" in response.content.decode()
    assert snapshot(site.pk) == before


def test_a_move_over_someone_elses_is_refused_and_changes_nothing(persona, browser):
    site = make(persona, lifecycle=Lifecycle.ASSESSING)
    stale = site.version
    TeachingSite.objects.filter(pk=site.pk).update(version=stale + 1)
    before = snapshot(site.pk)
    response = move(browser("tA_curator"), site, "admitted", version=stale)
    assert response.status_code == 200
    assert response.context["page_actions"][0]["form"].non_field_errors()
    assert snapshot(site.pk) == before


def test_a_teacher_posting_a_move_anyway_is_refused_and_changes_nothing(persona, browser):
    site = make(persona, lifecycle=Lifecycle.CANDIDATE)
    before = snapshot(site.pk)
    response = move(browser("tA_teacher"), site, "assessing", follow=True)
    assert response.redirect_chain[-1][0] == page(site)
    messages = [str(m) for m in response.context["messages"]]
    assert any("审核员" in m for m in messages), messages
    assert snapshot(site.pk) == before


def test_someone_who_cannot_see_the_site_gets_404_and_changes_nothing(persona, browser):
    site = make(persona, lifecycle=Lifecycle.CANDIDATE)
    before = snapshot(site.pk)
    assert move(browser("tB_teacher"), site, "assessing").status_code == 404
    assert snapshot(site.pk) == before


def test_a_move_costs_a_fixed_number_of_queries(persona, browser, django_assert_max_num_queries):
    site = make(persona, lifecycle=Lifecycle.ASSESSING)
    client = browser("tA_curator")
    with CaptureQueriesContext(connection) as first:
        assert move(client, site, "admitted").status_code == 302
    for i in range(5):  # a longer history costs nothing more
        LifecycleEvent.objects.create(
            site=site,
            from_state="admitted",
            to_state="suspended",
            reason=f"理由{i}",
            effective_on=datetime.date(2026, 1, 1),
            user=persona("tA_curator"),
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert move(client, site, "suspended").status_code == 302


# ---- the admin ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, persona):
    def sign_in(name):
        user = persona(name)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        return client

    return sign_in


def test_the_admin_change_form_links_to_the_lifecycle_form_for_those_who_may(persona, admin_client):
    site = make(persona, "M", lifecycle=Lifecycle.ADMITTED, status="published", scope="network")
    change = admin_client("muni_curator").get(f"{ADMIN}{site.pk}/change/").content.decode()
    assert f"{ADMIN}{site.pk}/lifecycle/" in change
    other = admin_client("dA_curator").get(f"{ADMIN}{site.pk}/change/")
    assert other.status_code == 200 and "/lifecycle/" not in other.content.decode()


def test_the_admin_moves_a_site_through_its_small_form(persona, admin_client):
    site = make(persona, lifecycle=Lifecycle.CANDIDATE)
    client = admin_client("tA_curator")
    form_page = client.get(f"{ADMIN}{site.pk}/lifecycle/")
    assert form_page.status_code == 200
    choices = form_page.context["form"].fields["to"].widget.choices
    assert [value for value, _label in choices] == ["assessing", "retired"]
    response = client.post(
        f"{ADMIN}{site.pk}/lifecycle/",
        {"to": "assessing", "reason": "开始评估", "effective_on": "2026-10-01"},
    )
    assert response.status_code == 302 and response["Location"] == f"{ADMIN}{site.pk}/change/"
    site.refresh_from_db()
    assert site.lifecycle == "assessing"
    assert LifecycleEvent.objects.get(site=site).reason == "开始评估"


def test_the_admin_form_shows_refusals_beside_it_and_changes_nothing(persona, admin_client):
    site = make(persona, lifecycle=Lifecycle.CANDIDATE)
    before = snapshot(site.pk)
    client = admin_client("tA_curator")
    response = client.post(
        f"{ADMIN}{site.pk}/lifecycle/",
        {"to": "assessing", "reason": "", "effective_on": "2026-10-01"},
    )
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(
        f"{ADMIN}{site.pk}/lifecycle/",
        {"to": "admitted", "reason": "跳过评估", "effective_on": "2026-10-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["现场教学点不能从“候选”变为“已纳入”。"]
    assert "跳过评估" in response.content.decode()
    assert snapshot(site.pk) == before


def test_the_admin_form_is_refused_to_a_curator_who_may_not_move_it(persona, admin_client):
    site = make(persona, "M", lifecycle=Lifecycle.ADMITTED, status="published", scope="network")
    hidden = make(persona, "DA", lifecycle=Lifecycle.CANDIDATE)  # a draft of the district school
    before = snapshot(site.pk), snapshot(hidden.pk)
    client = admin_client("dA_curator")  # sees it (published to the city), may not manage it
    assert client.get(f"{ADMIN}{site.pk}/lifecycle/").status_code == 403
    response = client.post(
        f"{ADMIN}{site.pk}/lifecycle/",
        {"to": "suspended", "reason": "x", "effective_on": "2026-10-01"},
    )
    assert response.status_code == 403
    town = admin_client("tA_curator")
    assert town.get(f"{ADMIN}{hidden.pk}/lifecycle/").status_code == 404
    response = town.post(
        f"{ADMIN}{hidden.pk}/lifecycle/",
        {"to": "assessing", "reason": "x", "effective_on": "2026-10-01"},
    )
    assert response.status_code == 404
    assert (snapshot(site.pk), snapshot(hidden.pk)) == before


def test_the_admin_site_form_still_saves_through_the_service(persona, admin_client):
    site = make(persona, lifecycle=Lifecycle.CANDIDATE)
    client = admin_client("tA_curator")
    page_ = client.get(f"{ADMIN}{site.pk}/change/")
    data = {
        key: value
        for key, value in page_.context["adminform"].form.initial.items()
        if value is not None and key in page_.context["adminform"].form.fields
    }
    data["domains"] = [d.pk for d in site.domains.all()]
    data["lecturers"] = []
    data.update(
        {
            "title": "改名后的现场教学点",
            "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0,
            "_save": "保存",
        }
    )
    response = client.post(f"{ADMIN}{site.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    site.refresh_from_db()
    assert (site.title, site.version, site.lifecycle) == ("改名后的现场教学点", 2, "candidate")
    assert ORG["TA"] == site.owner.code
