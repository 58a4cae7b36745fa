"""The audit log by month (PostgreSQL): partitions, strays, retention by verified archive.

The model and its queries are the same on both databases (those tests run on SQLite too);
the partitions themselves exist on PostgreSQL only."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.audit import partitions
from apps.audit.models import AuditEvent
from apps.audit.partitions import DEFAULT, Month

pytestmark = pytest.mark.django_db

PARTITIONED_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the audit table is partitioned by month on PostgreSQL only; SQLite keeps the "
    "plain table (apps/audit/partitions.py)",
)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day=15, hour=12, tz=SHANGHAI):
    return datetime.datetime(year, month, day, hour, tzinfo=tz)


def event(when, repr_="手工", **kwargs):
    return AuditEvent.objects.create(action="update", object_repr=repr_, occurred_at=when, **kwargs)


def stored(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT action, changes::text FROM audit_auditevent WHERE id = %s", [pk])
        return cursor.fetchone()


# ---- the same queries, whatever the storage -------------------------------------------------


def test_queries_through_the_model_are_unchanged_across_months():
    mark = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    old = event(at(2024, 1, 10), "一月")
    mid = event(at(2024, 2, 10), "二月", request_id="r-2")
    new = event(timezone.now(), "本月", request_id="r-2")
    mine = AuditEvent.objects.filter(id__gt=mark)

    assert list(mine.values_list("object_repr", flat=True)) == ["本月", "二月", "一月"]  # -id
    assert list(mine.order_by("occurred_at").values_list("pk", flat=True)) == [
        old.pk,
        mid.pk,
        new.pk,
    ]
    assert mine.filter(occurred_at__lt=at(2024, 3, 1, 0)).count() == 2
    assert mine.filter(occurred_at__gte=at(2024, 2, 1, 0)).count() == 2
    assert mine.filter(request_id="r-2").count() == 2
    assert AuditEvent.objects.get(pk=mid.pk).object_repr == "二月"
    assert set(mine.dates("occurred_at", "month")) >= {
        datetime.date(2024, 1, 1),
        datetime.date(2024, 2, 1),
    }


def test_the_command_says_what_it_did(capsys):
    call_command("audit_partitions")
    out = capsys.readouterr().out
    if connection.vendor == "postgresql":
        assert "monthly partitions in the live log:" in out
        assert Month.of(timezone.now()).label in out
    else:
        assert "not partitioned (PostgreSQL only): nothing to do" in out


# ---- partitions ------------------------------------------------------------------------------


@PARTITIONED_ONLY
def test_the_table_is_partitioned_by_month_with_a_default_partition():
    partitions.ensure()
    assert partitions.is_partitioned()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'audit_auditevent'::regclass"
        )
        children = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'audit_auditevent'::regclass AND contype = 'p'"
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, occurred_at)"
    assert DEFAULT in children
    current = Month.of(timezone.now())
    assert {current.plus(i).table for i in range(4)} <= children  # now and 3 ahead


@PARTITIONED_ONLY
def test_events_land_in_the_partition_of_their_shanghai_month():
    partitions.ensure()
    now = event(timezone.now())
    assert partitions.partition_of(now.pk) == Month.of(timezone.now()).table

    partitions.ensure(now=at(2025, 3, 1))  # makes 2025-03 … 2025-06
    # 2025-02-28 16:00 UTC is 2025-03-01 00:00 in Shanghai: March's first moment.
    boundary = event(datetime.datetime(2025, 2, 28, 16, tzinfo=datetime.UTC))
    before = event(datetime.datetime(2025, 2, 28, 15, 59, 59, tzinfo=datetime.UTC))
    assert partitions.partition_of(boundary.pk) == "audit_auditevent_p202503"
    assert partitions.partition_of(before.pk) == DEFAULT  # no February partition here


@PARTITIONED_ONLY
def test_partitions_are_made_ahead_once():
    report = partitions.ensure(3, now=at(2031, 11, 20))
    assert [m.label for m in report.created] == ["2031-11", "2031-12", "2032-01", "2032-02"]
    assert partitions.ensure(3, now=at(2031, 11, 20)).created == []
    assert [m.label for m in partitions.ensure(3, now=at(2031, 12, 1)).created] == ["2032-03"]


@PARTITIONED_ONLY
def test_rows_in_the_default_partition_are_moved_into_their_month():
    stray = event(at(2033, 3, 15), "未来", changes={"a": [1, 2]})
    other = event(at(2033, 7, 1), "更远")
    assert partitions.partition_of(stray.pk) == DEFAULT

    report = partitions.ensure(0)
    assert report.moved == 2
    assert {"2033-03", "2033-07"} <= {m.label for m in report.created}
    assert partitions.partition_of(stray.pk) == "audit_auditevent_p203303"
    assert partitions.partition_of(other.pk) == "audit_auditevent_p203307"
    # Same ids, same content; DEFAULT is empty and still there; nothing was updated.
    moved = AuditEvent.objects.get(pk=stray.pk)
    assert (moved.object_repr, moved.changes, moved.occurred_at) == (
        "未来",
        {"a": [1, 2]},
        at(2033, 3, 15),
    )
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{DEFAULT}"')
        assert cursor.fetchone()[0] == 0
    assert partitions.ensure(0).moved == 0


@PARTITIONED_ONLY
def test_new_ids_follow_on_from_the_sequence():
    first = event(timezone.now())
    second = event(at(2024, 5, 5))
    assert second.pk == first.pk + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('audit_auditevent', 'id')")
        assert cursor.fetchone()[0] == "public.audit_auditevent_id_seq"


# ---- append-only on every partition ---------------------------------------------------------


@PARTITIONED_ONLY
@pytest.mark.parametrize("where", ["month", "default"])
@pytest.mark.parametrize("through", ["parent", "partition"])
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE {table} SET action = 'delete' WHERE id = %s",
        "UPDATE {table} SET changes = '{{}}'::jsonb WHERE id = %s",
        "DELETE FROM {table} WHERE id = %s",
    ],
)
def test_every_partition_refuses_updates_and_deletes(where, through, sql):
    partitions.ensure()
    when = timezone.now() if where == "month" else at(2044, 4, 4)  # beyond any partition
    row = event(when, changes={"kept": [0, 1]})
    partition = partitions.partition_of(row.pk)
    assert (partition == DEFAULT) is (where == "default")
    table = '"audit_auditevent"' if through == "parent" else f'"{partition}"'

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql.format(table=table), [row.pk])
    assert stored(row.pk) == ("update", '{"kept": [0, 1]}')


@PARTITIONED_ONLY
def test_a_partition_made_later_refuses_changes_too():
    partitions.ensure(0, now=at(2040, 1, 1))
    row = event(at(2040, 1, 2))
    assert partitions.partition_of(row.pk) == "audit_auditevent_p204001"
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute('DELETE FROM "audit_auditevent_p204001"')
    assert AuditEvent.objects.filter(pk=row.pk).exists()


# ---- retention: archive, verify, drop --------------------------------------------------------


def _manifest(directory):
    path = directory / "manifest.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


@PARTITIONED_ONLY
def test_archive_writes_verified_files_and_drops_only_the_old_months(tmp_path):
    now = timezone.now()
    current = Month.of(now)
    old = current.plus(-14)
    older = current.plus(-20)
    kept = current.plus(-11)  # younger than 12 months: stays
    events = {
        older: [
            event(older.start + datetime.timedelta(hours=1), "最老", changes={"x": ["a", "b"]})
        ],
        old: [event(old.start + datetime.timedelta(days=d), f"旧{d}") for d in (0, 3)],
        kept: [event(kept.start, "保留")],
        current: [event(now, "本月")],
    }
    partitions.ensure()
    mark = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    report = partitions.archive(12, directory=tmp_path)

    assert report.failed == {}
    assert [a.month for a in report.archived] == [older, old]
    live = set(partitions.attached_months())
    assert older not in live and old not in live
    assert {kept, current} <= live
    gone = [e.pk for e in events[older] + events[old]]
    assert not AuditEvent.objects.filter(pk__in=gone).exists()
    assert (
        AuditEvent.objects.filter(pk__in=[events[kept][0].pk, events[current][0].pk]).count() == 2
    )

    manifest = _manifest(tmp_path)
    assert [(m["month"], m["rows"]) for m in manifest] == [(older.label, 1), (old.label, 2)]
    for line, done in zip(manifest, report.archived, strict=True):
        path = tmp_path / line["file"]
        assert path == done.path and path.name.startswith(f"audit-{line['month']}.")
        assert partitions.sha256_of(path) == line["sha256"] == done.sha256
    rows = list(partitions.read_archive(tmp_path / manifest[0]["file"]))
    assert [(int(r["id"]), r["object_repr"], json.loads(r["changes"])) for r in rows] == [
        (events[older][0].pk, "最老", {"x": ["a", "b"]})
    ]
    assert [r["object_repr"] for r in partitions.read_archive(report.archived[1].path)] == [
        "旧0",
        "旧3",
    ]
    assert not list(tmp_path.glob(".*partial"))

    # The operator's act is in the log: one event per archived month.
    logged = AuditEvent.objects.filter(id__gt=mark, action="archive").order_by("id")
    assert [(e.object_repr, e.changes["rows"]) for e in logged] == [
        (f"audit months archived: {older.label}", [None, 1]),
        (f"audit months archived: {old.label}", [None, 2]),
    ]
    assert logged[0].changes["sha256"] == [None, manifest[0]["sha256"]]

    # A second run finds nothing more to do.
    again = partitions.archive(12, directory=tmp_path)
    assert again.archived == [] and len(_manifest(tmp_path)) == 2


@PARTITIONED_ONLY
def test_a_month_whose_archive_does_not_verify_is_kept(tmp_path, monkeypatch):
    current = Month.of(timezone.now())
    old = current.plus(-30)
    rows = [event(old.start + datetime.timedelta(days=d), f"旧{d}") for d in (1, 2)]
    mark = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    monkeypatch.setattr(partitions, "archived_facts", lambda path: (1, rows[0].pk, rows[0].pk))

    report = partitions.archive(12, directory=tmp_path)

    assert list(report.failed) == [old.label]
    assert "reads back as" in report.failed[old.label]
    assert report.archived == []
    assert old in partitions.attached_months()
    assert AuditEvent.objects.filter(pk__in=[r.pk for r in rows]).count() == 2
    assert [p.name for p in tmp_path.iterdir()] == []  # no file, no manifest line
    assert not AuditEvent.objects.filter(id__gt=mark, action="archive").exists()

    with pytest.raises(CommandError, match=f"not archived.*{old.label}"):
        call_command(
            "audit_partitions", "--archive", "--retention-months=12", f"--archive-dir={tmp_path}"
        )
    assert old in partitions.attached_months()


@PARTITIONED_ONLY
def test_a_broken_file_is_caught_by_reading_it_back(tmp_path, monkeypatch):
    old = Month.of(timezone.now()).plus(-30)
    row = event(old.start, "旧")
    real_write = partitions._write

    def truncating_write(cursor, table, path):
        real_write(cursor, table, path)
        path.write_bytes(path.read_bytes()[:-12])  # the disk lost the gzip trailer
        return partitions.sha256_of(path)

    monkeypatch.setattr(partitions, "_write", truncating_write)
    report = partitions.archive(12, directory=tmp_path)
    assert list(report.failed) == [old.label]
    assert "does not read back" in report.failed[old.label]
    assert AuditEvent.objects.filter(pk=row.pk).exists()
    assert list(tmp_path.iterdir()) == []


@PARTITIONED_ONLY
def test_no_retention_archives_nothing(tmp_path, capsys):
    old = Month.of(timezone.now()).plus(-40)
    row = event(old.start, "很旧")
    call_command("audit_partitions", "--archive", f"--archive-dir={tmp_path}")
    assert "AUDIT_RETENTION_MONTHS is 0: keep everything" in capsys.readouterr().out
    assert AuditEvent.objects.filter(pk=row.pk).exists()
    assert list(tmp_path.iterdir()) == []


@PARTITIONED_ONLY
def test_the_command_archives_with_the_settings(tmp_path, settings, capsys):
    settings.AUDIT_RETENTION_MONTHS = 6
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    old = Month.of(timezone.now()).plus(-7)
    row = event(old.start + datetime.timedelta(days=2))
    call_command("audit_partitions", "--archive")
    assert f"archived {old.label}: 1 events" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(pk=row.pk).exists()
    assert [m["month"] for m in _manifest(tmp_path)] == [old.label]


# ---- the migration, both ways ---------------------------------------------------------------


@PARTITIONED_ONLY
def test_the_migration_converts_back_and_forth_keeping_rows_ids_and_the_sequence():
    rows = [event(at(2024, m, 3), f"月{m}") for m in (1, 6)] + [event(timezone.now())]
    before = sorted(AuditEvent.objects.values_list("pk", "occurred_at", "object_repr"))

    partitions.unconvert(connection)
    assert not partitions.is_partitioned()
    assert sorted(AuditEvent.objects.values_list("pk", "occurred_at", "object_repr")) == before
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [rows[0].pk])
    plain = event(timezone.now())
    assert plain.pk == rows[-1].pk + 1

    partitions.convert(connection)
    assert partitions.is_partitioned()
    assert partitions.partition_of(rows[0].pk) == "audit_auditevent_p202401"
    assert AuditEvent.objects.count() == len(before) + 1
    assert event(timezone.now()).pk == plain.pk + 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'audit_auditevent'"
            " AND indexname LIKE 'audit\\_%%\\_idx'"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "audit_object_idx",
            "audit_org_idx",
            "audit_when_idx",
            "audit_request_idx",
            "audit_action_idx",
        }
