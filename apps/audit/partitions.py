"""The audit log by month (PostgreSQL): partitions ahead of time, and retention by archive.

On PostgreSQL the audit table (``audit_auditevent``, the same name the model and every query
use) is partitioned by RANGE on ``occurred_at``: one partition per calendar month of
**Asia/Shanghai** (``audit_auditevent_p202603`` holds 2026-03-01 00:00+08 up to, not
including, 2026-04-01 00:00+08), and a DEFAULT partition (``audit_auditevent_default``) so an
insert never fails for want of a month. Migration 0004 converts the plain table (keeping every
row, its id and the id sequence) with ``convert``; SQLite keeps the plain table and everything
here does nothing there.

``ensure`` (migration, ``manage.py audit_partitions``, the systemd timer in docs/operations.md)
creates the current month and the next ``AUDIT_PARTITION_MONTHS_AHEAD`` (default 3), and moves
rows that landed in DEFAULT into their own month: DEFAULT is detached, an empty one takes its
place, the months are created and its rows are inserted again through the parent (same ids),
then the detached table is dropped. Rows are never UPDATEd or DELETEd, so the append-only
trigger needs no exception.

``archive`` (``manage.py audit_partitions --archive``), with ``AUDIT_RETENTION_MONTHS`` = N > 0:
every monthly partition that ended before the first day of the month N months before the
current one (events younger than N months are always kept) is, one month per transaction,
locked against writes (SHARE), written with ``COPY … TO STDOUT (FORMAT csv, HEADER)`` into
``AUDIT_ARCHIVE_DIR/audit-YYYY-MM.<UTC time>.csv.gz``, read back from disk (SHA-256 and row
count, first and last id against the table), and only then renamed into place, listed in
``manifest.jsonl``, detached and dropped, with an ``archive`` audit event, and committed. A
failed verification rolls the month's transaction back: the month stays in the live log and
the partial file is removed. Archiving is an operator's act; the application still cannot
change or remove an event.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from .models import Action, AuditEvent

TABLE = AuditEvent._meta.db_table
DEFAULT = f"{TABLE}_default"
SEQUENCE = f"{TABLE}_id_seq"
ZONE_NAME = "Asia/Shanghai"  # fixed: bounds must not move if settings.TIME_ZONE ever does
ZONE = ZoneInfo(ZONE_NAME)
LOCK_KEY = 7_020_316_001  # pg_advisory_xact_lock: one partition maintainer at a time
MANIFEST = "manifest.jsonl"


def months_ahead_setting() -> int:
    return int(getattr(settings, "AUDIT_PARTITION_MONTHS_AHEAD", 3))


def retention_setting() -> int:
    return int(getattr(settings, "AUDIT_RETENTION_MONTHS", 0))


def archive_dir_setting() -> Path:
    default = Path(getattr(settings, "VAR_DIR", Path("var"))) / "audit-archive"
    return Path(getattr(settings, "AUDIT_ARCHIVE_DIR", None) or default)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---- months ---------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, moment: datetime.datetime) -> Month:
        local = moment.astimezone(ZONE) if timezone.is_aware(moment) else moment
        return cls(local.year, local.month)

    @classmethod
    def parse(cls, label: str) -> Month:
        year, month = label.split("-")
        return cls(int(year), int(month))

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime(self.year, self.month, 1, tzinfo=ZONE)

    @property
    def end(self) -> datetime.datetime:
        return self.plus(1).start

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def table(self) -> str:
        return f"{TABLE}_p{self.year:04d}{self.month:02d}"

    def __str__(self) -> str:
        return self.label


def _month_of_table(name: str) -> Month | None:
    prefix = f"{TABLE}_p"
    tail = name[len(prefix) :]
    if not name.startswith(prefix) or len(tail) != 6 or not tail.isdigit():
        return None
    return Month(int(tail[:4]), int(tail[4:]))


# ---- reading the catalogue ------------------------------------------------------------------


def _alias() -> str:
    return router.db_for_write(AuditEvent)


def _connection(connection=None):
    return connection if connection is not None else connections[_alias()]


def is_partitioned(connection=None) -> bool:
    connection = _connection(connection)
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass(%s)", [_q(TABLE)]
        )
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def _children(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
        [_q(TABLE)],
    )
    return [row[0] for row in cursor.fetchall()]


def attached_months(connection=None) -> list[Month]:
    """The monthly partitions attached to the audit table, oldest first."""
    if not is_partitioned(connection):
        return []
    with _connection(connection).cursor() as cursor:
        months = [_month_of_table(name) for name in _children(cursor)]
    return sorted(m for m in months if m is not None)


def partition_of(event_id: int, connection=None) -> str | None:
    """The partition (table name) that holds event ``event_id``: where a row landed."""
    with _connection(connection).cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {_q(TABLE)} WHERE id = %s", [event_id]
        )
        row = cursor.fetchone()
    return row[0].strip('"') if row else None


def _months_in(cursor, table: str) -> list[Month]:
    cursor.execute(
        f"SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE %s) FROM {_q(table)}",
        [ZONE_NAME],
    )
    return sorted(Month(row[0].year, row[0].month) for row in cursor.fetchall())


def _create_month(cursor, month: Month) -> None:
    cursor.execute(
        f"CREATE TABLE {_q(month.table)} PARTITION OF {_q(TABLE)}"
        f" FOR VALUES FROM ('{month.start.isoformat()}') TO ('{month.end.isoformat()}')"
    )


# ---- partitions ahead, strays moved ---------------------------------------------------------


@dataclass
class EnsureReport:
    created: list[Month] = field(default_factory=list)
    moved: int = 0  # rows moved out of DEFAULT into their month

    def __str__(self) -> str:
        made = ", ".join(m.label for m in self.created) or "none"
        return f"partitions created: {made}; rows moved out of the default partition: {self.moved}"


def ensure(
    months_ahead: int | None = None, *, now: datetime.datetime | None = None, connection=None
) -> EnsureReport:
    """The current month and the next ``months_ahead`` exist; DEFAULT holds no row of a month.

    Does nothing (an empty report) where the table is not partitioned (SQLite)."""
    report = EnsureReport()
    connection = _connection(connection)
    if not is_partitioned(connection):
        return report
    ahead = months_ahead_setting() if months_ahead is None else months_ahead
    current = Month.of(now or timezone.now())
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        existing = {_month_of_table(name) for name in _children(cursor)}
        strays = _months_in(cursor, DEFAULT) if DEFAULT in _children(cursor) else []
        wanted = {current.plus(i) for i in range(ahead + 1)} | set(strays)
        moving = f"{DEFAULT}_moving"
        if strays:
            cursor.execute(f"ALTER TABLE {_q(TABLE)} DETACH PARTITION {_q(DEFAULT)}")
            cursor.execute(f"ALTER TABLE {_q(DEFAULT)} RENAME TO {_q(moving)}")
            cursor.execute(f"CREATE TABLE {_q(DEFAULT)} PARTITION OF {_q(TABLE)} DEFAULT")
        for month in sorted(wanted - existing):
            _create_month(cursor, month)
            report.created.append(month)
        if strays:
            cursor.execute(f"SELECT count(*) FROM {_q(moving)}")
            count = cursor.fetchone()[0]
            cursor.execute(f"INSERT INTO {_q(TABLE)} SELECT * FROM {_q(moving)} ORDER BY id")
            if cursor.rowcount != count:  # never: the same transaction holds both
                raise RuntimeError(f"moved {cursor.rowcount} of {count} rows out of DEFAULT")
            cursor.execute(f"DROP TABLE {_q(moving)}")
            report.moved = count
    return report


# ---- retention: archive, verify, then drop --------------------------------------------------


class ArchiveFailed(Exception):
    """An archive file did not read back as written: its month stays in the live log."""


@dataclass
class ArchivedMonth:
    month: Month
    rows: int
    sha256: str
    path: Path


@dataclass
class ArchiveReport:
    ensured: EnsureReport
    archived: list[ArchivedMonth] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # month label → why it was kept
    kept: list[Month] = field(default_factory=list)


class _HashingWriter(io.RawIOBase):
    """Writes to ``raw`` and hashes exactly the bytes that go to disk."""

    def __init__(self, raw):
        self.raw = raw
        self.sha = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sha.update(data)
        return self.raw.write(data)


def _write(cursor, table: str, path: Path) -> str:
    """COPY the table (by id) into a gzip'd CSV with a header; returns the file's SHA-256."""
    with open(path, "wb") as raw:
        hashing = _HashingWriter(raw)
        with gzip.GzipFile(fileobj=hashing, mode="wb", mtime=0) as gz:
            sql = (
                f"COPY (SELECT * FROM {_q(table)} ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)"
            )
            with cursor.cursor.copy(sql) as copy:
                for block in copy:
                    gz.write(bytes(block))
        raw.flush()
        os.fsync(raw.fileno())
    return hashing.sha.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_archive(path: Path):
    """The rows of an archive file as dicts (column → text as PostgreSQL wrote it; "" is NULL
    only where the column allows it — load into PostgreSQL for exact types, see operations)."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def archived_facts(path: Path) -> tuple[int, int | None, int | None]:
    """(rows, first id, last id) read back from the file on disk."""
    rows, first, last = 0, None, None
    for row in read_archive(path):
        rows += 1
        last = int(row["id"])
        first = last if first is None else first
    return rows, first, last


