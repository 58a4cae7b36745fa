"""Importing a workbook: all rows checked first, then all written or none; no duplicates."""

import io
from decimal import Decimal

import openpyxl
import pytest

from apps.courses.models import Course
from apps.faculty.models import Lecturer, LecturerContact
from apps.sharing.choices import Scope, Status
from apps.taxonomy.models import ThematicDomain
from apps.teaching_sites.models import TeachingSite
from tests.factories import CourseFactory

from .conftest import LIBRARIES, TA, TA2, M
from .helpers import HEADERS, MODELS, content_of, snapshot, upload, xlsx

pytestmark = pytest.mark.django_db

COURSE_HEADERS = HEADERS["courses"]
SITE_HEADERS = HEADERS["sites"]


def post(client, library, content, owner=TA, name="导入.xlsx"):
    return client.post(
        f"/api/v1/{library}/import/",
        {"file": upload(content, name), "owner": owner},
        format="multipart",
    )


def problems(response) -> set[tuple[int, str]]:
    return {(p["row"], p["column"]) for p in response.json()["rows"]}


def course_row(title, **values):
    row = dict.fromkeys(COURSE_HEADERS, None)
    row["课程名称"] = title
    row.update(values)
    return [row[h] for h in COURSE_HEADERS]


# ---- round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize("library", LIBRARIES)
def test_export_by_municipal_curator_imports_into_another_owner_with_the_same_content(
    library, api, rich
):
    originals = rich(library, status=Status.PUBLISHED, scope=Scope.NETWORK)
    client = api("muni_curator")
    exported = client.get(f"/api/v1/{library}/export/")
    assert exported.status_code == 200

    response = post(client, library, exported.content, owner=M)

    assert response.status_code == 200, response.json()
    assert response.json() == {"created": len(originals), "updated": 0, "unchanged": 0}
    model = MODELS[library]
    for original in originals:
        copy = model.objects.get(owner__code=M, title=original.title)
        assert copy.status == Status.DRAFT
        assert copy.scope == Scope.PRIVATE
        assert copy.author.username == "muni_curator"
        expected = content_of(original)
        if library == "faculty" and expected["contact"] is None:
            expected["contact"] = None  # no contact row is made from empty cells
        assert content_of(copy) == expected

    # The same file again changes nothing.
    again = post(client, library, exported.content, owner=M)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": len(originals)}


def test_reimporting_the_same_file_creates_nothing_the_second_time(api):
    content = xlsx(
        COURSE_HEADERS,
        [
            course_row("课程一", 简介="简介一", 专题领域="建设现代化产业体系", 课时=2),
            course_row("课程二", 课程类型="lecture", 教学方法="思维导图、产业地图", 课时="1.5"),
            course_row("课程三"),
        ],
    )
    client = api("tA_curator")
    first = post(client, "courses", content)
    assert first.status_code == 200, first.json()
    assert first.json() == {"created": 3, "updated": 0, "unchanged": 0}
    before = snapshot(Course)

    second = post(client, "courses", content)

    assert second.json() == {"created": 0, "updated": 0, "unchanged": 3}
    assert snapshot(Course) == before  # not even the versions moved


# ---- one bad row stops everything ------------------------------------------------------------


