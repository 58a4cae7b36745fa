"""``/healthz`` and ``/readyz``: is the process alive, and may it take traffic.

``/healthz`` touches nothing: an answer means the process runs and serves requests (for a
supervisor that restarts a stuck worker). ``/readyz`` checks what a request needs and
answers 200 when every check passes (``"status": "ok"``, or ``"degraded"`` when a replica is
out of use), 503 when one fails (``"fail"``), with a JSON body naming each::

    {"status": "ok", "checks": {
        "database": {"status": "ok"},
        "migrations": {"status": "ok"},
        "cache": {"status": "ok", "aliases": ["default", "lists"]},
        "queue": {"status": "ok", "ready": 3, "due": 1, "oldest_due_age_seconds": 0.4},
        "replicas": {"status": "ok", "replica1": {"status": "ok", "lag_seconds": 0.0,
                                                   "lag_bytes": 0}}}}

- database: ``SELECT 1`` on the primary;
- migrations: none left to apply (a new release started before ``migrate`` is not ready);
  once all are applied the answer is kept for the life of the process;
- cache: a value written and read back in every configured cache (with Redis, the shared
  one: lockouts, rate limits and the list cache need it);
- queue: the job table is readable; how many jobs wait, how many are due, how long the
  oldest due one has waited. A backlog does not make a web process unready (its workers
  are elsewhere): it is reported here and in ``/metrics`` for alerting;
- replicas: for each database alias starting with ``replica`` (``DATABASE_REPLICA_URLS``),
  the replica answers and how far behind the primary it is: bytes of WAL not yet replayed
  (the primary's ``pg_current_wal_lsn()`` against the replica's
  ``pg_last_wal_replay_lsn()``) and, unless it is streaming with everything it received
  replayed, seconds since the last replayed transaction
  (``pg_last_xact_replay_timestamp()``). Unreachable, or behind by more than
  ``REPLICA_MAX_LAG_SECONDS`` (the router's bound, 5 s), is reported as ``degraded`` and
  does not fail readiness: the router (``apps.replication``) then sends those reads to the
  primary, so the process still serves every request. Without replicas the check is left
  out.

A failing check says what failed in a few words (the exception's class), never a host
name, a user or a connection string.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.db import DatabaseError, connections

OK = "ok"
DEGRADED = "degraded"
FAIL = "fail"


class CheckFailed(Exception):
    """Raise from a check with a short, safe reason."""


def check_database() -> dict:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckFailed("unexpected answer to SELECT 1")
    return {}


_migrations_applied = False


def check_migrations() -> dict:
    global _migrations_applied
    if not _migrations_applied:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connections["default"])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            raise CheckFailed(f"{len(plan)} migrations not applied")
        _migrations_applied = True
    return {}


def check_cache() -> dict:
    from django.core.cache import caches

    aliases = list(settings.CACHES)
    for alias in aliases:
        cache = caches[alias]
        key = f"operations:readyz:{uuid.uuid4().hex}"
        cache.set(key, "ok", timeout=10)
        value = cache.get(key)
        cache.delete(key)
        if value != "ok":
            raise CheckFailed(f"cache {alias!r} did not keep a value")
    return {"aliases": aliases}


def check_queue() -> dict:
    from .metrics import queue_numbers

    return queue_numbers()


def replica_aliases() -> list[str]:
    return sorted(alias for alias in settings.DATABASES if alias.startswith("replica"))


def replica_lag(alias: str) -> dict:
    """How far ``alias`` is behind the primary (PostgreSQL streaming replication)."""
    replica = connections[alias]
    if replica.vendor != "postgresql":
        return {"status": OK, "skipped": "not PostgreSQL"}
    with replica.cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
            " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()),"
            " pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"
            " AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')"
        )
        in_recovery, replay_lsn, since_replay, streaming_caught_up = cursor.fetchone()
    if not in_recovery:
        # A test mirror of the primary, or a promoted replica: nothing to wait for.
        return {"status": OK, "lag_bytes": 0, "lag_seconds": 0.0, "in_recovery": False}
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [replay_lsn or "0/0"]
        )
        (behind,) = cursor.fetchone()
    lag_bytes = max(int(behind or 0), 0)
    # Caught up (nothing left to replay, or streaming with all it received replayed): no lag,
    # however long ago the last transaction was (an idle primary). Otherwise the time since
    # the last replayed transaction.
    caught_up = lag_bytes == 0 or bool(streaming_caught_up)
    lag_seconds = 0.0 if caught_up else round(float(since_replay or 0.0), 3)
    result = {"lag_bytes": lag_bytes, "lag_seconds": lag_seconds}
    limit = float(getattr(settings, "REPLICA_MAX_LAG_SECONDS", 5))
    if not caught_up and lag_seconds > limit:
        return {"status": DEGRADED, "reason": f"behind by more than {limit:g} s", **result}
    return {"status": OK, **result}


class Degraded(CheckFailed):
    """A check whose failure the process can work around: reported, readiness kept."""


def check_replicas() -> dict:
    result = {}
    out_of_use = []
    for alias in replica_aliases():
        try:
            result[alias] = replica_lag(alias)
        except DatabaseError as exc:
            result[alias] = {"status": DEGRADED, "reason": type(exc).__name__}
        if result[alias]["status"] != OK:
            out_of_use.append(alias)
    if out_of_use:
        raise Degraded(", ".join(out_of_use), result)
    return result


def readiness_checks() -> dict:
    checks = {
        "database": check_database,
        "migrations": check_migrations,
        "cache": check_cache,
        "queue": check_queue,
    }
    if replica_aliases():
        checks["replicas"] = check_replicas
    return checks


def run_checks() -> tuple[str, dict]:
    """Every check, each on its own: one failing does not hide the others."""
    results = {}
    for name, check in readiness_checks().items():
        start = time.perf_counter()
        try:
            details = check()
            entry = {"status": OK, **details}
        except CheckFailed as exc:
            entry = {
                "status": DEGRADED if isinstance(exc, Degraded) else FAIL,
                "reason": str(exc.args[0]),
            }
            if len(exc.args) > 1:
                entry.update({k: v for k, v in exc.args[1].items() if k != "status"})
        except Exception as exc:  # the service is down or refuses: name the kind of error
            entry = {"status": FAIL, "reason": type(exc).__name__}
        entry["duration_ms"] = round((time.perf_counter() - start) * 1000, 1)
        results[name] = entry
    return overall(results), results


def overall(results: dict) -> str:
    statuses = {entry["status"] for entry in results.values()}
    return FAIL if FAIL in statuses else DEGRADED if DEGRADED in statuses else OK
