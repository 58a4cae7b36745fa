"""/healthz and /readyz: alive without touching anything; ready when the database, the
migrations, the caches, the job queue (and the replicas, when there are any) answer."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.jobs.queue import job
from apps.operations import health

pytestmark = pytest.mark.django_db


@job(attempts=1)
def noop() -> None:
    return None


def test_healthz_answers_without_a_query_a_host_check_or_the_https_redirect(
    client, settings, django_assert_num_queries
):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["resources.example.gov.cn"]
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    # The rest of the site still redirects and checks the host.
    assert client.get("/", HTTP_HOST="resources.example.gov.cn").status_code == 301
    assert client.get("/", HTTP_HOST="10.0.0.7:8000", secure=True).status_code == 400


def test_readyz_names_every_check_and_answers_200_when_all_pass(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert set(checks) == {"database", "migrations", "cache", "queue"}  # no replicas here
    assert all(check["status"] == "ok" for check in checks.values())
    assert checks["cache"]["aliases"] == ["default", "lists"]
    assert checks["queue"] == {
        "status": "ok",
        "ready": 0,
        "due": 0,
        "oldest_due_age_seconds": 0.0,
        "duration_ms": checks["queue"]["duration_ms"],
    }


def test_readyz_reports_the_queue_depth_and_the_age_of_the_oldest_due_job(client):
    noop.enqueue()
    noop.enqueue()
    later = noop.using(run_after=timezone.now() + datetime.timedelta(hours=1))
    later.enqueue()
    DBTaskResult.objects.filter(run_after__year__gt=9000).update(
        enqueued_at=timezone.now() - datetime.timedelta(seconds=90)
    )
    queue = client.get("/readyz").json()["checks"]["queue"]
    assert (queue["ready"], queue["due"]) == (3, 2)
    assert 89 <= queue["oldest_due_age_seconds"] < 120
    # A backlog is reported, not a reason to take the web process out.
    assert queue["status"] == "ok"


def test_readyz_answers_503_naming_the_cache_that_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis://secret-host:6379 refused")

    monkeypatch.setattr(caches["lists"], "set", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["cache"]["status"] == "fail"
    assert body["checks"]["cache"]["reason"] == "ConnectionError"  # no host, no URL
    assert "secret-host" not in response.content.decode()
    assert body["checks"]["database"]["status"] == "ok"


def test_readyz_answers_503_while_migrations_are_pending(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("m", 0)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {
        "status": "fail",
        "reason": "1 migrations not applied",
        "duration_ms": response.json()["checks"]["migrations"]["duration_ms"],
    }


def test_readyz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def down():
        raise OperationalError('connection to server at "db.internal" failed')

    monkeypatch.setattr(health, "check_database", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["reason"] == "OperationalError"
    assert "db.internal" not in response.content.decode()


def test_a_lagging_replica_is_reported_degraded_and_the_process_stays_ready(client, monkeypatch):
    """The router sends a lagging replica's reads to the primary: every request is still
    served, so the process stays in the balancer; the body says which replica is out."""
    monkeypatch.setattr(health, "replica_aliases", lambda: ["replica1", "replica2"])
    lags = {
        "replica1": {"status": "ok", "lag_bytes": 0, "lag_seconds": 0.0},
        "replica2": {
            "status": "degraded",
            "reason": "behind by more than 30 s",
            "lag_bytes": 9,
            "lag_seconds": 45.0,
        },
    }
    monkeypatch.setattr(health, "replica_lag", lambda alias: lags[alias])
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    replicas = response.json()["checks"]["replicas"]
    assert replicas["status"] == "degraded" and replicas["reason"] == "replica2"
    assert replicas["replica1"]["lag_seconds"] == 0.0
    assert replicas["replica2"]["lag_seconds"] == 45.0


def test_an_unreachable_replica_is_degraded_but_a_failing_primary_still_fails(client, monkeypatch):
    def unreachable(alias):
        raise OperationalError("could not connect to server on port 5433")

    monkeypatch.setattr(health, "replica_aliases", lambda: ["replica1"])
    monkeypatch.setattr(health, "replica_lag", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["replicas"]["replica1"] == {
        "status": "degraded",
        "reason": "OperationalError",
    }

    def down():
        raise OperationalError("primary down")

    monkeypatch.setattr(health, "check_database", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "fail"


@pytest.mark.postgres_only
def test_a_primary_seen_as_a_replica_has_no_lag(settings):
    """On PostgreSQL the lag query runs for real; the primary is not in recovery."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    assert health.replica_lag("default") == {
        "status": "ok",
        "lag_bytes": 0,
        "lag_seconds": 0.0,
        "in_recovery": False,
    }


def test_other_methods_and_paths_go_down_the_stack(client):
    assert client.post("/healthz").status_code in (403, 404, 405)
    assert client.get("/healthzz").status_code == 404
