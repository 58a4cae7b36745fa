"""Exports: what the list shows and no more, personal data only where allowed, fixed cost."""

import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.actor import actor_for
from apps.exchange.services import export_workbook
from apps.faculty.models import LecturerContact
from apps.sharing.choices import Scope, Status
from apps.taxonomy.models import TeachingMethod
from tests.factories import LIBRARY_FACTORIES, CourseFactory, LecturerFactory

from .conftest import DA, LIBRARIES, TA, TA2, TB
from .helpers import (
    CONTACT_HEADERS,
    HEADERS,
    MODELS,
    READ_ONLY,
    XLSX,
    sheet_rows,
    unpacked_text,
)

pytestmark = pytest.mark.django_db


def export(client, library, **params):
    response = client.get(f"/api/v1/{library}/export/", params)
    assert response.status_code == 200, response.content[:500]
    return response


@pytest.mark.parametrize("library", LIBRARIES)
def test_export_is_an_attachment_with_a_chinese_file_name_and_all_columns(library, api, rich):
    rich(library)
    response = export(api("tA_curator"), library)

    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="' in disposition  # ASCII fallback
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    name = unquote(encoded)
    assert name.endswith(".xlsx")
    assert name.startswith(
        {"courses": "课程库", "faculty": "师资库", "cases": "案例库", "sites": "现场教学库"}[
            library
        ]
    )
    headers, rows = sheet_rows(response.content)
    contact = CONTACT_HEADERS if library == "faculty" else []
    assert headers == ["编号", *HEADERS[library], *contact, *READ_ONLY[1:]]
    assert len(rows) == 2
    assert {row["所属单位"] for row in rows} == {"禅城区祖庙街道党校"}
    assert {row["状态"] for row in rows} == {str(Status.DRAFT.label)}


def test_export_cells_hold_names_codes_and_numbers(api, rich):
    course, _bare = rich("courses")
    _headers, rows = sheet_rows(export(api("tA_curator"), "courses").content)
    row = next(r for r in rows if r["编号"] == course.pk)
    assert row["专题领域"] == "建设现代化产业体系、金融赋能"
    assert row["教学方法"] == "思维导图、产业地图"
    assert row["课程类型"] == "专题讲授"
    assert row["课时"] == 2.5
    assert row["简介"] == "第一段\n第二段"
    assert row["版本"] == 1

    site, _bare = rich("sites")
    _headers, rows = sheet_rows(export(api("tA_curator"), "sites").content)
    row = next(r for r in rows if r["编号"] == site.pk)
    assert (row["区编码"], row["镇街编码"], row["纬度"]) == (DA, TA, 23.021548)


def test_text_that_looks_like_a_formula_stays_text(api, rich):
    rich("courses")  # one title starts with "="
    content = export(api("tA_curator"), "courses").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    formula_like = [c for c in cells if str(c.value).startswith("=")]
    assert formula_like and all(c.data_type == "s" for c in formula_like)


def test_export_follows_the_list_filters_and_ordering(api, persona):
    teacher = persona("tA_teacher")
    draft = CourseFactory(owner_code=TA, author=teacher, title="草稿课程")
    published = CourseFactory(
        owner_code=TA, author=teacher, title="已发布课程", status=Status.PUBLISHED
    )
    client = api("tA_teacher")
    _h, rows = sheet_rows(export(client, "courses", status="published").content)
    assert [r["编号"] for r in rows] == [published.pk]
    _h, rows = sheet_rows(export(client, "courses", q="草稿").content)
    assert [r["编号"] for r in rows] == [draft.pk]
    _h, rows = sheet_rows(export(client, "courses", ordering="id").content)
    assert [r["编号"] for r in rows] == [draft.pk, published.pk]


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_town_teacher_never_exports_another_towns_draft(library, api, persona):
    factory = LIBRARY_FACTORIES[library]
    own = factory(owner_code=TA, author=persona("tA_teacher"))
    sibling_draft = factory(owner_code=TA2, author=persona("tA2_teacher"))
    sibling_private = factory(
        owner_code=TA2, author=persona("tA2_teacher"), status=Status.PUBLISHED
    )
    sibling_district = factory(
        owner_code=TA2,
        author=persona("tA2_teacher"),
        status=Status.PUBLISHED,
        scope=Scope.DISTRICT,
    )
    other_district_draft = factory(owner_code=TB, author=persona("tB_teacher"))

    _h, rows = sheet_rows(export(api("tA_teacher"), library).content)

    ids = {row["编号"] for row in rows}
    assert ids == {own.pk, sibling_district.pk}
    assert not ids & {sibling_draft.pk, sibling_private.pk, other_district_draft.pk}


# ---- personal data ---------------------------------------------------------------------------


@pytest.fixture
def lecturers(persona):
    """A lecturer of 祖庙 and one of 桂城 (published to the network), both with contact data."""
    own = LecturerFactory(
        owner_code=TA, author=persona("tA_teacher"), status=Status.PUBLISHED, scope=Scope.NETWORK
    )
    other = LecturerFactory(
        owner_code=TB, author=persona("tB_teacher"), status=Status.PUBLISHED, scope=Scope.NETWORK
    )
    LecturerContact.objects.create(lecturer=own, phone="13800000001", email="own@example.cn")
    LecturerContact.objects.create(lecturer=other, phone="13800000002", id_number="X2")
    return own, other