def _verify(path: Path, sha256: str, expected: tuple[int, int | None, int | None]) -> None:
    on_disk = sha256_of(path)
    if on_disk != sha256:
        raise ArchiveFailed(f"{path.name}: SHA-256 on disk {on_disk} is not the one written")
    try:
        found = archived_facts(path)
    except (OSError, EOFError, csv.Error, KeyError, ValueError) as exc:
        raise ArchiveFailed(f"{path.name} does not read back: {exc}") from exc
    if found != expected:
        raise ArchiveFailed(
            f"{path.name} reads back as (rows, first id, last id) {found}, the table has {expected}"
        )


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _archive_month(connection, month: Month, directory: Path, stamp: str) -> ArchivedMonth:
    from .recorder import record  # the recorder imports the sharing engine; only needed here

    final = directory / f"audit-{month.label}.{stamp}.csv.gz"
    partial = directory / f".{final.name}.partial"
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute(f"LOCK TABLE {_q(month.table)} IN SHARE MODE")  # no writes meanwhile
        cursor.execute(f"SELECT count(*), min(id), max(id) FROM {_q(month.table)}")
        expected = tuple(cursor.fetchone())
        try:
            sha256 = _write(cursor, month.table, partial)
            _verify(partial, sha256, expected)
            os.replace(partial, final)
            _fsync_dir(directory)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        cursor.execute(f"SELECT * FROM {_q(month.table)} LIMIT 0")
        columns = [c.name for c in cursor.description]
        line = {
            "month": month.label,
            "rows": expected[0],
            "sha256": sha256,
            "file": final.name,
            "first_id": expected[1],
            "last_id": expected[2],
            "from": month.start.isoformat(),
            "to": month.end.isoformat(),
            "time_zone": ZONE_NAME,
            "columns": columns,
            "format": "csv, header, gzip (PostgreSQL COPY … WITH (FORMAT csv, HEADER))",
            "archived_at": timezone.now().astimezone(datetime.UTC).isoformat(),
        }
        with open(directory / MANIFEST, "a", encoding="utf-8") as manifest:
            manifest.write(json.dumps(line, ensure_ascii=False) + "\n")
            manifest.flush()
            os.fsync(manifest.fileno())
        cursor.execute(f"ALTER TABLE {_q(TABLE)} DETACH PARTITION {_q(month.table)}")
        cursor.execute(f"DROP TABLE {_q(month.table)}")
        record(
            Action.ARCHIVE,
            model=AuditEvent,
            object_id=None,
            object_repr=f"audit months archived: {month.label}",
            changes={
                "month": [None, month.label],
                "rows": [None, expected[0]],
                "file": [None, final.name],
                "sha256": [None, sha256],
            },
        )
    return ArchivedMonth(month, expected[0], sha256, final)


