"""Every write to a resource records exactly one event: who, for whom, when, what, request."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.audit.context import audit_context
from apps.audit.models import AuditEvent
from apps.courses.models import Course
from apps.faculty.models import Lecturer
from apps.organizations.models import Organization
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from apps.taxonomy.models import ThematicDomain
from tests.audit.conftest import Since, course
from tests.conftest import ORG
from tests.factories import LecturerFactory, TeachingSiteFactory

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
TA2 = "440604011"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def org_id(key):
    return Organization.objects.get(code=ORG.get(key, key)).pk


def assert_event(event, *, action, user, org, response, obj_id=None, model=Course):
    assert event.action == action
    assert event.source == "app"
    assert event.user is not None and event.user.username == user
    assert event.username == user
    assert event.organization_id == org_id(org)
    assert event.request_id == response["X-Request-ID"]
    assert uuid.UUID(event.request_id)  # none was sent: the middleware made one
    assert event.content_type.model_class() is model
    if obj_id is not None:
        assert event.object_id == obj_id
    assert event.token is None


def test_create_records_the_new_content_with_many_to_many_ids(api):
    mark = Since()
    response = api("tA_teacher").post(
        COURSES,
        {
            "owner": ORG["TA"],
            "title": "新课程",
            "summary": "简介",
            "domains": ["industrial-system", "finance"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    event = mark.one()
    assert_event(
        event,
        action="create",
        user="tA_teacher",
        org="TA",
        response=response,
        obj_id=response.json()["id"],
    )
    domains = sorted(
        ThematicDomain.objects.filter(code__in=["industrial-system", "finance"]).values_list(
            "pk", flat=True
        )
    )
    assert event.changes["title"] == [None, "新课程"]
    assert event.changes["summary"] == [None, "简介"]
    assert event.changes["domains"] == [None, domains]
    assert event.changes["status"] == [None, "draft"]
    assert event.changes["owner"] == [None, org_id("TA")]
    assert "methods" not in event.changes  # empty stays out
    assert event.object_repr == "新课程"


def test_update_records_only_the_changed_fields_before_and_after(persona, api):
    obj = course(persona, title="旧标题")
    mark = Since()
    response = api("tA_teacher").patch(
        f"{COURSES}{obj.pk}/", {"title": "新标题", "summary": obj.summary}, format="json"
    )
    assert response.status_code == 200, response.content
    event = mark.one()
    assert_event(
        event, action="update", user="tA_teacher", org="TA", response=response, obj_id=obj.pk
    )
    assert event.changes == {"title": ["旧标题", "新标题"], "version": [1, 2]}


@pytest.mark.parametrize(
    ("action", "start", "scope", "actor", "payload", "expected"),
    [
        (
            "submit",
            Status.DRAFT,
            Scope.PRIVATE,
            "tA_teacher",
            {"scope": "district"},
            {"status": ["draft", "pending"], "scope": ["private", "district"]},
        ),
        (
            "publish",
            Status.PENDING,
            Scope.DISTRICT,
            "dA_curator",
            {"scope": "district"},
            {"status": ["pending", "published"]},
        ),
        (
            "reject",
            Status.PENDING,
            Scope.DISTRICT,
            "dA_curator",
            {"reason": "请补充教学目标"},
            {"status": ["pending", "rejected"], "rejection_reason": ["", "请补充教学目标"]},
        ),
        (
            "withdraw",
            Status.PUBLISHED,
            Scope.NETWORK,
            "tA_curator",
            {},
            {"status": ["published", "withdrawn"]},
        ),
    ],
)
def test_each_transition_records_one_event_with_status_before_and_after(
    action, start, scope, actor, payload, expected, persona, api
):
    obj = course(persona, status=start, scope=scope)
    mark = Since()
    response = api(actor).post(f"{COURSES}{obj.pk}/{action}/", payload, format="json")
    assert response.status_code == 200, response.content
    event = mark.one()
    assert_event(event, action=action, user=actor, org="TA", response=response, obj_id=obj.pk)
    for name, values in expected.items():
        assert event.changes[name] == values, name
    assert event.changes["version"] == [1, 2]
    if action == "submit":
        assert event.changes["audience"] == [org_id("TA"), org_id("DA")]
        assert event.changes["submitted_at"][0] is None
    if action in ("publish", "reject"):
        assert event.changes["reviewed_by"] == [None, persona(actor).pk]


def test_reuse_records_the_copy_for_the_receiving_school(persona, api):
    source = course(persona, status=Status.PUBLISHED, scope=Scope.NETWORK)
    mark = Since()
    response = api("tA2_teacher").post(
        f"{COURSES}{source.pk}/reuse/", {"owner": TA2}, format="json"
    )
    assert response.status_code == 201, response.content
    event = mark.one()  # and no event for the source's reuse_count bump
    copy_id = response.json()["id"]
    assert_event(
        event, action="reuse", user="tA2_teacher", org=TA2, response=response, obj_id=copy_id
    )
    assert event.changes["source"] == [None, source.pk]
    assert event.changes["source_version"] == [None, 1]
    assert event.changes["owner"] == [None, org_id(TA2)]
    assert Course.objects.get(pk=source.pk).reuse_count == 1


def test_delete_records_what_was_deleted(persona, api):
    obj = course(persona, title="待删除的草稿")
    mark = Since()
    response = api("tA_teacher").delete(f"{COURSES}{obj.pk}/")
    assert response.status_code == 204, response.content
    event = mark.one()
    assert_event(
        event, action="delete", user="tA_teacher", org="TA", response=response, obj_id=obj.pk
    )
    assert event.changes["title"] == ["待删除的草稿", None]
    assert event.changes["domains"][1] is None
    assert event.object_repr == "待删除的草稿"


def test_a_refused_action_records_nothing(persona, api):
    obj = course(persona, status=Status.PENDING, scope=Scope.DISTRICT)
    mark = Since()
    assert api("tA_teacher").post(f"{COURSES}{obj.pk}/reject/", {"reason": "x"}).status_code == 403
    assert api("tB_teacher").patch(f"{COURSES}{obj.pk}/", {"title": "x"}).status_code == 404
    assert api("dA_curator").post(f"{COURSES}{obj.pk}/withdraw/").status_code == 200
    assert api("tA_curator").post(f"{COURSES}{obj.pk}/withdraw/").status_code == 409
    assert [e.action for e in mark.events()] == ["withdraw"]


def test_a_sane_incoming_request_id_is_kept_and_a_strange_one_replaced(persona, api):
    obj = course(persona)
    client = api("tA_teacher")
    mark = Since()
    kept = client.patch(
        f"{COURSES}{obj.pk}/", {"title": "一"}, format="json", HTTP_X_REQUEST_ID="gw-7f3a:42"
    )
    replaced = client.patch(
        f"{COURSES}{obj.pk}/",
        {"title": "二"},
        format="json",
        HTTP_X_REQUEST_ID="<script>alert(1)</script>",
    )
    assert kept["X-Request-ID"] == "gw-7f3a:42"
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"
    assert uuid.UUID(replaced["X-Request-ID"])
    assert [e.request_id for e in mark.events()] == [kept["X-Request-ID"], replaced["X-Request-ID"]]
    # Reads get an id too (for logs), and record nothing.
    assert uuid.UUID(client.get(COURSES)["X-Request-ID"])
    assert len(mark.events()) == 2


def test_a_token_request_records_the_token(persona, token_client):
    obj = course(persona)
    client, token = token_client("tA_teacher")
    mark = Since()
    response = client.patch(
        f"{COURSES}{obj.pk}/", {"title": "脚本改的"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.content
    event = mark.one()
    assert event.token == token
    assert event.user == persona("tA_teacher")
    assert event.request_id == response["X-Request-ID"]
    submit = client.post(
        f"{COURSES}{obj.pk}/submit/",
        {"scope": "private"},
        format="json",
        HTTP_IF_MATCH='"2"',
        HTTP_IDEMPOTENCY_KEY="audit-1",
    )
    assert submit.status_code == 200, submit.content
    assert mark.events()[-1].token == token
    assert mark.events()[-1].action == "submit"


def test_the_teaching_group_is_part_of_the_course_update(persona, api):
    obj = course(persona)
    lecturer = LecturerFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    mark = Since()
    response = api("tA_teacher").patch(
        f"{COURSES}{obj.pk}/",
        {"teaching_group": [{"lecturer": lecturer.pk, "role": "lead_expert", "duty": "理论"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    event = mark.one()
    assert event.changes["teaching_group"] == [
        [],
        [{"lecturer": lecturer.pk, "role": "lead_expert", "duty": "理论", "position": 0}],
    ]


def test_a_lecturers_contact_is_recorded_as_changed_never_by_value(persona, api):
    lecturer = LecturerFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    mark = Since()
    response = api("tA_curator").patch(
        f"/api/v1/faculty/{lecturer.pk}/",
        {"contact": {"phone": "13800000000", "email": "wang@example.cn"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    event = mark.one()
    assert event.content_type.model_class() is Lecturer
    assert event.changes["contact"] == [None, "[redacted]"]
    stored = str(AuditEvent.objects.filter(pk=event.pk).values_list("changes", flat=True).get())
    assert "13800000000" not in stored and "wang@example.cn" not in stored


def test_a_site_lifecycle_move_is_recorded(persona, api):
    site = TeachingSiteFactory(
        owner_code=ORG["TA"], author=persona("tA_teacher"), lifecycle="admitted"
    )
    mark = Since()
    response = api("tA_curator").post(
        f"/api/v1/sites/{site.pk}/lifecycle/",
        {"to": "suspended", "reason": "整改"},
        format="json",
    )
    assert response.status_code == 200, response.content
    event = mark.one()
    assert event.action == "lifecycle"
    assert event.changes == {"lifecycle": ["admitted", "suspended"], "version": [1, 2]}
    assert event.user == persona("tA_curator")
    assert event.request_id == response["X-Request-ID"]


def test_attaching_and_removing_a_file_are_recorded_on_the_resource(
    persona, api, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    obj = course(persona)
    client = api("tA_teacher")
    mark = Since()
    added = client.post(
        f"{COURSES}{obj.pk}/attachments/",
        {"file": SimpleUploadedFile("讲义.pdf", PDF)},
        format="multipart",
    )
    assert added.status_code == 201, added.content
    attach = mark.one()
    uid = attach.changes["attachments"][1][0]["uid"]
    assert attach.action == "attach" and attach.object_id == obj.pk
    assert attach.changes == {
        "attachments": [[], [{"uid": uid, "filename": "讲义.pdf"}]],
        "version": [1, 2],
    }
    mark = Since()
    assert client.delete(f"/api/v1/attachments/{uid}/").status_code == 204
    detach = mark.one()
    assert detach.action == "detach" and detach.object_id == obj.pk
    assert detach.changes["attachments"] == [[{"uid": uid, "filename": "讲义.pdf"}], []]
    assert detach.organization_id == org_id("TA")


def test_outside_a_request_the_user_is_the_callers_and_each_action_gets_its_own_id(persona):
    obj = course(persona)
    mark = Since()
    services.resource_update(Course, user=persona("tA_teacher"), pk=obj.pk, data={"title": "甲"})
    services.resource_update(Course, user=persona("tA_teacher"), pk=obj.pk, data={"title": "乙"})
    first, second = mark.events()
    assert first.user == second.user == persona("tA_teacher")
    assert first.request_id != second.request_id
    assert first.token is None
    with audit_context(request_id="nightly-import-1"):
        services.resource_update(
            Course, user=persona("tA_teacher"), pk=obj.pk, data={"title": "丙"}
        )
    assert mark.events()[-1].request_id == "nightly-import-1"


def test_a_department_create_and_submit_records_both_steps(api):
    mark = Since()
    response = api("dept").post(
        "/api/v1/cases/",
        {
            "owner": ORG["DEP"],
            "title": "投资项目审批提速",
            "background": "背景",
            "key_issues": "要点",
            "teaching_notes": "说明",
            "discussion_questions": "问题",
            "domains": ["business-environment"],
            "year": 2025,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    events = mark.events()
    assert [e.action for e in events] == ["create", "submit"]
    assert {e.request_id for e in events} == {response["X-Request-ID"]}
    assert {e.organization_id for e in events} == {org_id("DEP")}
