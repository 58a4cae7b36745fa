"""The public face of the exchange: build templates and exports, import workbooks."""

from .exceptions import ImportRejected, RowError
from .importing import MAX_BYTES, MAX_ROWS, ImportResult, import_workbook
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
    "ImportRejected",
    "ImportResult",
    "RowError",
    "export_filenames",
    "export_workbook",
    "import_workbook",
    "template_filenames",
    "template_workbook",
]
