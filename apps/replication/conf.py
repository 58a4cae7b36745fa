"""The replica aliases, from ``DATABASE_REPLICA_URLS``: read by the settings, so it imports
nothing of Django's configured state.

``DATABASE_REPLICA_URLS`` is a comma-separated list of PostgreSQL URLs; each becomes an alias
``replica1``, ``replica2``… Empty (the default): no alias, no router, no middleware.

Under the test runner each replica is a Django test *mirror* of ``default`` (``TEST["MIRROR"]``):
the runner neither creates nor flushes a test database on it, since a physical replica is
read-only and receives the primary's test database by replication. (Django then points a
mirror at the primary itself; tests/replication/conftest.py points it back at the replica,
at the primary's test database name.)
"""

from __future__ import annotations

import dj_database_url

PRIMARY = "default"

# What is always read on the primary, by app label or "app_label.model_name":
# - sessions, users and API tokens: an ended session, a revoked token or a disabled account
#   stops at once, not after the replica's lag (and the reader is not known before them);
# - idempotency keys, the audit and the job queue: what decides whether to act again, the
#   trail, and the work a worker is about to do must be the committed truth.
PRIMARY_ONLY = frozenset(
    {
        "sessions",
        "accounts.user",
        "accounts.apitoken",
        "api.idempotencykey",
        "audit",
        "jobs",
        "django_tasks_database",
    }
)


def replica_aliases(count: int) -> list[str]:
    return [f"replica{n}" for n in range(1, count + 1)]


def replica_databases(urls: str, primary: dict) -> dict[str, dict]:
    """``{"replica1": {...}, ...}`` for the comma-separated ``urls``; {} when there are none.

    Each replica keeps the primary's connection settings (persistent connections, health
    checks) and gets a short connect timeout: a replica that is down costs a request two
    seconds at most, once, before the router stops asking it (``positions.REPLICA_RETRY``).
    """
    parsed = [u.strip() for u in urls.split(",") if u.strip()]
    if not parsed:
        return {}
    if "postgresql" not in primary["ENGINE"]:
        raise ValueError("DATABASE_REPLICA_URLS needs a PostgreSQL primary (DATABASE_URL).")
    databases = {}
    for alias, url in zip(replica_aliases(len(parsed)), parsed, strict=True):
        db = dj_database_url.parse(url, conn_max_age=primary.get("CONN_MAX_AGE", 0))
        if "postgresql" not in db["ENGINE"]:
            raise ValueError(f"DATABASE_REPLICA_URLS: {url!r} is not a PostgreSQL URL.")
        db["CONN_HEALTH_CHECKS"] = True
        db["OPTIONS"] = {"connect_timeout": 2, **db.get("OPTIONS", {})}
        db["TEST"] = {"MIRROR": PRIMARY}
        databases[alias] = db
    return databases
