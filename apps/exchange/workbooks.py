"""Writing workbooks: a library's export and its import template."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from apps.accounts.actor import actor_for

from .columns import (
    READ_ONLY_ORDER,
    ChoiceColumn,
    ExportContext,
    Lookups,
    TermColumn,
    TermsColumn,
    library_spec,
)
from .exceptions import ExportNeedsJob, ExportTooLarge
from .limits import MAX_BYTES, MAX_ROWS

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CELL_CHARS = 32767  # Excel refuses longer cells

HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")


def cell_value(value):
    """A value Excel can hold: no control characters, not too long."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]
        return value or None
    return value


def _write_only_cell(sheet, value, *, font=None, fill=None):
    cell = WriteOnlyCell(sheet, value=cell_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # text stays text: a cell starting with "=" is never a formula
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _widths(sheet, columns) -> None:
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width


# ---- export ------------------------------------------------------------------------------------


PROGRESS_EVERY = 500  # rows between two progress reports of an export job


def export_workbook(
    model, queryset, *, user, limit: int | None = None, inline: int | None = None, progress=None
) -> bytes:
    """The rows of ``queryset`` (already the user's restricted, filtered one) as an .xlsx file.

    At most ``limit`` rows (``EXPORT_MAX_ROWS`` by default): more raise ``ExportTooLarge``
    before anything is built. With ``inline`` (the request's own bound, below ``limit``)
    more than that many rows raise ``ExportNeedsJob`` instead: the caller makes it a job.
    ``progress(done, total)`` is called before the first row, every ``PROGRESS_EVERY``
    rows and after the last. Lecturer contact columns are filled only for rows
    ``faculty.privacy`` lets the user read, and left out entirely when that is no row at
    all. Costs a fixed number of queries: the rows with their single-valued links, one per
    multi-valued column, and one for the contact data that may be shown.
    """
    spec = library_spec(model)
    limit = settings.EXPORT_MAX_ROWS if limit is None else limit
    cap = limit if inline is None else min(limit, inline)
    rows = list(spec.prepare_export(queryset)[: cap + 1])  # one more: is there more?
    if len(rows) > cap:
        if cap < limit:
            raise ExportNeedsJob(cap)
        raise ExportTooLarge(limit)
    contacts = {}
    if spec.contact_columns:
        contacts = spec.readable_personal(rows, actor_for(user))
    columns = spec.export_columns(with_contact=bool(contacts))
    context = ExportContext(contacts)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spec.label)
    sheet.freeze_panes = "B2"
    _widths(sheet, columns)
    sheet.append(
        [
            _write_only_cell(sheet, column.header, font=HEADER_FONT, fill=HEADER_FILL)
            for column in columns
        ]
    )
    total = len(rows)
    if progress is not None:
        progress(0, total)
    for done, obj in enumerate(rows, start=1):
        sheet.append([_write_only_cell(sheet, c.export(obj, context)) for c in columns])
        if progress is not None and done % PROGRESS_EVERY == 0 and done < total:
            progress(done, total)
    content = _save(workbook)
    if progress is not None:
        progress(total, total)
    return content


def export_filenames(model) -> tuple[str, str]:
    """(Chinese file name, ASCII fallback) for an export made now, in local time."""
    spec = library_spec(model)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{spec.label}_{stamp}.xlsx", f"{model._meta.model_name}-{stamp}.xlsx"


# ---- template ----------------------------------------------------------------------------------


def template_workbook(model) -> bytes:
    """An empty sheet with the importable headers, and a second sheet explaining each column."""
    spec = library_spec(model)
    lookups = Lookups()
    columns = spec.importable

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec.label
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        _add_dropdown(sheet, index, column, lookups, MAX_ROWS)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(gettext("Instructions")[:31])
    lines = [
        gettext(
            "Fill in one resource per row on the first sheet, from row 2 on; keep the "
            "headers of row 1 as they are. Columns may be left out or reordered."
        ),
        gettext("Headers in red are required. Empty rows are skipped."),
        gettext(
            "Rows are matched by title with the resources of the organisation you import into: "
            "a new title creates a draft, an unchanged row stays as it is, and a changed "
            "draft, rejected or withdrawn resource is updated (and becomes a draft)."
        ),
        gettext("A submitted or published resource cannot be changed by import; change it online."),
        gettext(
            "If any row has a problem, nothing is imported and every problem is listed by "
            "row and column."
        ),
        gettext("The columns %(columns)s of an export are for information and ignored on import.")
        % {"columns": "、".join(READ_ONLY_ORDER)},
        gettext("At most %(rows)d rows and %(mb)d MB per file.")
        % {"rows": MAX_ROWS, "mb": MAX_BYTES // (1024 * 1024)},
    ]
    for line in lines:
        notes.append([line])
    notes.append([])
    table_head = [
        gettext("Column"),
        gettext("Required"),
        gettext("Meaning"),
        gettext("How to fill it in"),
        gettext("Allowed values (name or code)"),
    ]
    notes.append(table_head)
    for cell in notes[notes.max_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    yes = gettext("Yes")
    for column in columns:
        notes.append(
            [
                column.header,
                yes if column.required else "",
                column.meaning(),
                column.rule_text(),
                "\n".join(column.allowed_values(lookups)) or None,
            ]
        )
        for cell in notes[notes.max_row]:
            cell.alignment = WRAP
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for letter, width in zip("ABCDE", (14, 8, 28, 48, 36), strict=True):
        notes.column_dimensions[letter].width = width
    return _save(workbook)


def _add_dropdown(sheet, index, column, lookups, max_rows) -> None:
    """A drop-down of names for single-valued list columns (codes stay accepted)."""
    if isinstance(column, TermsColumn):
        return
    if isinstance(column, TermColumn):
        names = [term.name for term in lookups.terms(column.vocabulary)]
    elif isinstance(column, ChoiceColumn):
        names = list(column.names.values())
    else:
        return
    formula = '"' + ",".join(names) + '"'
    if not names or len(formula) > 255 or any("," in n or '"' in n for n in names):
        return
    validation = DataValidation(
        type="list", formula1=formula, allow_blank=True, showErrorMessage=False
    )
    letter = get_column_letter(index)
    validation.add(f"{letter}2:{letter}{max_rows + 1}")
    sheet.add_data_validation(validation)


def template_filenames(model) -> tuple[str, str]:
    spec = library_spec(model)
    return f"{spec.label}_导入模板.xlsx", f"{model._meta.model_name}-import-template.xlsx"
