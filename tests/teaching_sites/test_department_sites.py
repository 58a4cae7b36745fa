"""A partner department supplies teaching sites (issue 14): created and submitted for
assessment at once, assessed and admitted by the municipal curators while it waits in their
review queue, published by them once admitted, then reused like any other site.

A department has no curators: its submitter may create, correct and withdraw its site, never
move its lifecycle nor publish it. The municipal curators (the audience's) manage it while it
is pending and once published; district and town curators never do (they cannot even see it
while it is pending: 404). A school's site keeps its own rule: admitted by its owner's
curators before it is submitted. Every refusal changes nothing.
"""

import pytest
from django.forms.models import model_to_dict

from apps.audit.models import AuditEvent
from apps.organizations.models import Organization
from apps.sharing import services
from apps.sharing.exceptions import ActionDenied, InvalidInput
from apps.sharing.models import ReuseRecord
from apps.taxonomy.models import SiteCategory, ThematicDomain
from apps.teaching_sites.models import Lifecycle, LifecycleEvent, TeachingSite
from tests.conftest import ORG
from tests.factories import TeachingSiteFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

SITES = "/api/v1/sites/"
TB = "440605011"
CONTENT = {
    "title": "美的集团智能制造灯塔工厂",
    "host_organization": "美的集团",
    "address": "佛山市顺德区北滘镇美的大道6号",
    "teaching_points": "灯塔工厂的数字化改造与产业链协同",
    "visit_minutes": 90,
    "capacity": 40,
}


