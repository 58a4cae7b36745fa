"""A lecturer's teaching record (授课记录) as an .xlsx workbook: one row per year.

The same figures as the record page (``records.lecturer_record``): classes, sessions, hours,
the trainees' average ratings and how many answered. Who may download it is the caller's
question (whoever may see the lecturer); no class title or comment is written here.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from apps.exchange.workbooks import cell_value

from . import records

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
TITLE_FONT = Font(bold=True, size=14)


def _columns() -> list[tuple[str, int]]:
    return [
        (_("Year"), 8),
        (_("Classes"), 10),
        (_("Sessions"), 10),
        (_("Hours"), 10),
        (_("Content (average, 1–5)"), 22),
        (_("Delivery (average, 1–5)"), 22),
        (_("Evaluations"), 12),
    ]


def lecturer_record_rows(lecturer) -> list[list]:
    """The record's rows, year by year, newest first (what the sheet writes below its header)."""
    return [
        [
            row.year,
            row.classes,
            row.sessions,
            row.hours,
            row.content,
            row.delivery,
            row.evaluations,
        ]
        for row in records.lecturer_record(lecturer)
    ]


def lecturer_record_workbook(lecturer) -> bytes:
    """The workbook: the lecturer's name and the date on top, then one row per year."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Teaching record")[:31]
    title = sheet.cell(row=1, column=1, value=cell_value(lecturer.title))
    title.data_type = "s"  # a name starting with "=" stays text
    title.font = TITLE_FONT
    sheet.cell(
        row=2,
        column=1,
        value=_("Teaching record (授课记录), as of %(date)s")
        % {"date": date_format(timezone.localdate(), "Y-m-d")},
    )
    header_row = 4
    for index, (label, width) in enumerate(_columns(), start=1):
        cell = sheet.cell(row=header_row, column=index, value=label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = width
    for offset, values in enumerate(lecturer_record_rows(lecturer), start=1):
        for index, value in enumerate(values, start=1):
            sheet.cell(row=header_row + offset, column=index, value=value)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