def archive(
    retention_months: int | None = None,
    *,
    directory: Path | None = None,
    now: datetime.datetime | None = None,
    months_ahead: int | None = None,
    connection=None,
) -> ArchiveReport:
    """Archive and drop every monthly partition older than the retention (0: keep all).

    Partitions ahead are ensured first (so strays in DEFAULT reach their month and can be
    archived with it). Each month is its own transaction; a month whose file does not verify
    is kept (``report.failed``) and the others go on."""
    connection = _connection(connection)
    now = now or timezone.now()
    report = ArchiveReport(ensure(months_ahead, now=now, connection=connection))
    retention = retention_setting() if retention_months is None else retention_months
    if retention <= 0 or not is_partitioned(connection):
        report.kept = attached_months(connection)
        return report
    cutoff = Month.of(now).plus(-retention)
    directory = directory or archive_dir_setting()
    directory.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    for month in attached_months(connection):
        if month >= cutoff:
            report.kept.append(month)
            continue
        try:
            report.archived.append(_archive_month(connection, month, directory, stamp))
        except ArchiveFailed as exc:
            report.failed[month.label] = str(exc)
            report.kept.append(month)
    return report


# ---- the migration: plain table <-> partitioned ----------------------------------------------


def _sequence_state(cursor) -> tuple[str | None, int | None, bool]:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [_q(TABLE)])
    sequence = cursor.fetchone()[0]
    if sequence is None:
        return None, None, False
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
    last_value, is_called = cursor.fetchone()
    return sequence, last_value, is_called