def api_payload(**overrides):
    data = {
        **CONTENT,
        "owner": ORG["DEP"],
        "category": "industrial-park",
        "district": ORG["DA"],
        "domains": ["industrial-system"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def service_data(**overrides):
    data = {
        **CONTENT,
        "category": SiteCategory.objects.get(code="industrial-park"),
        "district": Organization.objects.get(code=ORG["DA"]),
        "domains": ThematicDomain.objects.filter(code="industrial-system"),
    }
    data.update(overrides)
    return data


def url(site, action=None):
    return f"{SITES}{site.pk}/" + (f"{action}/" if action else "")


def dept_site(persona, status="pending", lifecycle=Lifecycle.CANDIDATE, **kwargs):
    """A department's site as the create-and-submit leaves it (or published later)."""
    return TeachingSiteFactory(
        owner_code=ORG["DEP"],
        author=persona("dept"),
        status=status,
        scope="network",
        lifecycle=lifecycle,
        **kwargs,
    )


def everything():
    """What a refusal must leave as it was."""
    return (
        [model_to_dict(s) for s in TeachingSite.objects.order_by("pk")],
        LifecycleEvent.objects.count(),
        ReuseRecord.objects.count(),
        AuditEvent.objects.count(),
    )


def move(client, site, to, reason="考察结论"):
    return client.post(url(site, "lifecycle"), {"to": to, "reason": reason}, format="json")


def assert_waiting_for_the_city(site, author):
    assert (site.owner.code, site.status, site.scope, site.audience.code) == (
        ORG["DEP"],
        "pending",
        "network",
        ORG["M"],
    )
    assert (site.lifecycle, site.author, site.version) == (Lifecycle.CANDIDATE, author, 2)
    events = AuditEvent.objects.filter(object_id=site.pk, content_type__model="teachingsite")
    assert [e.action for e in events.order_by("id")] == ["create", "submit"]


# ---- created and submitted for assessment, whichever entry point ----------------------------


def test_the_service_creates_and_submits_a_department_site_unadmitted(persona):
    dept = persona("dept")
    site = services.resource_create(
        TeachingSite, user=dept, owner_code=ORG["DEP"], data=service_data()
    )
    assert_waiting_for_the_city(TeachingSite.objects.get(pk=site.pk), dept)
    queue = TeachingSite.objects.restrict(persona("muni_curator"), "review")
    assert site.pk in queue.values_list("pk", flat=True)
    for other in ("dA_curator", "tA_curator", "muni_teacher"):
        assert not TeachingSite.objects.restrict(persona(other), "view").filter(pk=site.pk)


def test_the_service_refuses_an_incomplete_department_site_whole(persona):
    before = everything()
    with pytest.raises(InvalidInput) as refused:
        services.resource_create(
            TeachingSite, user=persona("dept"), owner_code=ORG["DEP"], data={"title": "某工厂"}
        )
    assert {"host_organization", "address", "teaching_points", "category", "district"} <= set(
        refused.value.errors
    )
    assert everything() == before


def test_the_api_creates_and_submits_a_department_site(api, persona):
    response = api("dept").post(SITES, api_payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["scope"], body["lifecycle"]) == ("pending", "network", "candidate")
    assert_waiting_for_the_city(TeachingSite.objects.get(pk=body["id"]), persona("dept"))


def test_an_incomplete_department_site_through_the_api_is_400_and_changes_nothing(api):
    before = everything()
    response = api("dept").post(SITES, api_payload(address=None, district=None), format="json")
    assert_problem(response, 400)
    assert {"address", "district"} <= set(response.json()["errors"])
    assert everything() == before


def test_a_schools_site_still_starts_as_a_draft_and_cannot_be_submitted_unadmitted(api):
    created = api("tA_curator").post(SITES, api_payload(owner=ORG["TA"]), format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["status"], created.json()["lifecycle"]) == ("draft", "candidate")
    site = TeachingSite.objects.get(pk=created.json()["id"])
    before = everything()
    refused = api("tA_curator").post(url(site, "submit"), {"scope": "network"}, format="json")
    assert_problem(refused, 409)
    assert everything() == before


def test_a_department_cannot_import_sites_and_the_refusal_changes_nothing(persona):
    from apps.exchange.services import import_workbook
    from tests.exchange.helpers import HEADERS, xlsx

    headers = HEADERS["sites"]
    workbook = xlsx(headers, [["某工厂", *([None] * (len(headers) - 1))]])
    before = everything()
    with pytest.raises(ActionDenied):
        import_workbook(TeachingSite, workbook, user=persona("dept"), owner_code=ORG["DEP"])
    assert everything() == before


# ---- the whole path: assessed, admitted, published, reused ---------------------------------


def test_assessed_and_admitted_by_the_city_then_published_and_reused(api, persona):
    created = api("dept").post(SITES, api_payload(), format="json")
    site = TeachingSite.objects.get(pk=created.json()["id"])
    city = api("muni_curator")

    # Not admitted yet: publishing is refused and changes nothing.
    before = everything()
    assert_problem(city.post(url(site, "publish"), {"scope": "network"}, format="json"), 409)
    assert everything() == before

    assert move(city, site, "assessing", "实地考察").status_code == 200
    assert_problem(city.post(url(site, "publish"), {"scope": "network"}, format="json"), 409)
    admitted = move(city, site, "admitted", "考察合格，纳入现场教学点")
    assert admitted.status_code == 200, admitted.content
    assert (admitted.json()["status"], admitted.json()["lifecycle"]) == ("pending", "admitted")

    published = city.post(url(site, "publish"), {"scope": "network"}, format="json")
    assert published.status_code == 200, published.content
    stored = TeachingSite.objects.get(pk=site.pk)
    assert (stored.status, stored.scope, stored.lifecycle) == ("published", "network", "admitted")
    assert stored.reviewed_by == persona("muni_curator")
    assert [(e.from_state, e.to_state, e.user.username) for e in stored.events.order_by("id")] == [
        ("candidate", "assessing", "muni_curator"),
        ("assessing", "admitted", "muni_curator"),
    ]

    reused = api("tB_teacher").post(url(site, "reuse"), {"owner": TB}, format="json")
    assert reused.status_code == 201, reused.content
    copy = TeachingSite.objects.get(pk=reused.json()["id"])
    assert (copy.owner.code, copy.status, copy.source_id) == (TB, "draft", site.pk)

    history = api("dept").get(url(site, "lifecycle"))
    assert [e["to_state"] for e in history.json()] == ["admitted", "assessing"]


def test_the_city_may_reject_a_site_and_the_department_corrects_it_back_into_review(api):
    created = api("dept").post(SITES, api_payload(), format="json")
    site = TeachingSite.objects.get(pk=created.json()["id"])
    rejected = api("muni_curator").post(
        url(site, "reject"), {"reason": "请补充接待能力说明"}, format="json"
    )
    assert rejected.status_code == 200, rejected.content
    corrected = api("dept").patch(url(site), {"capacity": 60}, format="json")
    assert corrected.status_code == 200, corrected.content
    assert (corrected.json()["status"], corrected.json()["lifecycle"]) == ("pending", "candidate")


# ---- who manages a department's site -------------------------------------------------------

PENDING_MANAGERS = [
    ("muni_curator", 200),
    ("muni_admin", 200),
    ("dept", 403),  # the department's submitter sees its site, may not assess it
    ("muni_teacher", 404),
    ("dA_curator", 404),
    ("dB_curator", 404),
    ("tA_curator", 404),
    ("tA_admin", 404),
    ("tA_teacher", 404),
]
PUBLISHED_MANAGERS = [
    ("muni_curator", 200),
    ("muni_admin", 200),
    ("dept", 403),
    ("muni_teacher", 403),
    ("dA_curator", 403),
    ("dB_curator", 403),
    ("tA_curator", 403),
    ("tB_teacher", 403),
]


@pytest.mark.parametrize(("actor", "expected"), PENDING_MANAGERS)
def test_who_moves_a_pending_department_sites_lifecycle(actor, expected, api, persona):
    site = dept_site(persona)
    before = everything()
    response = move(api(actor), site, "assessing")
    if expected == 200:
        assert response.status_code == 200, response.content
        stored = TeachingSite.objects.get(pk=site.pk)
        assert (stored.lifecycle, stored.status, stored.version) == (
            "assessing",
            "pending",
            site.version + 1,
        )
        assert LifecycleEvent.objects.get(site=site).user == persona(actor)
    else:
        assert_problem(response, expected)
        assert everything() == before


@pytest.mark.parametrize(("actor", "expected"), PUBLISHED_MANAGERS)
def test_who_moves_a_published_department_sites_lifecycle(actor, expected, api, persona):
    site = dept_site(persona, status="published", lifecycle=Lifecycle.ADMITTED)
    before = everything()
    response = move(api(actor), site, "suspended", "整改")
    if expected == 200:
        assert response.status_code == 200, response.content
        assert TeachingSite.objects.get(pk=site.pk).lifecycle == "suspended"
    else:
        assert_problem(response, expected)
        assert everything() == before


def test_anonymous_cannot_move_a_department_site(api, persona):
    site = dept_site(persona)
    before = everything()
    assert move(api(), site, "assessing").status_code == 401
    assert everything() == before


@pytest.mark.parametrize("lifecycle", ["candidate", "assessing", "suspended", "retired"])
def test_a_department_site_is_published_only_once_admitted(lifecycle, api, persona):
    site = dept_site(persona, lifecycle=lifecycle)
    before = everything()
    response = api("muni_curator").post(url(site, "publish"), {"scope": "network"}, format="json")
    assert_problem(response, 409)
    assert everything() == before


@pytest.mark.parametrize("actor", ["dept", "dA_curator", "tA_curator"])
def test_no_one_but_the_city_publishes_an_admitted_department_site(actor, api, persona):
    site = dept_site(persona, lifecycle=Lifecycle.ADMITTED)
    before = everything()
    response = api(actor).post(url(site, "publish"), {"scope": "network"}, format="json")
    assert response.status_code in (403, 404), response.content
    assert everything() == before


def test_the_department_may_withdraw_its_pending_site(api, persona):
    site = dept_site(persona, lifecycle=Lifecycle.ASSESSING)
    response = api("dept").post(url(site, "withdraw"), format="json")
    assert response.status_code == 200, response.content
    assert TeachingSite.objects.get(pk=site.pk).status == "withdrawn"
    # Out of review, the city no longer sees nor assesses it.
    before = everything()
    assert_problem(move(api("muni_curator"), site, "admitted"), 404)
    assert everything() == before


# ---- the pages ------------------------------------------------------------------------------


def page_post(**overrides):
    data = {
        **CONTENT,
        "owner": Organization.objects.get(code=ORG["DEP"]).pk,
        "category": SiteCategory.objects.get(code="industrial-park").pk,
        "district": Organization.objects.get(code=ORG["DA"]).pk,
        "domains": [ThematicDomain.objects.get(code="industrial-system").pk],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_create_page_says_a_department_site_goes_straight_to_review(browser):
    body = browser("dept").get("/library/sites/new/").content.decode()
    assert "将直接提交审核" in body


def test_a_department_site_created_on_its_page_shows_where_it_stands(browser, persona):
    client = browser("dept")
    response = client.post("/library/sites/new/", page_post(), follow=True)
    site = TeachingSite.objects.get(title=CONTENT["title"])
    assert response.redirect_chain[-1][0] == f"/library/sites/{site.pk}/"
    assert_waiting_for_the_city(site, persona("dept"))
    messages = [str(m) for m in response.context["messages"]]
    assert any("中共佛山市委党校" in m and "审核" in m for m in messages), messages
    assert "/lifecycle/" not in response.content.decode()  # it does not assess its own site
    # (In English: the catalogue's Chinese for these words is compiled by the lead.)
    body = client.get(f"/library/sites/{site.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Waiting for assessment" in body and "assesses the site" in body
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert CONTENT["title"] in home and "Waiting for assessment" in home


@pytest.mark.parametrize(
    ("lifecycle", "stage"),
    [
        ("candidate", "Waiting for assessment"),
        ("assessing", "Assessment under way"),
        ("admitted", "Admitted, waiting to be published"),
    ],
)
def test_the_department_sees_each_stage_of_the_assessment(lifecycle, stage, browser, persona):
    site = dept_site(persona, lifecycle=lifecycle)
    page = f"/library/sites/{site.pk}/"
    body = browser("dept").get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert stage in body
    site.status = "published"
    site.save(update_fields=["status"])
    assert stage not in browser("dept").get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_review_queue_offers_the_lifecycle_and_holds_publishing_until_admitted(
    browser, persona
):
    site = dept_site(persona)
    client = browser("muni_curator")
    body = client.get("/review/").content.decode()
    assert f'id="lifecycle-form-{site.pk}"' in body
    assert f'aria-describedby="blocked-sites-{site.pk}"' in body  # the publish button, disabled
    assert "只有已纳入的现场教学点才能共享到所属单位以外" in body

    response = client.post(
        f"/library/sites/{site.pk}/lifecycle/",
        {
            "to": "assessing",
            "reason": "实地考察",
            "effective_on": "2026-11-20",
            "version": site.version,
            "back": "review",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/review/"
    site.refresh_from_db()
    assert (site.lifecycle, site.status) == ("assessing", "pending")

    TeachingSite.objects.filter(pk=site.pk).update(lifecycle=Lifecycle.ADMITTED)
    body = client.get("/review/").content.decode()
    assert f'aria-describedby="blocked-sites-{site.pk}"' not in body
    published = client.post(f"/library/sites/{site.pk}/publish/", {"scope": "network"})
    assert published.status_code == 302
    assert TeachingSite.objects.get(pk=site.pk).status == "published"


def test_the_review_queue_costs_the_same_for_more_department_sites(
    browser, persona, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dept_site(persona)
    client = browser("muni_curator")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/review/").status_code == 200
    for _ in range(5):
        dept_site(persona, lifecycle=Lifecycle.ASSESSING)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/review/").status_code == 200


def test_the_sites_page_holds_publishing_until_admitted_and_says_why(browser, persona):
    site = dept_site(persona, lifecycle=Lifecycle.ASSESSING)
    client = browser("muni_curator")
    page = f"/library/sites/{site.pk}/"
    body = client.get(page).content.decode()
    assert 'disabled aria-describedby="publish-blocked"' in body
    assert "只有已纳入的现场教学点才能共享到所属单位以外" in body
    assert 'id="lifecycle-form"' in body  # the city assesses it from its page too

    TeachingSite.objects.filter(pk=site.pk).update(lifecycle=Lifecycle.ADMITTED)
    body = client.get(page).content.decode()
    assert 'aria-describedby="publish-blocked"' not in body
    assert f'action="/library/sites/{site.pk}/publish/"' in body


def test_a_school_curator_is_offered_only_the_scopes_its_unadmitted_site_may_have(browser, persona):
    site = TeachingSiteFactory(
        owner_code=ORG["TA"], author=persona("tA_teacher"), lifecycle=Lifecycle.CANDIDATE
    )
    response = browser("tA_curator").get(f"/library/sites/{site.pk}/")
    assert [scope for scope, _label in response.context["publish_scopes"]] == ["private"]
    assert response.context["publish_blocked"] == ""


# ---- the admin ------------------------------------------------------------------------------


@pytest.fixture
def staff(persona, client):
    def sign_in(name, *, dept_seat=False):
        from apps.accounts.actor import forget_actor
        from apps.accounts.models import Membership

        user = persona(name)
        if dept_seat:  # the municipal curator also holds the 发改局's submitter seat
            Membership.objects.create(
                user=user,
                organization=Organization.objects.get(code=ORG["DEP"]),
                role="submitter",
            )
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        forget_actor(user)
        client.force_login(user)
        return client

    return sign_in


def test_a_department_site_added_in_the_admin_is_submitted_for_assessment(staff, persona):
    client = staff("muni_curator", dept_seat=True)
    data = {**page_post(), "_save": "保存"}
    data.update({"visit_contact": "", "latitude": "", "longitude": "", "town": ""})
    data.update({"events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0})
    response = client.post("/admin/teaching_sites/teachingsite/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    site = TeachingSite.objects.get(title=CONTENT["title"])
    assert (site.status, site.scope, site.lifecycle) == ("pending", "network", "candidate")


def test_the_admin_moves_a_pending_department_site_for_the_city_only(staff, persona):
    site = dept_site(persona)
    before = everything()
    district = staff("dA_curator")
    assert (
        district.get(f"/admin/teaching_sites/teachingsite/{site.pk}/lifecycle/").status_code == 404
    )
    assert everything() == before
    city = staff("muni_curator")
    response = city.post(
        f"/admin/teaching_sites/teachingsite/{site.pk}/lifecycle/",
        {"to": "assessing", "reason": "实地考察", "effective_on": "2026-11-20"},
    )
    assert response.status_code == 302
    assert TeachingSite.objects.get(pk=site.pk).lifecycle == "assessing"
