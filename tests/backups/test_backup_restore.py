"""Backup and restore (issue 16, item 5): a round trip on SQLite and on PostgreSQL gives back
every row and every file; a restore refuses a database or storage that is not empty, and a
backup whose dump or files do not match their manifest, and changes nothing when it refuses;
a restore that does not match its manifest ends in an error naming the difference."""

import io
import json
import sqlite3
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from PIL import Image

from apps.accounts.models import Membership, User
from apps.attachments.models import Attachment, StoredFile
from apps.attachments.services import attachment_add
from apps.backups.backup import (
    BackupError,
    RestoreRefused,
    VerificationFailed,
    backup,
    inventory,
    restore,
)
from apps.backups.database import PostgresDatabase, SqliteDatabase, database_from_settings
from apps.backups.files import sha256_file
from apps.courses.models import Course
from apps.organizations.models import Organization
from tests.factories import CaseFactory, CourseFactory

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TOWN = "440604010"

# The checks before a restore are the same for both databases: most tests restore a SQLite
# dump into a file, and run on SQLite. All commit (see some_content).
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="restores a SQLite dump")
pytestmark = [pytest.mark.serial, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, format="PNG")
    return out.getvalue()


def author():
    user = User.objects.filter(username="backup_teacher").first()
    if user is None:
        user = User.objects.create_user(username="backup_teacher")
        Membership.objects.create(
            user=user, organization=Organization.objects.get(code=TOWN), role="teacher"
        )
    return user


def some_content():
    """A course and a case with three attachments (two of them the same bytes: one file).

    Committed: a backup reads the database from outside the test's transaction (pg_dump is
    another session; SQLite's backup API waits for a connection's open write), so the tests
    that back up data are transactional and run in the serial pass."""
    call_command("loaddata", "organizations", "taxonomy", verbosity=0)
    user = author()
    course = CourseFactory(owner_code=TOWN, author=user, title="备份演练课程")
    case = CaseFactory(owner_code=TOWN, author=user)
    attachment_add(Course, user=user, pk=course.pk, upload=SimpleUploadedFile("讲义.pdf", PDF))
    attachment_add(Course, user=user, pk=course.pk, upload=SimpleUploadedFile("图.png", png()))
    attachment_add(type(case), user=user, pk=case.pk, upload=SimpleUploadedFile("同一份.pdf", PDF))
    return course


def source_database():
    return database_from_settings(connection.settings_dict, connection)


def assert_round_trip(tmp_path, media, target):
    course = some_content()
    before = inventory(database=source_database(), media_root=media)
    assert len(before["files"]) == 2  # stored once per content
    manifest = backup(tmp_path / "backup", database=source_database(), media_root=media)

    assert manifest["tables"]["attachments_attachment"] == Attachment.objects.count() == 3
    assert manifest["tables"]["courses_course"] == Course.objects.count()
    assert "0001_initial" in manifest["migrations"]["courses"]
    assert manifest["database"]["sha256"] == sha256_file(
        tmp_path / "backup" / manifest["database"]["dump"]
    )
    stored = {f["path"]: f["sha256"] for f in manifest["media"]["files"]}
    assert stored == before["files"]
    assert set(stored) == {s.file.name for s in StoredFile.objects.all()}

    restored_media = tmp_path / "restored-media"
    report = restore(tmp_path / "backup", database=target, media_root=restored_media)

    assert report["files"] == 2
    assert report["rows"] == sum(before["tables"].values())
    assert inventory(database=target, media_root=restored_media) == before
    return course


@sqlite_only
def test_round_trip_on_sqlite(tmp_path, media):
    target = SqliteDatabase(tmp_path / "restored.sqlite3")
    course = assert_round_trip(tmp_path, media, target)
    with sqlite3.connect(target.path) as db:
        title = db.execute("SELECT title FROM courses_course WHERE id = ?", [course.pk])
        assert title.fetchone() == ("备份演练课程",)
    assert target.file_sha256() == sha256_file(tmp_path / "backup" / "database.sqlite3")


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump of committed data")
def test_round_trip_on_postgresql(tmp_path, media):
    target = PostgresDatabase.from_settings(
        {**connection.settings_dict, "NAME": connection.settings_dict["NAME"] + "_restored"}
    )
    target.drop()
    try:
        course = assert_round_trip(tmp_path, media, target)
        with target.connect() as db:
            title = db.execute("SELECT title FROM courses_course WHERE id = %s", [course.pk])
            assert title.fetchone() == ("备份演练课程",)
        # Restoring again into what is now a full database is refused; --force replaces it
        # (its schema dropped in the restore's transaction) and verifies the same.
        with pytest.raises(RestoreRefused, match="has tables"):
            restore(tmp_path / "backup", database=target, media_root=tmp_path / "elsewhere")
        with target.connect() as db:
            db.execute("CREATE TABLE leftover (id integer)")
        report = restore(
            tmp_path / "backup", database=target, media_root=tmp_path / "elsewhere", force=True
        )
        assert report["tables"] == len(backup_manifest(tmp_path)["tables"])
        assert "leftover" not in target.row_counts()
    finally:
        target.drop()


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_restore in one transaction")
def test_a_failed_postgresql_restore_leaves_nothing_half_written(tmp_path, media):
    """A dump cut short (its manifest made to agree, so the checks pass) fails part-way
    through pg_restore: the one transaction rolls back and the database stays empty."""
    some_content()
    backup(tmp_path / "backup", database=source_database(), media_root=media)
    dump = tmp_path / "backup" / "database.dump"
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size * 2 // 3])
    manifest = backup_manifest(tmp_path)
    manifest["database"]["sha256"] = sha256_file(dump)
    (tmp_path / "backup" / "manifest.json").write_text(json.dumps(manifest))
    target = PostgresDatabase.from_settings(
        {**connection.settings_dict, "NAME": connection.settings_dict["NAME"] + "_restored"}
    )
    target.drop()
    try:
        with pytest.raises(BackupError, match="rolled back"):
            restore(tmp_path / "backup", database=target, media_root=tmp_path / "restored")
        assert target.exists()  # created empty for the restore
        assert target.is_empty()
        assert not (tmp_path / "restored").exists()
        assert not list(tmp_path.glob(".restored.restoring-*"))
    finally:
        target.drop()


