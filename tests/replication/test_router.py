"""The router and its settings, without a replica (runs on SQLite too): with
DATABASE_REPLICA_URLS empty nothing changes; the router's choices, given what it would learn
from the replicas."""

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction

from apps.accounts.models import ApiToken, User
from apps.api.models import IdempotencyKey
from apps.cases.models import Case
from apps.replication import context, positions
from apps.replication.conf import replica_databases
from apps.replication.router import ReplicaRouter

ROOT = Path(__file__).resolve().parents[2]
PG = {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60}


def settings_with(**env):
    """The settings module's databases, routers and middleware under ``env``, read in a fresh
    interpreter (settings are read once per process)."""
    code = (
        "import json, config.settings as s; print(json.dumps({'databases': s.DATABASES,"
        " 'routers': getattr(s, 'DATABASE_ROUTERS', []), 'middleware': s.MIDDLEWARE,"
        " 'apps': s.INSTALLED_APPS}, default=str))"
    )
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URLS"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'platform'}", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_without_replica_urls_there_is_one_database_and_no_router():
    read = settings_with(DATABASE_REPLICA_URLS="")
    assert list(read["databases"]) == ["default"]
    assert read["routers"] == []
    assert not any("replication" in m for m in read["middleware"])
    assert "apps.replication" not in read["apps"]


def test_replica_urls_become_aliases_routed_and_mirrored_for_tests():
    read = settings_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/rp",
        DATABASE_REPLICA_URLS="postgres://postgres@127.0.0.1:5433/rp, postgres://r2:5432/rp",
    )
    assert list(read["databases"]) == ["default", "replica1", "replica2"]
    assert read["databases"]["replica1"]["PORT"] == 5433
    assert read["databases"]["replica2"]["HOST"] == "r2"
    assert read["databases"]["replica1"]["TEST"] == {"MIRROR": "default"}
    assert read["routers"] == ["apps.replication.router.ReplicaRouter"]
    middleware = read["middleware"]
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware[auth + 1] == "apps.replication.middleware.ReadYourWritesMiddleware"


def test_replicas_need_a_postgresql_primary_and_postgresql_urls():
    with pytest.raises(ValueError, match="PostgreSQL primary"):
        replica_databases("postgres://h/db", {"ENGINE": "django.db.backends.sqlite3"})
    with pytest.raises(ValueError, match="not a PostgreSQL URL"):
        replica_databases("mysql://h/db", PG)
    assert replica_databases(" , ", PG) == {}


def test_wal_positions_order_as_the_wal_does():
    assert positions.lsn_to_int("0/FFFFFFFF") < positions.lsn_to_int("1/0")
    assert positions.lsn_to_int("16/B374D848") == (0x16 << 32) | 0xB374D848


@pytest.fixture
def routed(monkeypatch):
    """A request in context for the router, with replica1 caught up to ``replayed``."""
    monkeypatch.setattr(positions, "replica_aliases", lambda: ["replica1"])
    replayed = {"lsn": 100}
    written = {}

    def replica_for(position):
        return "replica1" if position is None or replayed["lsn"] >= position else None

    monkeypatch.setattr(positions, "replica_for", replica_for)
    monkeypatch.setattr(positions, "written_position", lambda pk: written.get(pk))
    tokens = []

    def enter(method="GET", user=None):
        user = user or SimpleNamespace(pk=7, is_authenticated=True)
        tokens.append(context.enter(SimpleNamespace(method=method, user=user)))
        return context.current()

    yield SimpleNamespace(enter=enter, replayed=replayed, written=written)
    for token in reversed(tokens):
        context.leave(token)


router = ReplicaRouter()


def test_outside_a_request_everything_reads_from_the_primary():
    assert context.current() is None
    assert router.db_for_read(Case) == "default"
    assert router.db_for_write(Case) == "default"


def test_safe_reads_go_to_a_replica_writes_to_the_primary(routed):
    routed.enter("GET")
    assert router.db_for_read(Case) == "replica1"
    assert router.db_for_write(Case) == "default"
    # … and, having written, the request reads the rest from the primary.
    assert router.db_for_read(Case) == "default"


@pytest.mark.parametrize("model", [Session, User, ApiToken, IdempotencyKey])
def test_primary_only_models_read_from_the_primary(routed, model):
    routed.enter("GET")
    assert router.db_for_read(model) == "default"
    router.db_for_write(model)  # (a token's last use, a session: not a write that pins)
    assert router.db_for_read(Case) == "replica1"


def test_audit_and_job_queue_read_from_the_primary(routed):
    from django.apps import apps

    routed.enter("GET")
    for label in ("audit", "django_tasks_database"):
        for model in apps.get_app_config(label).get_models():
            assert router.db_for_read(model) == "default", model


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_unsafe_requests_read_from_the_primary(routed, method):
    routed.enter(method)
    assert router.db_for_read(Case) == "default"


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary(routed):
    routed.enter("GET")
    with transaction.atomic():  # (the test's own transaction already is one)
        assert router.db_for_read(Case) == "default"


def test_a_reader_whose_write_is_not_replayed_reads_from_the_primary(routed):
    routed.written[7] = 150  # user 7 wrote up to 150; the replica has replayed 100
    routed.enter("GET")
    assert router.db_for_read(Case) == "default"
    # The choice holds for the whole request.
    routed.replayed["lsn"] = 200
    assert router.db_for_read(Case) == "default"
    # The next request: the replica has passed the write.
    routed.enter("GET")
    assert router.db_for_read(Case) == "replica1"


def test_other_readers_and_anonymous_ones_read_from_the_replica(routed):
    routed.written[7] = 150
    routed.enter("GET", user=SimpleNamespace(pk=8, is_authenticated=True))
    assert router.db_for_read(Case) == "replica1"
    routed.enter("GET", user=SimpleNamespace(pk=None, is_authenticated=False))
    assert router.db_for_read(Case) == "replica1"


def test_migrations_only_on_the_primary():
    assert router.allow_migrate("default", "cases") is True
    assert router.allow_migrate("replica1", "cases") is False
