"""The public face of the exchange: build templates and exports, import workbooks."""

from .exceptions import ExportTooLarge, ImportRejected, RowError
from .importing import ImportResult, import_workbook
from .limits import MAX_BYTES, MAX_ROWS
from .workbooks import (
    XLSX_CONTENT_TYPE,
    export_filenames,
    export_workbook,
    template_filenames,
    template_workbook,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "XLSX_CONTENT_TYPE",
    "ExportTooLarge",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "export_filenames",
    "export_workbook",
    "import_workbook",
    "template_filenames",
    "template_workbook",
]