def backup_manifest(tmp_path):
    return json.loads((tmp_path / "backup" / "manifest.json").read_text())


def test_restore_refuses_a_database_with_tables_and_changes_nothing(tmp_path, media):
    """The command restores into the configured database: here the test database, which has
    tables and rows, and a storage that has files."""
    some_content()
    backup(tmp_path / "backup", database=source_database(), media_root=media)
    before = inventory(database=source_database(), media_root=media)

    with pytest.raises(CommandError, match=r"has tables .* Nothing was changed"):
        call_command("restore", str(tmp_path / "backup"))

    assert inventory(database=source_database(), media_root=media) == before
    assert not list(tmp_path.glob(".media.restoring-*"))  # nothing staged either


@pytest.fixture
def sqlite_backup(tmp_path, media):
    some_content()
    backup(tmp_path / "backup", database=source_database(), media_root=media)
    return tmp_path / "backup"


@sqlite_only
def test_restore_refuses_a_storage_with_files(tmp_path, sqlite_backup):
    target = SqliteDatabase(tmp_path / "restored.sqlite3")
    storage = tmp_path / "restored-media"
    (storage / "attachments").mkdir(parents=True)
    (storage / "attachments" / "kept.pdf").write_bytes(PDF)

    with pytest.raises(RestoreRefused, match="has files"):
        restore(sqlite_backup, database=target, media_root=storage)

    assert not target.path.exists()
    assert [p.name for p in storage.rglob("*") if p.is_file()] == ["kept.pdf"]


@sqlite_only
def test_restore_force_replaces_and_keeps_the_old_files_aside(tmp_path, sqlite_backup):
    target = SqliteDatabase(tmp_path / "restored.sqlite3")
    with sqlite3.connect(target.path) as db:
        db.execute("CREATE TABLE leftover (id integer)")
    storage = tmp_path / "restored-media"
    storage.mkdir()
    (storage / "old.pdf").write_bytes(PDF)

    restore(sqlite_backup, database=target, media_root=storage, force=True)

    assert "leftover" not in target.row_counts()
    assert not (storage / "old.pdf").exists()
    (aside,) = tmp_path.glob("restored-media.replaced-*")
    assert (aside / "old.pdf").read_bytes() == PDF


@sqlite_only
def test_a_corrupted_dump_is_detected_before_anything_changes(tmp_path, sqlite_backup):
    dump = sqlite_backup / "database.sqlite3"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    target = SqliteDatabase(tmp_path / "restored.sqlite3")

    with pytest.raises(RestoreRefused, match=r"database dump database\.sqlite3 does not match"):
        restore(sqlite_backup, database=target, media_root=tmp_path / "restored-media")

    assert not target.path.exists()
    assert not (tmp_path / "restored-media").exists()


@sqlite_only
def test_a_corrupted_or_missing_file_is_detected_before_anything_changes(tmp_path, sqlite_backup):
    manifest = json.loads((sqlite_backup / "manifest.json").read_text())
    first, second = (Path(f["path"]) for f in manifest["media"]["files"])
    (sqlite_backup / "media" / first).write_bytes(PDF + b"tampered")
    (sqlite_backup / "media" / second).unlink()
    target = SqliteDatabase(tmp_path / "restored.sqlite3")

    with pytest.raises(RestoreRefused) as refused:
        restore(sqlite_backup, database=target, media_root=tmp_path / "restored-media")

    message = str(refused.value)
    assert f"file {first.as_posix()} does not match its size and SHA-256" in message
    assert f"file {second.as_posix()} is missing from the backup" in message
    assert "Nothing was changed" in message
    assert not target.path.exists()
    assert not (tmp_path / "restored-media").exists()


@sqlite_only
def test_a_restore_that_differs_from_its_manifest_fails_naming_the_table(tmp_path, sqlite_backup):
    """The manifest says one more course than the dump holds: the restore ends in an error."""
    path = sqlite_backup / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["tables"]["courses_course"] += 1
    path.write_text(json.dumps(manifest))
    target = SqliteDatabase(tmp_path / "restored.sqlite3")

    with pytest.raises(VerificationFailed, match=r"table courses_course has \d+ rows"):
        restore(sqlite_backup, database=target, media_root=tmp_path / "restored-media")


def test_a_backup_goes_into_a_new_directory(tmp_path, media):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "manifest.json").write_text("{}")
    with pytest.raises(BackupError, match="not empty"):
        backup(tmp_path / "backup", database=source_database(), media_root=media)
    assert (tmp_path / "backup" / "manifest.json").read_text() == "{}"


@sqlite_only
def test_backup_command_writes_the_manifest(tmp_path, media, capsys):
    some_content()
    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["media"]["count"] == 2
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"]["attachments_attachment"] == 3
    assert "Backup complete" in capsys.readouterr().out