def _index_definitions(cursor) -> list[tuple[str, str]]:
    """(name, CREATE INDEX …) of the table's own indexes, the primary key's left out."""
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE i.indrelid = to_regclass(%s) AND NOT i.indisprimary ORDER BY c.relname",
        [_q(TABLE)],
    )
    return [(name, definition.replace(" ON ONLY ", " ON ")) for name, definition in cursor]


def _grants(cursor) -> list[str]:
    """GRANT statements that give the table's privileges (other than its owner's) again."""
    cursor.execute(
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END,"
        " a.privilege_type FROM pg_class c, aclexplode(c.relacl) a"
        " LEFT JOIN pg_roles r ON r.oid = a.grantee"
        " WHERE c.oid = to_regclass(%s) AND a.grantee <> c.relowner",
        [_q(TABLE)],
    )
    return [f"GRANT {privilege} ON {_q(TABLE)} TO {grantee}" for grantee, privilege in cursor]


def _refuse_foreign_keys_at_the_table(cursor) -> None:
    cursor.execute(
        "SELECT conname, conrelid::regclass::text FROM pg_constraint"
        " WHERE contype = 'f' AND confrelid = to_regclass(%s)",
        [_q(TABLE)],
    )
    found = cursor.fetchall()
    if found:  # none today: every reference to an event is by value (request id, object id)
        raise RuntimeError(
            f"foreign keys point at {TABLE} ({found}); a partitioned table's key is "
            "(id, occurred_at): change them to reference both columns, or none, first"
        )


def _has_append_only_function(cursor) -> bool:
    cursor.execute("SELECT to_regproc('audit_refuse_change') IS NOT NULL")
    return cursor.fetchone()[0]


