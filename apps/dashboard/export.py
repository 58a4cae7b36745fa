"""The dashboard as an .xlsx workbook: one sheet per table, then a sheet saying what it is."""

from __future__ import annotations

import re
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .stats import Network
from .tables import DECIMAL, PERCENT, TEXT, Table

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)
GAP_FILL = PatternFill("solid", fgColor="F8D7DA")


def sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of ``[]:*?/\\``)."""
    base = _FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def _write_table(ws, table: Table) -> None:
    ws.append([c.label for c in table.columns])
    for cell in ws[1]:
        cell.font = BOLD
    for row in table.all_rows:
        ws.append([None if c.value is None and c.kind != TEXT else c.value for c in row.cells])
        excel_row = ws.max_row
        for i, c in enumerate(row.cells, start=1):
            cell = ws.cell(row=excel_row, column=i)
            if c.kind == PERCENT:
                cell.number_format = "0.0%"
            elif c.kind == DECIMAL:
                cell.number_format = "0.0"
            if row.css == "total":
                cell.font = BOLD
            if row.css == "gap":
                cell.fill = GAP_FILL
    ws.freeze_panes = "A2"
    for i, column in enumerate(table.columns, start=1):
        longest = max(
            [len(column.label), *(len(r.cells[i - 1].text) for r in table.all_rows)], default=8
        )
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest * 2 + 2))


def workbook_bytes(network: Network, tables: dict[str, Table]) -> bytes:
    wb = Workbook()
    used: set[str] = set()
    first = True
    for table in tables.values():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = sheet_title(table.title, used)
        _write_table(ws, table)

    about = wb.create_sheet(sheet_title(_("About this export"), used))
    about.append([_("Network dashboard"), network.root.name])
    about.append([_("Generated at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    about.append([_("Gap threshold"), network.threshold])
    about.append([])
    for table in tables.values():
        about.append([table.title, table.note])
        for text in table.definitions:
            about.append(["", text])
    about.column_dimensions["A"].width = 36
    about.column_dimensions["B"].width = 100
    for row in about.iter_rows(min_row=1, max_row=3, max_col=1):
        for cell in row:
            cell.font = BOLD

    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
