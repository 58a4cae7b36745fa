"""The public face of the exchange: build templates and exports, import workbooks."""

from .exceptions import ExportNeedsJob, ExportTooLarge, ImportRejected, RowError
from .importing import ImportResult, PreparedImport, import_workbook, prepare_import, run_import
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
    "ExportNeedsJob",
    "ExportTooLarge",
    "ImportRejected",
    "ImportResult",
    "PreparedImport",
    "RowError",
    "export_filenames",
    "export_workbook",
    "import_workbook",
    "prepare_import",
    "run_import",
    "template_filenames",
    "template_workbook",
]