@pytest.mark.parametrize("name", ["tA_teacher", "tA_viewer", "dept", "dA_teacher", "tB_teacher"])
def test_contact_columns_are_absent_for_those_who_may_not_read_any(api, lecturers, name):
    content = export(api(name), "faculty").content
    headers, rows = sheet_rows(content)
    assert rows, "the published lecturers are visible"
    assert not set(CONTACT_HEADERS) & set(headers)
    assert "1380000000" not in unpacked_text(content)  # nowhere in the file


def test_a_town_curator_gets_contact_only_for_the_own_schools_lecturers(api, lecturers):
    own, other = lecturers
    headers, rows = sheet_rows(export(api("tA_curator"), "faculty").content)
    assert set(CONTACT_HEADERS) <= set(headers)
    by_id = {row["编号"]: row for row in rows}
    assert by_id[own.pk]["手机"] == "13800000001"
    assert by_id[own.pk]["电子邮箱"] == "own@example.cn"
    assert [by_id[other.pk][h] for h in CONTACT_HEADERS] == [None, None, None]


def test_a_municipal_curator_gets_contact_for_every_lecturer(api, lecturers):
    own, other = lecturers
    _headers, rows = sheet_rows(export(api("muni_curator"), "faculty").content)
    by_id = {row["编号"]: row for row in rows}
    assert by_id[own.pk]["手机"] == "13800000001"
    assert by_id[other.pk]["证件号码"] == "X2"


def test_a_district_curator_gets_no_contact_columns(api, lecturers):
    headers, _rows = sheet_rows(export(api("dA_curator"), "faculty").content)
    assert not set(CONTACT_HEADERS) & set(headers)


# ---- fixed number of queries -----------------------------------------------------------------


def _make(library, persona, n, start=0):
    factory = LIBRARY_FACTORIES[library]
    made = [
        factory(
            owner_code=TA,
            author=persona("tA_teacher"),
            domains=["industrial-system", "finance"],
        )
        for _ in range(start, n)
    ]
    if library == "faculty":
        LecturerContact.objects.bulk_create(
            LecturerContact(lecturer=obj, phone=f"1380000{i:04d}") for i, obj in enumerate(made)
        )
    if library == "courses":
        for obj in made:
            obj.methods.set(TeachingMethod.objects.all()[:2])
    return made


@pytest.mark.parametrize("library", LIBRARIES)
def test_export_costs_the_same_queries_for_3_and_30_rows(
    library, persona, django_assert_num_queries
):
    model = MODELS[library]
    user = persona("tA_curator")
    assert actor_for(user).lineage_ids  # seats and lineage, loaded once per request
    _make(library, persona, 3)

    def run():
        content = export_workbook(model, model.objects.restrict(user, "view"), user=user)
        return sheet_rows(content)[1]

    with CaptureQueriesContext(connection) as three:
        assert len(run()) == 3
    _make(library, persona, 30, start=3)
    with django_assert_num_queries(len(three.captured_queries)):
        assert len(run()) == 30


def test_api_export_costs_the_same_queries_for_3_and_30_rows(api, persona):
    client = api("tA_curator")
    _make("faculty", persona, 3)
    with CaptureQueriesContext(connection) as three:
        export(client, "faculty")
    _make("faculty", persona, 30, start=3)
    with CaptureQueriesContext(connection) as thirty:
        _h, rows = sheet_rows(export(client, "faculty").content)
    assert len(rows) == 30
    assert len(thirty.captured_queries) == len(three.captured_queries)


def test_export_never_loads_contact_data_of_unreadable_lecturers(api, lecturers):
    own, _other = lecturers
    client = api("tA_curator")
    with CaptureQueriesContext(connection) as queries:
        export(client, "faculty")
    contact_queries = [q["sql"] for q in queries.captured_queries if "lecturercontact" in q["sql"]]
    assert len(contact_queries) == 1
    assert str(own.pk) in contact_queries[0]


# ---- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize("library", LIBRARIES)
def test_each_librarys_template_opens_and_carries_the_headers(library, api):
    response = api("tA_teacher").get(f"/api/v1/{library}/import-template/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment;" in response["Content-Disposition"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 2
    headers = [c.value for c in workbook.worksheets[0][1]]
    contact = CONTACT_HEADERS if library == "faculty" else []
    assert headers == [*HEADERS[library], *contact]
    assert workbook.worksheets[0].max_row == 1  # no sample rows to import by mistake
    notes = "\n".join(
        str(value) for row in workbook.worksheets[1].iter_rows(values_only=True) for value in row
    )
    for header in headers:
        assert header in notes
    assert "建设现代化产业体系（industrial-system）" in notes


def test_template_lists_each_vocabulary(api):
    content = api("tA_teacher").get("/api/v1/sites/import-template/").content
    _headers, rows = sheet_rows(content, index=1)
    text = "\n".join(str(v) for row in rows for v in row.values())
    assert "灯塔工厂（lighthouse-factory）" in text
    assert "440604 中共佛山市禅城区委党校" in text
    assert "440604010 禅城区祖庙街道党校" in text
    content = api("tA_teacher").get("/api/v1/courses/import-template/").content
    text = str(sheet_rows(content, index=1))
    assert "专题讲授（lecture）" in text and "思维导图（mind-map）" in text


def test_exports_and_templates_need_a_signed_in_user(api):
    assert api().get("/api/v1/courses/export/").status_code == 401
    assert api().get("/api/v1/courses/import-template/").status_code == 401


def test_a_client_may_ask_for_the_workbook_by_accept_header(api, rich):
    rich("cases")
    response = api("tA_teacher").get("/api/v1/cases/export/", HTTP_ACCEPT=XLSX)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
