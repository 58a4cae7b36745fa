"""The two databases the platform runs on, as a backup sees them.

PostgreSQL: ``pg_dump --format=custom`` taken in the snapshot of a REPEATABLE READ transaction
that also counts the rows and reads the migration state, so the manifest describes exactly
what the dump holds. Restored by ``pg_restore`` piped into ``psql --single-transaction``: the
whole restore commits at once or not at all (with ``--force`` the old schema is dropped in
the same transaction).

SQLite: the online backup API (``sqlite3.Connection.backup``) writes a consistent copy; the
counts and migrations are read from that copy. Restored by copying the file beside the
target and renaming it into place (one atomic rename).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .files import Progress, Ticker, sha256_file

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema")


class RestoreFailed(Exception):
    """The database tool failed; nothing was committed."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Snapshot:
    tables: dict[str, int]
    migrations: dict[str, list[str]]


def _migrations(rows) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return applied


# ---- PostgreSQL ---------------------------------------------------------------------------


@dataclass
class PostgresDatabase:
    name: str
    host: str = ""
    port: str | int = ""
    user: str = ""
    password: str = ""

    vendor = "postgresql"
    dump_name = "database.dump"
    dump_format = "pg_dump --format=custom"

    @classmethod
    def from_settings(cls, settings_dict: dict) -> PostgresDatabase:
        return cls(
            name=settings_dict["NAME"],
            host=settings_dict.get("HOST") or "",
            port=settings_dict.get("PORT") or "",
            user=settings_dict.get("USER") or "",
            password=settings_dict.get("PASSWORD") or "",
        )

    def describe(self) -> dict:
        return {"vendor": self.vendor, "name": self.name, "host": self.host, "port": str(self.port)}

    # connections and tools

    def connect(self, dbname: str | None = None, **kwargs):
        import psycopg

        params = {"dbname": dbname or self.name, "connect_timeout": 10}
        for key, value in (("host", self.host), ("port", self.port), ("user", self.user)):
            if value:
                params[key] = value
        if self.password:
            params["password"] = self.password
        return psycopg.connect(**params, **kwargs)

    def _tool_args(self) -> list[str]:
        args = []
        if self.host:
            args += ["-h", str(self.host)]
        if self.port:
            args += ["-p", str(self.port)]
        if self.user:
            args += ["-U", self.user]
        return args

    def _env(self) -> dict:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def tool_version(self) -> str:
        return subprocess.run(
            ["pg_dump", "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()

    # reading

    def _tables(self, cursor) -> list[tuple[str, str]]:
        cursor.execute(
            "SELECT n.nspname, c.relname FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'p') AND n.nspname <> ALL(%s)"
            " AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'"
            " ORDER BY 1, 2",
            [list(SYSTEM_SCHEMAS)],
        )
        return cursor.fetchall()

    @staticmethod
    def _key(schema: str, table: str) -> str:
        return table if schema == "public" else f"{schema}.{table}"

    def _snapshot(self, cursor) -> Snapshot:
        tables = {}
        names = self._tables(cursor)
        for schema, table in names:
            cursor.execute(f"SELECT count(*) FROM {_quote(schema)}.{_quote(table)}")
            tables[self._key(schema, table)] = cursor.fetchone()[0]
        migrations = {}
        if ("public", "django_migrations") in names:
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
            migrations = _migrations(cursor.fetchall())
        return Snapshot(tables, migrations)

    def dump(self, path: Path, progress: Progress) -> Snapshot:
        """Dump into ``path``; the counts and migrations come from the dump's own snapshot."""
        import psycopg

        with self.connect(autocommit=False) as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot_id = cursor.fetchone()[0]
                progress("  counting rows per table (in the dump's snapshot)")
                snapshot = self._snapshot(cursor)
                command = [
                    "pg_dump",
                    *self._tool_args(),
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    "--file",
                    str(path),
                    self.name,
                ]
                progress(f"  pg_dump of {self.name}")
                _run(command, self._env(), progress, lambda: _size(path))
            conn.rollback()
        return snapshot

    def exists(self) -> bool:
        with self.connect("postgres", autocommit=True) as conn:
            row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])
            return row.fetchone() is not None

    def is_empty(self) -> bool:
        """No table, view or sequence outside the system schemas (a fresh ``createdb``)."""
        if not self.exists():
            return True
        with self.connect() as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname <> ALL(%s)"
                " AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'",
                [list(SYSTEM_SCHEMAS)],
            ).fetchone()
            return row[0] == 0

    def row_counts(self) -> dict[str, int]:
        with self.connect() as conn, conn.cursor() as cursor:
            return self._snapshot(cursor).tables

    # writing

    def create(self) -> None:
        with self.connect("postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {_quote(self.name)}")

    def drop(self) -> None:
        with self.connect("postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {_quote(self.name)} WITH (FORCE)")

    def _schemas(self) -> list[str]:
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname <> ALL(%s)"
                " AND nspname NOT LIKE 'pg_%%'",
                [list(SYSTEM_SCHEMAS)],
            ).fetchall()
        return [r[0] for r in rows]

    def restore(self, dump: Path, *, force: bool, progress: Progress) -> None:
        """``pg_restore`` into ``psql --single-transaction``: all or nothing.

        With ``force`` every schema of ours is dropped (and ``public`` made anew) first, in
        the same transaction, so a failed restore leaves the old database as it was."""
        if not self.exists():
            progress(f"  creating database {self.name}")
            self.create()
        psql = [
            "psql",
            *self._tool_args(),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "-d",
            self.name,
        ]
        if force:
            drops = "".join(f"DROP SCHEMA {_quote(s)} CASCADE; " for s in self._schemas())
            psql += ["-c", drops + "CREATE SCHEMA public;"]
        psql += ["-f", "-"]
        pg_restore = ["pg_restore", "--no-owner", "--no-privileges", "--file", "-", str(dump)]
        env = self._env()
        env["PGOPTIONS"] = "-c client_min_messages=warning"  # no NOTICE per dropped object
        progress(f"  pg_restore | psql --single-transaction into {self.name}")
        ticker = Ticker(progress, every=15)
        with subprocess.Popen(pg_restore, stdout=subprocess.PIPE, env=env) as producer:
            consumer = subprocess.Popen(
                psql,
                stdin=producer.stdout,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
            )
            producer.stdout.close()
            while consumer.poll() is None:
                time.sleep(0.2)
                ticker.tick(lambda: "  restoring (data, then indexes; one transaction)")
            errors = consumer.stderr.read().decode(errors="replace")
            consumer.stderr.close()
            producer.wait()
        if producer.returncode or consumer.returncode:
            raise RestoreFailed(
                f"pg_restore exited {producer.returncode}, psql exited {consumer.returncode}; "
                f"the transaction was rolled back. {errors.strip()[-2000:]}"
            )


