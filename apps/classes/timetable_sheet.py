"""A class's timetable (课表) as an .xlsx workbook (openpyxl): one sheet named 课表.

The class's facts on top (title; host, days, venue, trainees), then one row per session:
day, time, course, version taught, lecturers, site visit (with its status), note.
"""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .models import TrainingClass, VisitStatus

SHEET_TITLE = "课表"
# The table's header is on this row; sessions follow it.
HEADER_ROW = 4
WIDTHS = (12, 13, 40, 10, 28, 36, 24)


def columns() -> list[str]:
    return [
        _("Day"),
        _("Time"),
        _("Course"),
        _("Version taught"),
        _("Lecturers"),
        _("Site visit"),
        _("Note"),
    ]


def session_row(session) -> list:
    """One session as the sheet shows it. Its lecturers: ``session.lecturer_list`` when the
    caller put them in an order (the pages: as entered), else ``session.lecturers``."""
    starts = timezone.localtime(session.starts_at)
    ends = timezone.localtime(session.ends_at)
    visit = getattr(session, "visit", None)
    lecturers = getattr(session, "lecturer_list", None)
    if lecturers is None:
        lecturers = session.lecturers.all()
    site = ""
    if visit is not None:
        site = f"{visit.site.title}（{VisitStatus(visit.status).label}）"
    return [
        starts.strftime("%Y-%m-%d"),
        f"{starts:%H:%M}–{ends:%H:%M}",
        session.course.title,
        session.course_version,
        "、".join(lecturer.title for lecturer in lecturers),
        site,
        session.note,
    ]


def timetable_workbook(training_class: TrainingClass, sessions, *, partners=()) -> bytes:
    """The workbook's bytes. ``sessions``: ``services.timetable(training_class)``."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.cell(row=1, column=1, value=training_class.title).font = Font(bold=True, size=14)
    host = training_class.host.name
    if partners:
        host += "、" + "、".join(org.name for org in partners)
    facts = [
        _("Host: %(host)s") % {"host": host},
        _("Days: %(start)s to %(end)s")
        % {
            "start": training_class.start_date.isoformat(),
            "end": training_class.end_date.isoformat(),
        },
        _("Venue: %(venue)s") % {"venue": training_class.venue or "—"},
        _("Trainees: %(n)s") % {"n": training_class.trainee_count},
    ]
    sheet.cell(row=2, column=1, value="　".join(facts))
    for col, label in enumerate(columns(), start=1):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=label)
        cell.font = Font(bold=True)
    for offset, session in enumerate(sessions, start=1):
        for col, value in enumerate(session_row(session), start=1):
            cell = sheet.cell(row=HEADER_ROW + offset, column=col, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    out = BytesIO()
    book.save(out)
    return out.getvalue()
