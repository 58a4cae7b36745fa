"""An import that changed nothing, and every reason why, by Excel row and column."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.sharing.exceptions import InvalidInput

# A file full of mistakes should not answer with megabytes of them; the count is always given.
MAX_REPORTED = 1000


@dataclass(frozen=True)
class RowError:
    """One problem: Excel row number (1 is the header row), column header, message."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


class ImportRejected(InvalidInput):
    """Nothing was imported. ``rows`` lists problems by row and column; ``errors`` names them
    as ``rows.<row>.<column>`` (or ``file`` / ``owner`` when the file itself is the problem)."""

    default_message = _("Nothing was imported.")

    def __init__(self, message=None, *, rows: list[RowError] = (), errors: dict | None = None):
        rows = sorted(rows, key=lambda e: e.row)  # stable: columns keep their sheet order
        self.total = len(rows)
        self.rows = rows[:MAX_REPORTED]
        if message is None and rows:
            message = ngettext(
                "Nothing was imported: %(n)d problem was found; fix it and import the file again.",
                "Nothing was imported: %(n)d problems were found; fix them and import the file "
                "again.",
                self.total,
            ) % {"n": self.total}
            if self.total > MAX_REPORTED:
                message += " " + str(_("The first %(shown)d are listed.") % {"shown": MAX_REPORTED})
        if errors is None:
            errors = {}
            for error in self.rows:
                errors.setdefault(f"rows.{error.row}.{error.column}", []).append(str(error.message))
        super().__init__(message, errors=errors)

    def rows_as_dicts(self) -> list[dict]:
        return [error.as_dict() for error in self.rows]


def file_problem(message) -> ImportRejected:
    """The file as a whole cannot be read (not .xlsx, too large, no rows...)."""
    return ImportRejected(message, errors={"file": [str(message)]})


class ExportTooLarge(InvalidInput):
    """An export would hold more rows than its bound (``EXPORT_MAX_ROWS`` for one made in the
    request, ``EXPORT_JOB_MAX_ROWS`` for a job): nothing is built."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(
            _(
                "The export would hold more than %(limit)d rows, the most one export may hold. "
                "Narrow the filters (owner, status, scope, domain, search…) so it holds at most "
                "%(limit)d rows."
            )
            % {"limit": limit}
        )


class ExportNeedsJob(Exception):
    """More rows than an export made in the request may hold (``EXPORT_INLINE_ROWS``): the
    caller runs it as a job (``apps.exchange.jobs.start_export``)."""

    def __init__(self, inline: int):
        self.inline = inline
        super().__init__(inline)