def test_a_file_with_bad_rows_changes_nothing_and_names_each_row_and_column(api, persona):
    existing = CourseFactory(owner_code=TA, author=persona("tA_teacher"), title="好课程")
    content = xlsx(
        COURSE_HEADERS,
        [
            course_row("好课程", 简介="新的简介", 专题领域="金融赋能", 课时=3),
            course_row("全新课程", 专题领域="talent"),
            course_row("坏领域", 专题领域="建设现代化产业体系、不存在的领域"),
            course_row("坏课时", 课时="两课时"),
            course_row(None, 简介="没有标题"),
            course_row("课时太多", 课时=999),
        ],
    )
    count, before = Course.objects.count(), snapshot(Course)

    response = api("tA_curator").post(
        "/api/v1/courses/import/", {"file": upload(content), "owner": TA}, format="multipart"
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert problems(response) == {(4, "专题领域"), (5, "课时"), (6, "课程名称"), (7, "课时")}
    assert "不存在的领域" in next(p["message"] for p in body["rows"] if p["row"] == 4)
    assert body["errors"]["rows.5.课时"]
    assert body["status"] == 400 and body["detail"]
    assert Course.objects.count() == count
    assert snapshot(Course) == before
    existing.refresh_from_db()
    assert existing.summary == "课程简介"


def test_site_rows_with_bad_codes_and_coordinates_are_refused(api):
    def site(title, **values):
        row = dict.fromkeys(SITE_HEADERS, None)
        row["名称"] = title
        row.update(values)
        return [row[h] for h in SITE_HEADERS]

    content = xlsx(
        SITE_HEADERS,
        [
            site("好教学点", 区编码="440604", 镇街编码="440604010", 纬度=23.02, 经度="113.12"),
            site("坏区编码", 区编码="440699"),
            site("镇不在区内", 区编码="440605", 镇街编码="440604010"),
            site("坏纬度", 纬度="北纬23度", 经度=200),
            site("坏类别", 类别="游乐场", 容量=-5, **{"时长（分钟）": 30.5}),
            site("容量太大", 容量=40000),
        ],
    )
    count = TeachingSite.objects.count()

    response = post(api("tA_curator"), "sites", content)

    assert response.status_code == 400
    assert problems(response) == {
        (3, "区编码"),
        (4, "镇街编码"),
        (5, "纬度"),
        (5, "经度"),
        (6, "类别"),
        (6, "容量"),
        (6, "时长（分钟）"),
        (7, "容量"),
    }
    assert TeachingSite.objects.count() == count


def test_header_aliases_are_accepted(api):
    content = xlsx(["标题", "时长(分钟)", "容量"], [["别名教学点", "90", 40.0]])
    response = post(api("tA_curator"), "sites", content)
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    site = TeachingSite.objects.get(title="别名教学点")
    assert (site.visit_minutes, site.capacity) == (90, 40)


def test_case_rows_check_year_range_and_organisation_kinds(api):
    headers = ["标题", "发生地编码", "年份", "报送部门编码"]
    content = xlsx(
        headers,
        [
            ["好案例", "440604010", 2024, "440600-fgj"],
            ["坏年份", "440604", 1800, ""],
            ["坏发生地", "440600-fgj", "2020", "440604"],
        ],
    )
    response = post(api("tA_curator"), "cases", content)
    assert response.status_code == 400
    assert problems(response) == {(3, "年份"), (4, "发生地编码"), (4, "报送部门编码")}


def test_unknown_missing_and_repeated_headers_are_reported_on_row_one(api):
    content = xlsx(["简介", "备注", "简介"], [["a", "b", "c"]])
    response = post(api("tA_curator"), "courses", content)
    assert response.status_code == 400
    assert problems(response) == {(1, "备注"), (1, "简介"), (1, "课程名称")}


def test_a_title_twice_in_the_file_is_reported_on_the_second_row(api):
    content = xlsx(COURSE_HEADERS, [course_row("同名"), course_row("别的"), course_row("同名")])
    response = post(api("tA_curator"), "courses", content)
    assert response.status_code == 400
    assert problems(response) == {(4, "课程名称")}
    assert "2" in response.json()["rows"][0]["message"]


# ---- matching existing resources -------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REJECTED, Status.WITHDRAWN])
def test_a_changed_draft_rejected_or_withdrawn_match_is_updated_as_a_draft(api, persona, status):
    course = CourseFactory(
        owner_code=TA, author=persona("tA_teacher"), title="旧课程", status=status
    )
    other_owner = CourseFactory(owner_code=TA2, author=persona("tA2_teacher"), title="旧课程")
    content = xlsx(["课程名称", "简介", "课时"], [["旧课程", "新的简介", 4]])

    response = post(api("tA_curator"), "courses", content)

    assert response.json() == {"created": 0, "updated": 1, "unchanged": 0}
    course.refresh_from_db()
    assert course.summary == "新的简介"
    assert course.class_hours == Decimal("4")
    assert course.outline == "一、背景\n二、做法"  # a column left out is left alone
    assert course.status == Status.DRAFT
    assert course.version == 2
    other_owner.refresh_from_db()
    assert other_owner.summary == "课程简介"


@pytest.mark.parametrize("status", [Status.PENDING, Status.PUBLISHED])
def test_a_submitted_or_published_match_stays_unless_its_row_differs(api, persona, status):
    course = CourseFactory(
        owner_code=TA,
        author=persona("tA_teacher"),
        title="已发布课程",
        status=status,
        scope=Scope.DISTRICT,
        domains=["finance"],
    )
    client = api("tA_curator")
    same = xlsx(
        ["课程名称", "简介", "专题领域", "课时"], [["已发布课程", "课程简介", "finance", 2]]
    )
    assert post(client, "courses", same).json() == {"created": 0, "updated": 0, "unchanged": 1}

    changed = xlsx(["课程名称", "简介"], [["新课程", ""], ["已发布课程", "改过的简介"]])
    response = post(client, "courses", changed)

    assert response.status_code == 400
    assert problems(response) == {(3, "课程名称")}
    assert "简介" in response.json()["rows"][0]["message"]
    assert not Course.objects.filter(title="新课程").exists()
    course.refresh_from_db()
    assert (course.summary, course.version, course.status) == ("课程简介", 1, status)


def test_vocabulary_cells_take_names_or_codes_with_any_separator(api):
    content = xlsx(
        COURSE_HEADERS,
        [course_row("多领域", 专题领域="industrial-system；金融赋能, TALENT、sci-tech、金融赋能")],
    )
    response = post(api("tA_curator"), "courses", content)
    assert response.status_code == 200, response.json()
    course = Course.objects.get(title="多领域")
    assert set(course.domains.values_list("code", flat=True)) == {
        "industrial-system",
        "finance",
        "talent",
        "sci-tech",
    }


def test_read_only_export_columns_are_ignored(api):
    content = xlsx(
        ["编号", "课程名称", "所属单位", "状态", "共享范围", "版本"],
        [[999, "新课程", "别的学校", "已发布", "全市", 7]],
    )
    response = post(api("tA_curator"), "courses", content)
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    course = Course.objects.get(title="新课程")
    assert (course.owner.code, course.status, course.version) == (TA, Status.DRAFT, 1)


# ---- lecturers and their contact data --------------------------------------------------------


def test_curator_imports_lecturer_contact_data(api):
    headers = ["姓名", "专兼职", "擅长领域", "手机", "电子邮箱", "证件号码"]
    content = xlsx(
        headers,
        [
            ["陈老师", "专职", "人才高地", 13800138000, "chen@example.cn", "44060119800101001X"],
            ["黄老师", "part_time", "", None, None, None],
        ],
    )
    response = post(api("tA_curator"), "faculty", content)
    assert response.status_code == 400  # 人才高地 is not a domain name
    assert problems(response) == {(2, "擅长领域")}

    content = xlsx(
        headers,
        [
            [
                "陈老师",
                "专职",
                "建设人才高地",
                13800138000,
                "chen@example.cn",
                "44060119800101001X",
            ],
            ["黄老师", "part_time", "", None, None, None],
        ],
    )
    response = post(api("tA_curator"), "faculty", content)
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    chen = Lecturer.objects.get(title="陈老师")
    assert chen.employment == "full_time"
    assert (chen.contact.phone, chen.contact.email) == ("13800138000", "chen@example.cn")
    huang = Lecturer.objects.get(title="黄老师")
    assert huang.employment == "part_time"
    assert not LecturerContact.objects.filter(lecturer=huang).exists()


def test_bad_contact_and_employment_cells_are_reported(api):
    content = xlsx(["姓名", "专兼职", "电子邮箱"], [["陈老师", "临时", "不是邮箱"]])
    response = post(api("tA_curator"), "faculty", content)
    assert response.status_code == 400
    assert problems(response) == {(2, "专兼职"), (2, "电子邮箱")}
    assert not Lecturer.objects.filter(title="陈老师").exists()


# ---- who may import --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "owner"),
    [("tA_teacher", TA), ("tA_viewer", TA), ("tA_curator", TA2), ("dept", "440600-fgj")],
)
def test_only_curators_of_the_owner_may_import(api, name, owner):
    content = xlsx(COURSE_HEADERS, [course_row("不该出现的课程")])
    count = Course.objects.count()

    response = post(api(name), "courses", content, owner=owner)

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert Course.objects.count() == count