# ---- SQLite -------------------------------------------------------------------------------


@dataclass
class SqliteDatabase:
    """A SQLite database file; or, with ``source`` (an open DB-API connection), the database
    that connection holds, which is how an in-memory one (the test suite's) is read. An
    in-memory database can be backed up, never restored into."""

    path: Path
    source: object = None
    in_memory: bool = False

    vendor = "sqlite"
    dump_name = "database.sqlite3"
    dump_format = "sqlite3 online backup"

    def describe(self) -> dict:
        return {"vendor": self.vendor, "name": str(self.path)}

    def tool_version(self) -> str:
        return f"sqlite {sqlite3.sqlite_version}"

    @staticmethod
    def _snapshot(conn) -> Snapshot:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        tables = {n: conn.execute(f"SELECT count(*) FROM {_quote(n)}").fetchone()[0] for n in names}
        migrations = {}
        if "django_migrations" in names:
            migrations = _migrations(
                conn.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
            )
        return Snapshot(tables, migrations)

    def dump(self, path: Path, progress: Progress) -> Snapshot:
        if self.source is not None and self.source.in_transaction:
            # The backup would wait forever for the connection's own uncommitted writes.
            raise RuntimeError("the database connection is inside a transaction: commit first")
        source = self.source or sqlite3.connect(self.path)
        target = sqlite3.connect(path)
        try:
            progress(f"  sqlite3 backup of {self.path}")
            source.backup(target)
            return self._snapshot(target)
        finally:
            target.close()
            if source is not self.source:
                source.close()

    def exists(self) -> bool:
        return self.in_memory or self.path.exists()

    def is_empty(self) -> bool:
        if not self.in_memory and (not self.path.exists() or self.path.stat().st_size == 0):
            return True
        return self.row_counts() == {}

    def row_counts(self) -> dict[str, int]:
        if self.source is not None:
            return self._snapshot(self.source).tables
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            return self._snapshot(conn).tables
        finally:
            conn.close()

    def restore(self, dump: Path, *, force: bool, progress: Progress) -> None:
        """Copy beside the target, then one rename: the old file (if ``force``) or nothing
        is there until the new one is complete."""
        if self.in_memory:
            raise RestoreFailed("an in-memory database cannot be restored into")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staging = self.path.with_name(f".{self.path.name}.restoring-{os.getpid()}")
        progress(f"  copying the database to {self.path}")
        shutil.copyfile(dump, staging)
        with open(staging, "rb+") as f:
            os.fsync(f.fileno())
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        os.replace(staging, self.path)

    def drop(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def file_sha256(self) -> str:
        return sha256_file(self.path)


def database_from_settings(settings_dict: dict, connection=None):
    """The database Django's ``settings_dict`` names; ``connection`` (Django's) is read when
    backing up SQLite, so that an in-memory database can be backed up too."""
    engine = settings_dict["ENGINE"]
    if "postgresql" in engine:
        return PostgresDatabase.from_settings(settings_dict)
    if "sqlite3" in engine:
        # Only an in-memory database is read through Django's connection at once (a file
        # is opened when it is backed up: opening it here would create a missing one).
        in_memory = connection is not None and connection.is_in_memory_db()
        source = None
        if in_memory:
            connection.ensure_connection()
            source = connection.connection
        return SqliteDatabase(Path(str(settings_dict["NAME"])), source, in_memory)
    raise ValueError(f"backups support PostgreSQL and SQLite, not {engine}")


def _size(path: Path) -> str:
    try:
        return f"  dump: {path.stat().st_size / 1e6:.1f} MB written"
    except FileNotFoundError:
        return "  dump: starting"


def _run(command: list[str], env: dict, progress: Progress, status) -> None:
    ticker = Ticker(progress)
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE) as process:
        while process.poll() is None:
            time.sleep(0.2)
            ticker.tick(status)
        errors = process.stderr.read().decode(errors="replace")
    if process.returncode:
        raise RuntimeError(f"{command[0]} exited {process.returncode}: {errors.strip()[-2000:]}")
