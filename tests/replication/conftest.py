"""The replica tests run against a real streaming replica (``bash scripts/replica.sh start``),
in a pass of their own with ``DATABASE_REPLICA_URLS`` set (Makefile ``test``).

``replica``-marked tests skip when no replica is up, and fail instead when ``REQUIRE_REPLICA=1``
(``.ci/run``), so that they cannot be skipped silently.

The replica's test database: a physical replica copies the whole cluster, so the test database
the runner creates on the primary appears on the replica by itself. Each replica alias is a test
mirror of ``default`` (``apps.replication.conf``), so the runner neither creates nor flushes
anything on it; Django then points a mirror at the primary, and ``django_db_setup`` below points
it back at the replica under the primary's test database name, once the replica has replayed
the database's creation.
"""

import functools
import os
import time

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections

REQUIRE_REPLICA = os.environ.get("REQUIRE_REPLICA") == "1"


def replica_aliases():
    return [alias for alias in settings.DATABASES if alias != "default"]


@functools.cache
def replica_problem() -> str | None:
    """Why the replica tests cannot run here, or None."""
    if connection.vendor != "postgresql":
        return "the test database is not PostgreSQL"
    if not replica_aliases():
        return "DATABASE_REPLICA_URLS names no replica"
    for alias in replica_aliases():
        db = settings.DATABASES[alias]
        try:
            with psycopg.connect(
                host=db["HOST"],
                port=db["PORT"] or 5432,
                user=db["USER"] or "postgres",
                password=db["PASSWORD"] or None,
                dbname="postgres",
                connect_timeout=2,
            ) as probe:
                in_recovery = probe.execute("SELECT pg_is_in_recovery()").fetchone()[0]
        except psycopg.Error as error:
            return f"{alias} ({db['HOST']}:{db['PORT']}) is not reachable: {error}"
        if not in_recovery:
            return f"{alias} ({db['HOST']}:{db['PORT']}) is not a replica (not in recovery)"
    return None


def pytest_runtest_setup(item):
    if item.get_closest_marker("replica") is None:
        return
    problem = replica_problem()
    if problem is None:
        return
    message = f"no streaming replica: {problem} (bash scripts/replica.sh start)"
    if REQUIRE_REPLICA:
        pytest.fail(f"REQUIRE_REPLICA=1 and {message}", pytrace=False)
    pytest.skip(message)


def primary_position() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return cursor.fetchone()[0]


def wait_replayed(alias: str, timeout: float = 30) -> None:
    """Until ``alias`` has replayed everything the primary has written so far."""
    target = primary_position()
    deadline = time.monotonic() + timeout
    while True:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"{alias} has not replayed up to {target} in {timeout} s")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    if replica_problem() is not None:
        return
    name = connections["default"].settings_dict["NAME"]
    with django_db_blocker.unblock():
        target = primary_position()
        for alias in replica_aliases():
            connections[alias].close()
            connections[alias].settings_dict = {**settings.DATABASES[alias], "NAME": name}
            # The test database exists on the replica once it has replayed its creation.
            deadline = time.monotonic() + 60
            while True:
                try:
                    with connections[alias].cursor() as cursor:
                        cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                        if cursor.fetchone()[0]:
                            break
                except Exception:
                    connections[alias].close()
                if time.monotonic() > deadline:
                    raise AssertionError(f"{alias} has not replayed the test database's creation")
                time.sleep(0.1)
