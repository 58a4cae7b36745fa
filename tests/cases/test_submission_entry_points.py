"""A partner department's case is created and submitted in one step, whichever entry point
creates it: the rule is the service's (``sharing.services.resource_create`` asks the library,
``Case.submit_on_create``), so the API, the pages, the admin and the commands all get it.

For each entry point: a complete case becomes pending at network scope, waiting for the
municipal curators, with two audit events (create, then submit); an incomplete one is
refused whole and changes nothing; a duplicate ``external_ref`` is an error on that field and
changes nothing. A school's case still starts as a draft. Departments cannot import from
Excel (only curators of the owner may, and departments have none): the refusal changes nothing.
"""

import pytest
from django.forms.models import model_to_dict

from apps.accounts.actor import forget_actor
from apps.accounts.models import Membership
from apps.audit.models import AuditEvent
from apps.cases.models import Case
from apps.organizations.models import Organization
from apps.sharing import services
from apps.sharing.exceptions import ActionDenied, InvalidInput
from apps.sharing.models import ReuseRecord
from apps.taxonomy.models import ThematicDomain
from tests.conftest import ORG
from tests.exchange.helpers import HEADERS, upload, xlsx
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

CONTENT = {
    "title": "企业开办“一网通办”改革",
    "background": "市发展改革局推动企业开办全流程网上办理的经过。",
    "key_issues": "部门协同；数据共享",
    "teaching_notes": "适用于营商环境专题班",
    "discussion_questions": "如何打破部门壁垒？",
    "year": 2025,
}
ADMIN_ADD = "/admin/cases/case/add/"


def org_pk(key):
    return Organization.objects.get(code=ORG.get(key, key)).pk


def domain_pk(code="business-environment"):
    return ThematicDomain.objects.get(code=code).pk


