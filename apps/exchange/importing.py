"""Reading a workbook into one library: check every row first, then write all or nothing."""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import openpyxl
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import actor_for
from apps.organizations.models import Organization
from apps.sharing import services
from apps.sharing.exceptions import ActionDenied, InvalidInput, SharingError
from apps.sharing.policy import CURATORS, EDITABLE

from .columns import (
    READ_ONLY_HEADERS,
    SKIP,
    CellError,
    Column,
    LibrarySpec,
    Lookups,
    OrganizationColumn,
    cell_text,
    library_spec,
)
from .exceptions import ImportRejected, RowError, file_problem
from .limits import MAX_BYTES, MAX_COLUMNS, MAX_ROWS

logger = logging.getLogger(__name__)

MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a small file that unpacks into gigabytes is refused

NOT_XLSX = _(
    "The file is not a readable Excel workbook (.xlsx). Save it as “Excel Workbook (*.xlsx)” "
    "and try again."
)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class _Row:
    number: int
    given: dict[Column, Any] = field(default_factory=dict)
    ok: bool = True

    @property
    def title(self) -> str:
        return next((v for c, v in self.given.items() if c.field == "title"), "")


@dataclass
class _Plan:
    row: _Row
    data: dict[str, Any]
    obj: Any = None  # the existing resource to update; None creates


@dataclass
class PreparedImport:
    """A file read and its importer checked: what ``run_import`` writes from."""

    spec: LibrarySpec
    owner: Any
    actor: Any
    headers: list
    rows: list[tuple[int, tuple]]


PROGRESS_EVERY = 100  # rows between two progress reports of an import job


def import_workbook(model, fileobj, *, user, owner_code: str) -> ImportResult:
    """Import the first sheet of ``fileobj`` into ``owner_code``'s ``model`` library.

    Only curators and admins of the owner may import. Every row is checked first;
    any problem raises ``ImportRejected`` listing all of them and nothing changes.
    Otherwise all rows are written in one transaction through the sharing services:
    new titles become drafts, changed drafts (and rejected or withdrawn resources)
    are updated, identical rows are left alone. A submitted or published resource
    whose row differs is a problem, to be changed online.
    """
    prepared = prepare_import(model, fileobj, user=user, owner_code=owner_code)
    return run_import(prepared, user=user)


def prepare_import(model, fileobj, *, user, owner_code: str) -> PreparedImport:
    """Check the importer's role and read the file (its size, its rows): the part of an
    import that answers at once, before it runs in the request or as a job."""
    spec = library_spec(model)
    owner = Organization.objects.filter(code=owner_code).first() if owner_code else None
    if owner is None:
        raise InvalidInput(errors={"owner": [str(_("Unknown organisation code."))]})
    actor = actor_for(user)
    if not actor.has_role(owner.pk, CURATORS):
        raise ActionDenied(
            _("Only curators and admins of %(org)s may import into it.") % {"org": owner.name}
        )
    headers, rows = read_sheet(fileobj)
    return PreparedImport(spec, owner, actor, headers, rows)


def run_import(
    prepared: PreparedImport, *, user, progress=None, before_commit=None
) -> ImportResult:
    """Check every row, then write them all in one transaction (see ``import_workbook``).

    ``progress(done, total)`` reports rows checked, every ``PROGRESS_EVERY`` rows, outside
    the transaction (so a reader sees it move); the writing inside it reports nothing.
    ``before_commit(result)`` runs last inside the transaction: a job marks itself done
    there, so a job that ran is never run again to write twice.
    """
    spec, owner, actor = prepared.spec, prepared.owner, prepared.actor
    headers, rows = prepared.headers, prepared.rows
    contact_allowed = bool(spec.contact_columns) and spec.may_write_personal(actor, owner)
    columns, errors = _match_headers(spec, headers, contact_allowed)
    if errors:
        raise ImportRejected(rows=errors)

    lookups = Lookups()
    lookups.load_organizations(
        cell_text(_cell(values, index))
        for column, index in columns
        if isinstance(column, OrganizationColumn)
        for _number, values in rows
    )
    parsed, errors = _parse(spec, columns, rows, lookups, progress)

    with transaction.atomic():
        plans, unchanged, plan_errors = _plan(spec, owner, parsed, [c for c, _i in columns])
        errors += plan_errors
        if errors:
            raise ImportRejected(rows=errors)
        result = ImportResult(unchanged=unchanged)
        for plan in plans:
            _apply(spec, plan, user=user, owner=owner)
            if plan.obj is None:
                result.created += 1
            else:
                result.updated += 1
        if before_commit is not None:
            before_commit(result)
    return result


