"""The admin: export the selection, import through a page that shows every problem."""

import pytest
from django.contrib.messages import SUCCESS, get_messages

from apps.courses.models import Course
from apps.faculty.models import LecturerContact
from apps.sharing.choices import Scope, Status
from tests.factories import CourseFactory, LecturerFactory

from .conftest import LIBRARIES, TA, TA2, TB
from .helpers import CONTACT_HEADERS, HEADERS, XLSX, sheet_rows, snapshot, upload, xlsx

pytestmark = pytest.mark.django_db

ADMIN_URLS = {
    "courses": "/admin/courses/course/",
    "faculty": "/admin/faculty/lecturer/",
    "cases": "/admin/cases/case/",
    "sites": "/admin/teaching_sites/teachingsite/",
}


@pytest.fixture
def staff(persona, client):
    def sign_in(name):
        user = persona(name)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        return user

    return sign_in


def export_action(client, url, objs):
    return client.post(
        url,
        {
            "action": "export_selected_xlsx",
            "_selected_action": [o.pk for o in objs],
            "index": 0,
            "select_across": 0,
        },
    )


@pytest.mark.parametrize("library", LIBRARIES)
def test_changelist_offers_import_template_and_export(library, staff, client):
    staff("tA_curator")
    response = client.get(ADMIN_URLS[library])
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{ADMIN_URLS[library]}import/"' in html
    assert f'href="{ADMIN_URLS[library]}import-template/"' in html
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "export_selected_xlsx" in actions

    template = client.get(f"{ADMIN_URLS[library]}import-template/")
    assert template.status_code == 200
    assert template["Content-Type"] == XLSX
    headers, _rows = sheet_rows(template.content)
    assert headers[: len(HEADERS[library])] == HEADERS[library]


def test_a_teacher_in_the_admin_sees_no_import_link_and_cannot_open_the_page(staff, client):
    staff("tA_teacher")
    html = client.get(ADMIN_URLS["courses"]).content.decode()
    assert "/import/" not in html
    assert client.get(f"{ADMIN_URLS['courses']}import/").status_code == 403


def test_export_action_exports_only_the_selected_visible_rows(staff, client, persona):
    staff("tA_curator")
    own = CourseFactory(owner_code=TA, author=persona("tA_teacher"))
    other_own = CourseFactory(owner_code=TA, author=persona("tA_teacher"))
    hidden = CourseFactory(owner_code=TA2, author=persona("tA2_teacher"))

    response = export_action(client, ADMIN_URLS["courses"], [own, hidden])

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    _headers, rows = sheet_rows(response.content)
    assert [row["编号"] for row in rows] == [own.pk]
    assert other_own.pk not in {row["编号"] for row in rows}


def test_export_action_follows_the_contact_rule(staff, client, persona):
    staff("tA_curator")
    own = LecturerFactory(owner_code=TA, author=persona("tA_teacher"))
    other = LecturerFactory(
        owner_code=TB, author=persona("tB_teacher"), status=Status.PUBLISHED, scope=Scope.NETWORK
    )
    LecturerContact.objects.create(lecturer=own, phone="13800000001")
    LecturerContact.objects.create(lecturer=other, phone="13800000002")

    headers, rows = sheet_rows(export_action(client, ADMIN_URLS["faculty"], [own, other]).content)
    assert set(CONTACT_HEADERS) <= set(headers)
    assert {r["编号"]: r["手机"] for r in rows} == {own.pk: "13800000001", other.pk: None}

    headers, _rows = sheet_rows(export_action(client, ADMIN_URLS["faculty"], [other]).content)
    assert not set(CONTACT_HEADERS) & set(headers)


def test_import_page_offers_only_curated_organisations(staff, client):
    staff("tA_curator")
    response = client.get(f"{ADMIN_URLS['courses']}import/")
    assert response.status_code == 200
    choices = [code for code, _label in response.context["form"].fields["owner"].choices if code]
    assert [str(c) for c in choices] == [TA]
    assert 'href="/admin/courses/course/import-template/"' in response.content.decode()


def test_import_page_shows_every_problem_and_keeps_the_owner(staff, client):
    staff("tA_curator")
    content = xlsx(
        ["课程名称", "课时", "专题领域"], [["好课程", 2, ""], ["坏课程", "两", "无此领域"]]
    )
    before = snapshot(Course)

    response = client.post(
        f"{ADMIN_URLS['courses']}import/", {"owner": TA, "file": upload(content)}
    )

    assert response.status_code == 200
    assert [(r["row"], r["column"]) for r in response.context["rows"]] == [
        (3, "课时"),
        (3, "专题领域"),
    ]
    html = response.content.decode()
    assert 'id="import-problems"' in html and "无此领域" in html
    assert f'<option value="{TA}" selected>' in html
    assert snapshot(Course) == before


def test_import_page_reports_an_unreadable_file_on_the_file_field(staff, client):
    staff("tA_curator")
    response = client.post(
        f"{ADMIN_URLS['courses']}import/", {"owner": TA, "file": upload(b"not a workbook")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not response.context["rows"]


def test_import_page_imports_and_returns_to_the_changelist(staff, client):
    staff("tA_curator")
    content = xlsx(["课程名称", "专题领域"], [["后台导入的课程", "金融赋能"]])
    response = client.post(
        f"{ADMIN_URLS['courses']}import/", {"owner": TA, "file": upload(content)}
    )
    assert response.status_code == 302
    assert response["Location"] == ADMIN_URLS["courses"]
    assert [m.level for m in get_messages(response.wsgi_request)] == [SUCCESS]
    course = Course.objects.get(title="后台导入的课程")
    assert (course.owner.code, course.status, course.author.username) == (
        TA,
        Status.DRAFT,
        "tA_curator",
    )


def test_import_page_refuses_an_owner_the_user_does_not_curate(staff, client):
    staff("tA_curator")
    content = xlsx(["课程名称"], [["不该出现"]])
    response = client.post(
        f"{ADMIN_URLS['courses']}import/", {"owner": TA2, "file": upload(content)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["owner"]
    assert not Course.objects.filter(title="不该出现").exists()