def page_post(**overrides):
    """The case create page's form, as a browser posts it (a department's complete case)."""
    data = {
        **CONTENT,
        "owner": org_pk("DEP"),
        "domains": [domain_pk()],
        "contributing_department": org_pk("DEP"),
        "place": org_pk("DA"),
        "industry": "政务服务",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def everything():
    """What a refused create must leave as it was: every case, reuse record and audit event."""
    return (
        [model_to_dict(c) for c in Case.objects.order_by("pk")],
        ReuseRecord.objects.count(),
        AuditEvent.objects.count(),
    )


def assert_submitted_by_the_department(case, author):
    assert (case.owner.code, case.status, case.scope, case.audience.code) == (
        ORG["DEP"],
        "pending",
        "network",
        ORG["M"],
    )
    assert case.author == author and case.submitted_at is not None
    events = AuditEvent.objects.filter(object_id=case.pk, content_type__model="case")
    assert [e.action for e in events.order_by("id")] == ["create", "submit"]


# ---- the service: every entry point's way in ------------------------------------------------


def test_the_service_creates_and_submits_a_department_case(persona):
    dept = persona("dept")
    data = {**CONTENT, "domains": ThematicDomain.objects.filter(code="finance")}
    case = services.resource_create(Case, user=dept, owner_code=ORG["DEP"], data=data)
    assert_submitted_by_the_department(Case.objects.get(pk=case.pk), dept)
    assert case.version == 2  # created (1), submitted (2)
    assert case.pk in Case.objects.restrict(persona("muni_curator"), "review").values_list(
        "pk", flat=True
    )


def test_the_service_refuses_an_incomplete_department_case_whole(persona):
    before = everything()
    with pytest.raises(InvalidInput) as refused:
        services.resource_create(
            Case, user=persona("dept"), owner_code=ORG["DEP"], data={"title": "只有标题"}
        )
    assert {"background", "year", "domains"} <= set(refused.value.errors)
    assert everything() == before


def test_a_schools_case_still_starts_as_a_draft(persona):
    case = services.resource_create(
        Case, user=persona("tA_teacher"), owner_code=ORG["TA"], data=dict(CONTENT)
    )
    assert (case.status, case.scope, case.version) == ("draft", "private", 1)


def test_a_duplicate_external_ref_is_a_field_error_from_the_service(persona):
    dept = persona("dept")
    data = {**CONTENT, "domains": ThematicDomain.objects.filter(code="finance")}
    services.resource_create(
        Case, user=dept, owner_code=ORG["DEP"], data={**data, "external_ref": "FGJ-1"}
    )
    before = everything()
    with pytest.raises(InvalidInput) as refused:
        services.resource_create(
            Case,
            user=dept,
            owner_code=ORG["DEP"],
            data={**data, "title": "另一个", "external_ref": "FGJ-1"},
        )
    assert set(refused.value.errors) == {"external_ref"}
    assert everything() == before


def test_changing_external_ref_to_a_taken_one_is_refused_by_the_api_and_changes_nothing(
    api, persona
):
    dept = persona("dept")
    CaseFactory(
        owner_code=ORG["DEP"], author=dept, status="pending", scope="network", external_ref="FGJ-7"
    )
    other = CaseFactory(
        owner_code=ORG["DEP"], author=dept, status="pending", scope="network", external_ref="X"
    )
    before = everything()
    response = api("dept").patch(
        f"/api/v1/cases/{other.pk}/", {"external_ref": "FGJ-7"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"external_ref"}
    assert everything() == before


# ---- the pages ------------------------------------------------------------------------------


def test_the_create_page_says_a_department_case_goes_straight_to_review(browser):
    body = browser("dept").get("/library/cases/new/").content.decode()
    assert "将直接提交审核" in body
    assert "将直接提交审核" not in browser("tA_teacher").get("/library/cases/new/").content.decode()


def test_a_department_case_created_on_its_page_waits_for_the_municipal_curators(browser, persona):
    response = browser("dept").post("/library/cases/new/", page_post(), follow=True)
    case = Case.objects.get(title=CONTENT["title"])
    assert response.redirect_chain[-1][0] == f"/library/cases/{case.pk}/"
    assert_submitted_by_the_department(case, persona("dept"))
    messages = [str(m) for m in response.context["messages"]]
    assert any("中共佛山市委党校" in m and "审核" in m for m in messages), messages
    queue = browser("muni_curator").get("/review/").content.decode()
    assert CONTENT["title"] in queue


def test_an_incomplete_department_case_on_its_page_keeps_the_input_and_creates_nothing(browser):
    before = everything()
    response = browser("dept").post(
        "/library/cases/new/", page_post(background="", year=None, teaching_notes="")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"background", "year", "teaching_notes"} <= set(form.errors)
    body = response.content.decode()
    assert CONTENT["key_issues"] in body and CONTENT["title"] in body  # the input is kept
    assert everything() == before


def test_a_duplicate_external_ref_on_the_page_is_shown_beside_its_field(browser, persona):
    CaseFactory(
        owner_code=ORG["DEP"],
        author=persona("dept"),
        status="pending",
        scope="network",
        external_ref="FGJ-2026-9",
    )
    before = everything()
    response = browser("dept").post("/library/cases/new/", page_post(external_ref="FGJ-2026-9"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["external_ref"]
    assert 'id="id_external_ref-error"' in response.content.decode()
    assert everything() == before


def test_a_school_teacher_case_created_on_its_page_is_a_draft(browser):
    response = browser("tA_teacher").post(
        "/library/cases/new/", page_post(owner=org_pk("TA"), contributing_department=None)
    )
    case = Case.objects.get(title=CONTENT["title"])
    assert response["Location"] == f"/library/cases/{case.pk}/"
    assert (case.status, case.scope) == ("draft", "private")


# ---- the admin ------------------------------------------------------------------------------


@pytest.fixture
def staff_submitter(persona, client):
    """The municipal curator, who also holds the 发改局's submitter seat, in the admin."""
    user = persona("muni_curator")
    Membership.objects.create(user=user, organization_id=org_pk("DEP"), role="submitter")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    forget_actor(user)
    client.force_login(user)
    return user


def admin_post(**overrides):
    data = page_post(**overrides)
    data.update({"external_ref": data.get("external_ref", ""), "_save": "保存"})
    return data


def test_a_department_case_added_in_the_admin_is_submitted_with_its_domains(
    staff_submitter, client
):
    response = client.post(ADMIN_ADD, admin_post(domains=[domain_pk(), domain_pk("finance")]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    case = Case.objects.get(title=CONTENT["title"])
    assert_submitted_by_the_department(case, staff_submitter)
    assert sorted(case.domains.values_list("code", flat=True)) == [
        "business-environment",
        "finance",
    ]


def test_an_incomplete_department_case_in_the_admin_is_refused_beside_the_form(
    staff_submitter, client
):
    before = everything()
    response = client.post(ADMIN_ADD, admin_post(background="", domains=[]))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"background", "domains"} <= set(errors)
    assert CONTENT["key_issues"] in response.content.decode()  # the input is kept
    assert everything() == before


def test_a_schools_case_added_in_the_admin_is_a_draft(persona, client):
    curator = persona("tA_curator")
    curator.is_staff = True
    curator.save(update_fields=["is_staff"])
    client.force_login(curator)
    response = client.post(ADMIN_ADD, admin_post(owner=org_pk("TA"), contributing_department=None))
    assert response.status_code == 302
    case = Case.objects.get(title=CONTENT["title"])
    assert (case.status, case.scope, case.owner.code) == ("draft", "private", ORG["TA"])
    assert [
        e.action for e in AuditEvent.objects.filter(object_id=case.pk, content_type__model="case")
    ] == ["create"]


# ---- Excel import: departments may not ------------------------------------------------------


def case_workbook():
    headers = HEADERS["cases"]
    row = {
        "标题": CONTENT["title"],
        "背景": CONTENT["background"],
        "关键问题": CONTENT["key_issues"],
        "教学使用说明": CONTENT["teaching_notes"],
        "讨论题": CONTENT["discussion_questions"],
        "专题领域": "金融赋能",
        "年份": 2025,
        "报送部门编码": ORG["DEP"],
    }
    return xlsx(headers, [[row.get(h) for h in headers]])


def test_a_department_cannot_import_cases_and_the_refusal_changes_nothing(api):
    before = everything()
    response = api("dept").post(
        "/api/v1/cases/import/",
        {"file": upload(case_workbook()), "owner": ORG["DEP"]},
        format="multipart",
    )
    assert response.status_code == 403
    assert everything() == before


def test_the_import_service_refuses_a_department_too(persona):
    from apps.exchange.services import import_workbook

    before = everything()
    with pytest.raises(ActionDenied):
        import_workbook(Case, case_workbook(), user=persona("dept"), owner_code=ORG["DEP"])
    assert everything() == before