# ---- the file ----------------------------------------------------------------------------------


def read_sheet(fileobj) -> tuple[list, list[tuple[int, tuple]]]:
    """(header cells, [(Excel row number, cells)]) of the first sheet, empty rows left out."""
    data = _read_bytes(fileobj)
    _check_archive(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        logger.info("Unreadable workbook upload", exc_info=True)
        raise file_problem(NOT_XLSX) from None
    try:
        if not workbook.worksheets:
            raise file_problem(NOT_XLSX)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # do not trust the size the writing program declared
        header = _header_row(sheet)
        # Only the columns up to the last header are read: openpyxl pads every row up to
        # its last cell, so one far-out cell per row would otherwise cost megabytes a row.
        cells = sheet.iter_rows(min_row=2, max_col=max(len(header or ()), 1), values_only=True)
        rows = []
        for number, values in enumerate(cells, start=2):
            if not any(cell_text(value) for value in values):
                continue
            if len(rows) == MAX_ROWS:
                raise file_problem(
                    _("A file may hold at most %(n)d rows; split it and import the parts.")
                    % {"n": MAX_ROWS}
                )
            rows.append((number, tuple(values)))
    except ImportRejected:
        raise
    except Exception:
        logger.info("Unreadable worksheet in upload", exc_info=True)
        raise file_problem(NOT_XLSX) from None
    finally:
        workbook.close()
    if header is None or not any(cell_text(value) for value in header):
        raise file_problem(_("The first row of the first sheet must hold the column headers."))
    if not rows:
        raise file_problem(_("The first sheet has no rows to import."))
    return list(header), rows


def _header_row(sheet) -> tuple | None:
    """The first row up to its last non-empty cell; refused when wider than MAX_COLUMNS."""
    header = next(sheet.iter_rows(max_row=1, values_only=True), None)
    if header is None:
        return None
    width = len(header)
    while width and not cell_text(header[width - 1]):
        width -= 1
    if width > MAX_COLUMNS:
        raise file_problem(
            _(
                "The first sheet's header row is %(width)d columns wide; at most %(n)d columns "
                "are read. Delete the columns that are not in the template and import again."
            )
            % {"width": width, "n": MAX_COLUMNS}
        )
    return header[:width]


def read_upload(fileobj) -> bytes:
    """The bytes of an upload (or bytes), refused when empty or over ``MAX_BYTES``."""
    return _read_bytes(fileobj)


def _read_bytes(fileobj) -> bytes:
    too_large = _("The file is larger than %(mb)d MB; split it and import the parts.") % {
        "mb": MAX_BYTES // (1024 * 1024)
    }
    if isinstance(fileobj, bytes | bytearray):
        data = bytes(fileobj)
    else:
        size = getattr(fileobj, "size", None)
        if size is not None and size > MAX_BYTES:
            raise file_problem(too_large)
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)
        data = fileobj.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise file_problem(too_large)
    if not data:
        raise file_problem(_("The file is empty."))
    return data


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise file_problem(NOT_XLSX) from None
    if "[Content_Types].xml" not in {m.filename for m in members}:
        raise file_problem(NOT_XLSX)
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise file_problem(_("The workbook is too large once unpacked; split it into parts."))


def _cell(values: tuple, index: int):
    return values[index] if index < len(values) else None


# ---- headers and cells -------------------------------------------------------------------------


def _match_headers(
    spec: LibrarySpec, headers: list, contact_allowed: bool
) -> tuple[list[tuple[Column, int]], list[RowError]]:
    """The importable columns present, with their position; read-only ones are skipped."""
    by_header = spec.by_header()
    found: dict[Column, int] = {}
    errors = []
    for index, raw in enumerate(headers):
        text = cell_text(raw)
        if not text:
            continue
        name = text.rstrip("*＊").strip()  # a required-marker star is tolerated
        if name in READ_ONLY_HEADERS:
            continue
        column = by_header.get(name)
        if column is None:
            errors.append(
                RowError(
                    1,
                    text,
                    str(_("Unknown column; the template's instructions sheet lists the columns.")),
                )
            )
        elif column in found:
            errors.append(RowError(1, text, str(_("This column appears more than once."))))
        else:
            found[column] = index
    if spec.title_column not in found:
        errors.append(
            RowError(1, spec.title_column.header, str(_("This required column is missing.")))
        )
    columns = [
        (column, index)
        for column, index in found.items()
        if column.target != "contact" or contact_allowed
    ]
    return columns, errors