def test_admin_of_the_owner_may_import(api):
    content = xlsx(COURSE_HEADERS, [course_row("管理员导入")])
    response = post(api("tA_admin"), "courses", content)
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}


def test_anonymous_import_is_refused(api):
    response = post(api(), "courses", xlsx(COURSE_HEADERS, [course_row("x")]))
    assert response.status_code == 401


def test_unknown_owner_and_missing_file_answer_400_with_rows(api):
    client = api("tA_curator")
    response = post(client, "courses", xlsx(COURSE_HEADERS, [course_row("x")]), owner="nope")
    assert response.status_code == 400
    assert "owner" in response.json()["errors"]
    assert response.json()["rows"] == []

    response = client.post("/api/v1/courses/import/", {"owner": TA}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert response.json()["rows"] == []


# ---- files that are not what they claim ------------------------------------------------------


def zip_without_workbook() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,  # an old .xls
        "课程名称,简介\n课程一,简介一\n".encode(),  # a CSV renamed .xlsx
        b"",
        zip_without_workbook(),
        xlsx(COURSE_HEADERS, [course_row("好")])[:-200],  # cut short
    ],
    ids=["xls", "csv", "empty", "not-a-workbook", "truncated"],
)
def test_files_that_are_not_readable_xlsx_are_refused(api, content):
    count = Course.objects.count()
    response = post(api("tA_curator"), "courses", content)
    assert response.status_code == 400
    assert response.json()["errors"]["file"]
    assert response.json()["rows"] == []
    assert Course.objects.count() == count


