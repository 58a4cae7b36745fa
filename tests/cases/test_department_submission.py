"""Partner departments submit cases through the API; the municipal school reviews them."""

import pytest
from django.forms.models import model_to_dict

from apps.cases.models import Case
from tests.conftest import ORG
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

COMPLETE = {
    "owner": ORG["DEP"],
    "title": "项目审批“一网通办”改革",
    "background": "发改局推动投资项目审批流程再造的经过。",
    "key_issues": "部门协同；数据共享",
    "teaching_notes": "适合政务服务专题班",
    "discussion_questions": "如何打破部门壁垒？",
    "domains": ["business-environment"],
    "year": 2024,
}


def test_a_department_case_goes_straight_to_municipal_review(api):
    response = api("dept").post("/api/v1/cases/", COMPLETE, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["owner"], body["status"], body["scope"], body["audience"]) == (
        ORG["DEP"],
        "pending",
        "network",
        ORG["M"],
    )
    case_id = body["id"]
    assert api("muni_curator").get(f"/api/v1/cases/{case_id}/").status_code == 200
    for outsider in ("dA_curator", "tA_teacher", "tA_curator"):
        assert api(outsider).get(f"/api/v1/cases/{case_id}/").status_code == 404, outsider


def test_an_incomplete_department_case_is_refused_whole(api):
    count = Case.objects.count()
    response = api("dept").post(
        "/api/v1/cases/", {**COMPLETE, "background": "", "year": None}, format="json"
    )
    assert response.status_code == 400
    assert {"background", "year"} <= set(response.json()["errors"])
    assert Case.objects.count() == count


def test_the_department_sees_the_rejection_reason_and_resubmits_by_editing(api, persona):
    case = CaseFactory(
        owner_code=ORG["DEP"], author=persona("dept"), status="pending", scope="network"
    )
    curator = api("muni_curator")
    assert (
        curator.post(
            f"/api/v1/cases/{case.pk}/reject/", {"reason": "请补充数据"}, format="json"
        ).status_code
        == 200
    )
    dept = api("dept")
    body = dept.get(f"/api/v1/cases/{case.pk}/").json()
    assert (body["status"], body["rejection_reason"]) == ("rejected", "请补充数据")

    response = dept.patch(f"/api/v1/cases/{case.pk}/", {"key_issues": "补充了数据"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["rejection_reason"]) == ("pending", "")


def test_the_department_may_correct_a_pending_case_and_withdraw_it(api, persona):
    case = CaseFactory(
        owner_code=ORG["DEP"], author=persona("dept"), status="pending", scope="network"
    )
    dept = api("dept")
    response = dept.patch(f"/api/v1/cases/{case.pk}/", {"title": "改正后的标题"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "pending")
    response = dept.post(f"/api/v1/cases/{case.pk}/withdraw/", format="json")
    assert (response.status_code, response.json()["status"]) == (200, "withdrawn")


def test_a_school_teacher_still_cannot_edit_a_pending_submission(api, persona):
    case = CaseFactory(
        owner_code=ORG["TA"], author=persona("tA_teacher"), status="pending", scope="district"
    )
    before = model_to_dict(case)
    response = api("tA_teacher").patch(f"/api/v1/cases/{case.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 409
    case.refresh_from_db()
    assert model_to_dict(case) == before


def test_external_ref_is_unique_per_department(api, persona, org):
    from apps.accounts.models import Membership

    dept = api("dept")
    first = dept.post("/api/v1/cases/", {**COMPLETE, "external_ref": "FGJ-2026-001"}, format="json")
    assert (first.status_code, first.json()["external_ref"]) == (201, "FGJ-2026-001")
    count = Case.objects.count()
    again = dept.post(
        "/api/v1/cases/",
        {**COMPLETE, "title": "另一案例", "external_ref": "FGJ-2026-001"},
        format="json",
    )
    assert again.status_code == 400
    assert "external_ref" in again.json()["errors"]
    assert Case.objects.count() == count

    # Another department may use the same reference for its own case.
    other = persona("tB_teacher")
    Membership.objects.create(user=other, organization=org("440600-kjj"), role="submitter")
    response = api("tB_teacher").post(
        "/api/v1/cases/",
        {**COMPLETE, "owner": "440600-kjj", "external_ref": "FGJ-2026-001"},
        format="json",
    )
    assert response.status_code == 201, response.content


def test_a_reuse_copy_does_not_carry_the_departments_reference(api, persona):
    case = CaseFactory(
        owner_code=ORG["DEP"],
        author=persona("dept"),
        status="published",
        scope="network",
        external_ref="FGJ-9",
    )
    copy = api("tA_teacher").post(
        f"/api/v1/cases/{case.pk}/reuse/", {"owner": ORG["TA"]}, format="json"
    )
    assert copy.status_code == 201
    assert copy.json()["external_ref"] == ""
