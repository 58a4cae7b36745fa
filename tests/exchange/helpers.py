"""Building and reading workbooks in tests, and snapshots that show whether anything changed."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.cases.models import Case
from apps.courses.models import Course
from apps.faculty.models import Lecturer, LecturerContact
from apps.teaching_sites.models import TeachingSite

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MODELS = {"courses": Course, "faculty": Lecturer, "cases": Case, "sites": TeachingSite}
CONTACT_HEADERS = ["手机", "电子邮箱", "证件号码"]
READ_ONLY = ["编号", "所属单位", "状态", "共享范围", "版本"]
HEADERS = {
    "courses": ["课程名称", "简介", "大纲", "专题领域", "课程类型", "教学方法", "课时", "培训对象"],
    "faculty": [
        "姓名",
        "师资类别",
        "工作单位",
        "职务",
        "职称",
        "专兼职",
        "擅长领域",
        "简介",
    ],
    "cases": [
        "标题",
        "背景",
        "关键问题",
        "教学使用说明",
        "讨论题",
        "专题领域",
        "行业",
        "发生地编码",
        "年份",
        "报送部门编码",
    ],
    "sites": [
        "名称",
        "类别",
        "承接单位",
        "地址",
        "区编码",
        "镇街编码",
        "纬度",
        "经度",
        "教学要点",
        "专题领域",
        "时长（分钟）",
        "容量",
        "参观联系人",
    ],
}


def xlsx(headers, rows, *, title="Sheet") -> bytes:
    """A workbook whose first sheet holds ``headers`` and then ``rows``."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # test data is text, even when it starts with "="
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def sheet_rows(content: bytes, index=0) -> tuple[list, list[dict]]:
    """(headers, rows as {header: value}) of one sheet of a workbook."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[index]
    values = list(sheet.iter_rows(values_only=True))
    headers = list(values[0]) if values else []
    return headers, [dict(zip(headers, row, strict=False)) for row in values[1:]]


def unpacked_text(content: bytes) -> str:
    """Every part of an .xlsx file, unpacked, as one text (to prove something is not in it)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
        )


def content_of(obj) -> dict:
    """The content an import writes: fields, exported many-to-many links and contact data."""
    data = {}
    for name in obj.CONTENT_FIELDS:
        field = obj._meta.get_field(name)
        data[name] = getattr(obj, field.attname)
    for name in ("domains", "methods"):
        if hasattr(obj, name):
            data[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
    if isinstance(obj, Lecturer):
        contact = LecturerContact.objects.filter(lecturer=obj).values("phone", "email", "id_number")
        data["contact"] = contact.first()
    return data


def snapshot(model) -> list[dict]:
    """Every stored resource of ``model``, with its links and version: equal means untouched."""
    rows = []
    for obj in model.objects.order_by("pk"):
        row = content_of(obj)
        row.update(pk=obj.pk, status=obj.status, version=obj.version, owner=obj.owner_id)
        rows.append(row)
    return rows