def _rebuild(cursor, *, partitioned: bool, now: datetime.datetime | None = None) -> None:
    """Rebuild the audit table as partitioned (or back as plain): rows, ids, sequence, indexes,
    trigger and grants carried over, in the caller's transaction."""
    old = f"{TABLE}_unconverted"
    sequence, last_value, is_called = _sequence_state(cursor)
    indexes = _index_definitions(cursor)
    grants = _grants(cursor)
    trigger = _has_append_only_function(cursor)
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE contype = 'p' AND conrelid = to_regclass(%s)",
        [_q(TABLE)],
    )
    pkey = cursor.fetchone()[0]
    cursor.execute(f"ALTER TABLE {_q(TABLE)} RENAME TO {_q(old)}")
    cursor.execute(f"ALTER TABLE {_q(old)} RENAME CONSTRAINT {_q(pkey)} TO {_q(old + '_pkey')}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {_q(name)}")
    cursor.execute(
        "SELECT attidentity FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = 'id'",
        [_q(old)],
    )
    if cursor.fetchone()[0]:
        cursor.execute(f"ALTER TABLE {_q(old)} ALTER COLUMN id DROP IDENTITY")  # drops its sequence
    elif sequence is not None:
        cursor.execute(f"ALTER TABLE {_q(old)} ALTER COLUMN id DROP DEFAULT")
        cursor.execute(f"DROP SEQUENCE {sequence}")
    like = f"(LIKE {_q(old)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)"
    if partitioned:
        # PostgreSQL 15 has no identity column on a partitioned table: a sequence it owns.
        cursor.execute(f"CREATE TABLE {_q(TABLE)} {like} PARTITION BY RANGE (occurred_at)")
        cursor.execute(f"CREATE SEQUENCE {_q(SEQUENCE)} AS bigint OWNED BY {_q(TABLE)}.id")
        cursor.execute(
            f"ALTER TABLE {_q(TABLE)} ALTER COLUMN id SET DEFAULT nextval('{_q(SEQUENCE)}')"
        )
        cursor.execute(
            f"ALTER TABLE {_q(TABLE)} ADD CONSTRAINT {_q(pkey)} PRIMARY KEY (id, occurred_at)"
        )
    else:
        cursor.execute(f"CREATE TABLE {_q(TABLE)} {like}")
        cursor.execute(
            f"ALTER TABLE {_q(TABLE)} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY"
        )
        cursor.execute(f"ALTER TABLE {_q(TABLE)} ADD CONSTRAINT {_q(pkey)} PRIMARY KEY (id)")
    if last_value is not None:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, %s)",
            [_q(TABLE), last_value, is_called],
        )
    for _name, definition in indexes:
        cursor.execute(definition)
    if trigger:
        cursor.execute(
            f"CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {_q(TABLE)}"
            " FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
        )
    if partitioned:
        cursor.execute(f"CREATE TABLE {_q(DEFAULT)} PARTITION OF {_q(TABLE)} DEFAULT")
        current = Month.of(now or timezone.now())
        wanted = set(_months_in(cursor, old)) | {
            current.plus(i) for i in range(months_ahead_setting() + 1)
        }
        for month in sorted(wanted):
            _create_month(cursor, month)
    cursor.execute(f"SELECT count(*) FROM {_q(old)}")
    count = cursor.fetchone()[0]
    cursor.execute(f"INSERT INTO {_q(TABLE)} SELECT * FROM {_q(old)} ORDER BY id")
    if cursor.rowcount != count:
        raise RuntimeError(f"copied {cursor.rowcount} of {count} audit events")
    for grant in grants:
        cursor.execute(grant)
    cursor.execute(f"DROP TABLE {_q(old)} CASCADE")  # its partitions, when going back


def convert(connection) -> None:
    """Migration 0004 forwards: the plain audit table becomes partitioned by month."""
    if connection.vendor != "postgresql" or is_partitioned(connection):
        return
    with connection.cursor() as cursor:
        _refuse_foreign_keys_at_the_table(cursor)
        _rebuild(cursor, partitioned=True)


def unconvert(connection) -> None:
    """Migration 0004 backwards: one plain table again (every attached partition's rows)."""
    if connection.vendor != "postgresql" or not is_partitioned(connection):
        return
    with connection.cursor() as cursor:
        _rebuild(cursor, partitioned=False)