def _parse(spec, columns, rows, lookups, progress=None) -> tuple[list[_Row], list[RowError]]:
    parsed, errors = [], []
    first_row_of: dict[str, int] = {}
    title_header = spec.title_column.header
    total = len(rows)
    for done, (number, values) in enumerate(rows):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
        row = _Row(number)
        for column, index in columns:
            try:
                value = column.parse(_cell(values, index), lookups)
            except CellError as exc:
                errors.append(RowError(number, column.header, exc.message))
                row.ok = False
                continue
            if value is not SKIP:
                row.given[column] = value
        title = row.title
        if title:
            if title in first_row_of:
                errors.append(
                    RowError(
                        number,
                        title_header,
                        str(
                            _("The same title is already in row %(row)d.")
                            % {"row": first_row_of[title]}
                        ),
                    )
                )
                row.ok = False
            else:
                first_row_of[title] = number
        parsed.append(row)
    return parsed, errors


# ---- matching and writing ----------------------------------------------------------------------


def _plan(spec: LibrarySpec, owner, rows: list[_Row], columns: list[Column]):
    """(plans, unchanged count, problems) against the owner's resources, locked until commit."""
    model = spec.model
    titles = {row.title for row in rows if row.title}
    queryset = (
        model.objects.filter(owner=owner, title__in=titles)
        .select_related(*spec.select[1:])
        .prefetch_related(*[c.field for c in columns if c.target == "m2m"])
        .select_for_update(of=("self",))
    )
    if any(c.target == "contact" for c in columns):
        queryset = queryset.select_related("contact")
    existing = defaultdict(list)
    for obj in queryset:
        existing[obj.title].append(obj)

    title_header = spec.title_column.header
    plans, unchanged, errors = [], 0, []
    for row in rows:
        matches = existing.get(row.title, [])
        if len(matches) > 1:
            errors.append(
                RowError(
                    row.number,
                    title_header,
                    str(
                        _(
                            "Several resources of this organisation have this title; "
                            "change them online."
                        )
                    ),
                )
            )
            continue
        if not row.ok:
            continue
        current = matches[0] if matches else None
        problems = spec.check_row({c.field: v for c, v in row.given.items()}, current)
        for header, message in problems:
            errors.append(RowError(row.number, header, message))
        if problems:
            continue
        if current is None:
            plans.append(_Plan(row, _data(row.given.items(), creating=True)))
            continue
        changed = [
            (column, value)
            for column, value in row.given.items()
            if column.current(current) != column.comparable(value)
        ]
        if not changed:
            unchanged += 1
        elif current.status in EDITABLE:
            plans.append(_Plan(row, _data(changed, creating=False), current))
        else:
            errors.append(
                RowError(
                    row.number,
                    title_header,
                    str(
                        _(
                            "Already submitted or published, so it cannot be changed by "
                            "import; change it online. Changed columns: %(columns)s."
                        )
                        % {"columns": "、".join(c.header for c, _v in changed)}
                    ),
                )
            )
    return plans, unchanged, errors


def _data(items, *, creating: bool) -> dict[str, Any]:
    data, contact = {}, {}
    for column, value in items:
        if column.target == "contact":
            contact[column.field] = value
        else:
            data[column.field] = value
    if contact and (not creating or any(contact.values())):
        data["contact"] = contact
    return data


def _apply(spec: LibrarySpec, plan: _Plan, *, user, owner) -> None:
    try:
        if plan.obj is None:
            services.resource_create(spec.model, user=user, owner_code=owner.code, data=plan.data)
        else:
            services.resource_update(spec.model, user=user, pk=plan.obj.pk, data=plan.data)
    except SharingError as exc:
        # Checked before, so unexpected; still reported by row, and the transaction rolls back.
        headers = {c.field: c.header for c in spec.importable}
        title_header = spec.title_column.header
        problems = [
            RowError(plan.row.number, headers.get(name.split(".")[0], title_header), str(m))
            for name, messages in exc.errors.items()
            for m in messages
        ] or [RowError(plan.row.number, title_header, str(exc.message))]
        raise ImportRejected(rows=problems) from exc
