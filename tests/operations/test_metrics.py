"""/metrics: request latency by view, database statements, cache hits and misses and the
job queue, for the local network or a token; everyone else finds no such page."""

from __future__ import annotations

import re

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from apps.jobs.queue import job
from tests.helpers import token_client

pytestmark = pytest.mark.django_db

TOKEN = "m3tr1cs-t0ken-for-the-scraper"


@job(attempts=1)
def noop() -> None:
    return None


def sample(text: str, name: str, **labels) -> float:
    """The value of one sample in Prometheus' text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        match = re.fullmatch(rf"{re.escape(name)}(?:\{{(.*)\}})? (\S+)", line)
        if match and all(part in (match.group(1) or "") for part in wanted.split(",") if part):
            return float(match.group(2))
    return 0.0


def scrape(client, **extra) -> str:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_loopback_reads_request_latency_by_view_and_status(client, persona, api):
    api("tA_teacher").get("/api/v1/courses/")
    text = scrape(client)
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in text
    assert (
        sample(
            text,
            "django_http_requests_latency_seconds_by_view_method_count",
            view="course-list",
            method="GET",
        )
        >= 1
    )
    assert (
        sample(
            text,
            "django_http_responses_total_by_status_view_method_total",
            status="200",
            view="course-list",
        )
        >= 1
    )


def test_every_statement_of_a_request_is_counted(client, persona):
    api, _ = token_client(persona("tA_teacher"), warm=True)
    before = sample(scrape(client), "django_db_execute_total", alias="default")
    reset_queries()  # (a full query log would capture nothing)
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/courses/").status_code == 200
    statements = len(queries)
    assert statements > 0
    after = sample(scrape(client), "django_db_execute_total", alias="default")
    # The first scrape read the queue (one statement) after taking its sample.
    assert after - before == statements + 1


def test_cache_hits_and_misses_are_counted_per_cache(client):
    from django.core.cache import caches

    text = scrape(client)
    hits = sample(text, "django_cache_get_hits_total", backend="lists")
    misses = sample(text, "django_cache_get_misses_total", backend="lists")
    caches["lists"].set("k", 0)
    assert caches["lists"].get("k") == 0  # a falsy value is still a hit
    assert caches["lists"].get("absent", "d") == "d"
    text = scrape(client)
    assert sample(text, "django_cache_get_hits_total", backend="lists") == hits + 1
    assert sample(text, "django_cache_get_misses_total", backend="lists") == misses + 1


def test_the_queue_depth_is_a_gauge_read_at_scrape_time(client):
    assert sample(scrape(client), "platform_jobs_ready") == 0
    noop.enqueue()
    noop.enqueue()
    text = scrape(client)
    assert sample(text, "platform_jobs_ready") == 2
    assert sample(text, "platform_jobs_due") == 2
    assert "platform_jobs_oldest_due_age_seconds" in text


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "10.1.2.3", "192.168.5.6", "172.20.0.9"])
def test_the_local_network_may_read(client, address):
    scrape(client, REMOTE_ADDR=address)


@pytest.mark.parametrize("address", ["203.0.113.5", "8.8.8.8", "2001:db8::1", ""])
def test_anyone_else_finds_the_sites_ordinary_404(client, address):
    response = client.get("/metrics", REMOTE_ADDR=address)
    assert response.status_code == 404
    assert b"django_http" not in response.content
    unknown = client.get("/no-such-page", REMOTE_ADDR=address)
    assert response["Content-Type"] == unknown["Content-Type"]


def test_a_token_opens_it_from_anywhere_and_a_wrong_one_does_not(client, settings):
    settings.METRICS_TOKEN = TOKEN
    outside = {"REMOTE_ADDR": "203.0.113.5"}
    scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **outside)
    for wrong in (f"Bearer {TOKEN}x", "Bearer ", TOKEN, f"Basic {TOKEN}"):
        assert client.get("/metrics", HTTP_AUTHORIZATION=wrong, **outside).status_code == 404


def test_without_a_token_setting_no_bearer_opens_it(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer ", REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 404


def test_behind_an_unannounced_proxy_no_one_counts_as_local(client, settings):
    """With TRUSTED_PROXY_COUNT=0 a request through a proxy shows the proxy's loopback
    address: it must not pass for local."""
    settings.TRUSTED_PROXY_COUNT = 0
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="8.8.8.8")
    assert response.status_code == 404


def test_behind_a_trusted_proxy_the_forwarded_address_decides(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    scrape(client, HTTP_X_FORWARDED_FOR="10.0.0.8", **proxy)
    response = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert response.status_code == 404
    # A client cannot write itself a local address: the proxy's entry is the one believed.
    response = client.get("/metrics", HTTP_X_FORWARDED_FOR="10.0.0.8, 203.0.113.5", **proxy)
    assert response.status_code == 404


def test_a_request_costs_the_same_queries_with_metrics_and_logs(persona, settings):
    """The middlewares add no query: the same request with and without them."""
    api, _ = token_client(persona("tA_teacher"), warm=True)

    def count() -> int:
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/me/").status_code == 200
        return len(queries)

    with_them = count()
    settings.MIDDLEWARE = [
        m
        for m in settings.MIDDLEWARE
        if not m.startswith(("django_prometheus.", "apps.operations."))
    ]
    assert count() == with_them
