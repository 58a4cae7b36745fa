"""Back up and restore: the database dump, the attachment files and ``manifest.json``.

A backup directory holds::

    manifest.json       written last: a directory without it is not a backup
    database.dump       PostgreSQL (pg_dump --format=custom), or database.sqlite3 (SQLite)
    media/...           MEDIA_ROOT's files, under their own relative paths

``restore`` checks everything it can before it changes anything: the target database and
storage are empty (or ``force``), the dump and every file match the manifest's SHA-256.
Then it stages the files beside MEDIA_ROOT, restores the database all-or-nothing, renames
the staged files into place, and verifies: the restored files' checksums and the row
counts per table against the manifest. Any difference raises ``VerificationFailed``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from .files import (
    Progress,
    Ticker,
    copy_hashing,
    copy_tree,
    safe_relative,
    sha256_file,
    storage_is_empty,
    walk_files,
)

MANIFEST = "manifest.json"
MEDIA_DIR = "media"
FORMAT = 1


class BackupError(Exception):
    """Refused or failed; the message says why (and, for a restore, that nothing changed)."""


class RestoreRefused(BackupError):
    """The target is not empty or the backup does not match its manifest: nothing changed."""


class VerificationFailed(BackupError):
    """The restore finished but what is there differs from the manifest."""


def _quiet(_message: str) -> None:
    pass


def backup(directory: Path, *, database, media_root: Path, progress: Progress = _quiet) -> dict:
    """Write a backup of ``database`` and ``media_root`` into ``directory`` (new or empty)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: a backup goes into a new directory.")
    directory.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    created_at = datetime.now(UTC)

    progress(f"Backing up the database ({database.vendor})")
    dump = directory / database.dump_name
    snapshot = database.dump(dump, progress)
    dump_sha = sha256_file(dump)
    progress(
        f"  {dump.stat().st_size / 1e6:.1f} MB, {len(snapshot.tables)} tables, "
        f"{sum(snapshot.tables.values())} rows"
    )

    progress(f"Copying the attachment files from {media_root}")
    files = copy_tree(Path(media_root), directory / MEDIA_DIR, progress)
    progress(f"  {len(files)} files, {sum(f['size'] for f in files) / 1e6:.1f} MB")

    manifest = {
        "format": FORMAT,
        "created_at": created_at.isoformat(),
        "seconds": round(time.monotonic() - started, 1),
        "database": {
            **database.describe(),
            "tool": database.tool_version(),
            "dump": database.dump_name,
            "dump_format": database.dump_format,
            "size": dump.stat().st_size,
            "sha256": dump_sha,
        },
        "migrations": snapshot.migrations,
        "tables": snapshot.tables,
        "media": {
            "root": str(media_root),
            "directory": MEDIA_DIR,
            "count": len(files),
            "size": sum(f["size"] for f in files),
            "files": files,
        },
    }
    staging = directory / f".{MANIFEST}.writing"
    staging.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(staging, directory / MANIFEST)
    progress(f"Backup written to {directory} in {time.monotonic() - started:.1f} s")
    return manifest


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise RestoreRefused(f"{path} is missing: not a complete backup. Nothing was changed.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise RestoreRefused(f"{path} is not valid JSON ({exc}). Nothing was changed.") from exc
    if manifest.get("format") != FORMAT:
        raise RestoreRefused(f"{path}: unknown manifest format. Nothing was changed.")
    return manifest


def check_backup(directory: Path, manifest: dict, progress: Progress = _quiet) -> list[str]:
    """What in ``directory`` differs from its manifest (empty: all of it matches)."""
    problems = []
    dump = directory / manifest["database"]["dump"]
    if not dump.is_file():
        problems.append(f"the database dump {dump.name} is missing")
    elif sha256_file(dump) != manifest["database"]["sha256"]:
        problems.append(f"the database dump {dump.name} does not match its SHA-256")
    media = directory / manifest["media"]["directory"]
    listed = set()
    ticker = Ticker(progress)
    for n, entry in enumerate(manifest["media"]["files"], 1):
        try:
            rel = safe_relative(entry["path"])
        except ValueError as exc:
            problems.append(str(exc))
            continue
        listed.add(rel.as_posix())
        path = media / rel
        if not path.is_file():
            problems.append(f"file {rel} is missing from the backup")
        elif path.stat().st_size != entry["size"] or sha256_file(path) != entry["sha256"]:
            problems.append(f"file {rel} does not match its size and SHA-256")
        ticker.tick(lambda n=n: f"  checked {n} files")
    for rel in walk_files(media):
        if rel.as_posix() not in listed:
            problems.append(f"file {rel.as_posix()} is in the backup but not in its manifest")
    return problems


def restore(
    directory: Path,
    *,
    database,
    media_root: Path,
    force: bool = False,
    progress: Progress = _quiet,
) -> dict:
    """Restore the backup in ``directory`` into ``database`` and ``media_root``; verify it.

    Returns what was verified (``{"tables": n, "rows": n, "files": n}``)."""
    directory = Path(directory)
    media_root = Path(media_root)
    started = time.monotonic()
    manifest = read_manifest(directory)
    if manifest["database"]["vendor"] != database.vendor:
        raise RestoreRefused(
            f"The backup is of a {manifest['database']['vendor']} database; the target is "
            f"{database.vendor}. Nothing was changed."
        )

    # 1. Refusals: nothing has been touched yet.
    occupied = []
    if not database.is_empty():
        occupied.append(f"the database {database.describe()['name']} has tables")
    if not storage_is_empty(media_root):
        occupied.append(f"the storage {media_root} has files")
    if occupied and not force:
        raise RestoreRefused(
            "Restore needs an empty database and an empty storage, but "
            + " and ".join(occupied)
            + ". Nothing was changed (use --force to replace them)."
        )
    progress(f"Checking the backup in {directory} against its manifest")
    problems = check_backup(directory, manifest, progress)
    if problems:
        raise RestoreRefused(
            "The backup does not match its manifest: "
            + "; ".join(problems[:20])
            + (f" (and {len(problems) - 20} more)" if len(problems) > 20 else "")
            + ". Nothing was changed."
        )

    # 2. Stage the files beside MEDIA_ROOT (same file system: the move is a rename).
    staging = media_root.with_name(f".{media_root.name}.restoring-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    progress(f"Staging {manifest['media']['count']} files in {staging}")
    source = directory / manifest["media"]["directory"]
    ticker = Ticker(progress)
    try:
        for n, entry in enumerate(manifest["media"]["files"], 1):
            rel = safe_relative(entry["path"])
            size, sha = copy_hashing(source / rel, staging / rel)
            if (size, sha) != (entry["size"], entry["sha256"]):
                raise RestoreRefused(f"file {rel} changed while it was copied. Nothing changed.")
            ticker.tick(lambda n=n: f"  staged {n} files")

        # 3. The database, all or nothing.
        progress(f"Restoring the database ({database.vendor})")
        try:
            database.restore(
                directory / manifest["database"]["dump"], force=force, progress=progress
            )
        except Exception as exc:
            raise BackupError(f"The database restore failed: {exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

    # 4. The files into place: the old ones (with --force) are kept aside, not deleted.
    if media_root.exists():
        if storage_is_empty(media_root):
            shutil.rmtree(media_root)
        else:
            aside = media_root.with_name(
                f"{media_root.name}.replaced-{datetime.now(UTC):%Y%m%dT%H%M%S}"
            )
            os.replace(media_root, aside)
            progress(f"  the files that were there are kept in {aside}")
    media_root.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging, media_root)

    # 5. Verify what is now there.
    progress("Verifying the restored files and row counts")
    report = verify(manifest, database=database, media_root=media_root, progress=progress)
    progress(
        f"Restored and verified {report['tables']} tables ({report['rows']} rows) and "
        f"{report['files']} files in {time.monotonic() - started:.1f} s"
    )
    return report


def verify(manifest: dict, *, database, media_root: Path, progress: Progress = _quiet) -> dict:
    """Compare a restored database and storage with ``manifest``; raise on any difference."""
    problems = []
    expected = manifest["media"]["files"]
    listed = set()
    ticker = Ticker(progress)
    for n, entry in enumerate(expected, 1):
        rel = safe_relative(entry["path"])
        listed.add(rel.as_posix())
        path = media_root / rel
        if not path.is_file():
            problems.append(f"restored file {rel} is missing")
        elif sha256_file(path) != entry["sha256"]:
            problems.append(f"restored file {rel} does not match its SHA-256")
        ticker.tick(lambda n=n: f"  verified {n} files")
    extra = [r.as_posix() for r in walk_files(media_root) if r.as_posix() not in listed]
    problems += [f"file {rel} is in the storage but not in the manifest" for rel in extra]
    if database.vendor == "sqlite" and database.file_sha256() != manifest["database"]["sha256"]:
        problems.append("the restored database file does not match the dump's SHA-256")

    counts = database.row_counts()
    wanted = manifest["tables"]
    for table in sorted(set(wanted) | set(counts)):
        if table not in counts:
            problems.append(f"table {table} is missing")
        elif table not in wanted:
            problems.append(f"table {table} is not in the manifest")
        elif counts[table] != wanted[table]:
            problems.append(f"table {table} has {counts[table]} rows, the manifest {wanted[table]}")
    if problems:
        raise VerificationFailed(
            "The restore does not match the manifest: " + "; ".join(problems[:50])
        )
    return {"tables": len(counts), "rows": sum(counts.values()), "files": len(expected)}


def inventory(*, database, media_root: Path) -> dict:
    """Row counts per table and every file's SHA-256: what a rehearsal compares."""
    return {
        "tables": database.row_counts(),
        "files": {
            rel.as_posix(): sha256_file(Path(media_root) / rel) for rel in walk_files(media_root)
        },
    }