def test_files_over_the_size_limit_are_refused(api, monkeypatch):
    monkeypatch.setattr("apps.exchange.importing.MAX_BYTES", 2048)
    content = xlsx(COURSE_HEADERS, [course_row(f"课程{i}", 简介="很长" * 200) for i in range(20)])
    assert len(content) > 2048
    response = post(api("tA_curator"), "courses", content)
    assert response.status_code == 400
    assert response.json()["errors"]["file"]
    assert not Course.objects.filter(title="课程1").exists()


def test_files_over_the_row_limit_are_refused(api, monkeypatch):
    monkeypatch.setattr("apps.exchange.importing.MAX_ROWS", 3)
    content = xlsx(COURSE_HEADERS, [course_row(f"课程{i}") for i in range(4)])
    response = post(api("tA_curator"), "courses", content)
    assert response.status_code == 400
    assert "3" in response.json()["errors"]["file"][0]
    assert not Course.objects.filter(title="课程1").exists()


def test_a_sheet_with_headers_only_or_no_headers_is_refused(api):
    client = api("tA_curator")
    response = post(client, "courses", xlsx(COURSE_HEADERS, []))
    assert response.status_code == 400 and response.json()["errors"]["file"]
    response = post(client, "courses", xlsx([None], [["课程一"]]))
    assert response.status_code == 400 and response.json()["errors"]["file"]


def test_empty_rows_are_skipped_and_row_numbers_stay_true(api):
    content = xlsx(COURSE_HEADERS, [course_row("课程一"), [None] * 8, course_row("x", 课时="?")])
    response = post(api("tA_curator"), "courses", content)
    assert problems(response) == {(4, "课时")}


def test_text_starting_with_equals_is_stored_and_exported_as_text(api):
    content = xlsx(["课程名称", "简介"], [["=1+1", '=HYPERLINK("http://example.com")']])
    response = post(api("tA_curator"), "courses", content)
    assert response.json()["created"] == 1
    course = Course.objects.get(title="=1+1")
    assert course.summary == '=HYPERLINK("http://example.com")'
    exported = api("tA_curator").get("/api/v1/courses/export/").content
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).worksheets[0]
    cells = next(sheet.iter_rows(min_row=2))
    assert [(c.value, c.data_type) for c in cells[1:3]] == [
        ("=1+1", "s"),
        ('=HYPERLINK("http://example.com")', "s"),
    ]


def test_domain_codes_are_case_insensitive_and_inactive_terms_are_still_accepted(api):
    inactive = ThematicDomain.objects.get(code="domain-6")
    assert not inactive.is_active
    content = xlsx(COURSE_HEADERS, [course_row("旧领域课程", 专题领域="DOMAIN-6")])
    response = post(api("tA_curator"), "courses", content)
    assert response.status_code == 200, response.json()
    assert list(Course.objects.get(title="旧领域课程").domains.all()) == [inactive]
