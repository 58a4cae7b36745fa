"""Prometheus metrics at ``/metrics``, for the local network or a token.

What is measured (django-prometheus's metric names):

- requests: ``django_http_requests_latency_seconds_by_view_method`` (a histogram per URL
  name and method), ``django_http_responses_total_by_status_view_method`` and the rest of
  django-prometheus's middleware (``PrometheusBeforeMiddleware`` first in ``MIDDLEWARE``,
  ``PrometheusAfterMiddleware`` last);
- database: ``django_db_execute_total``, ``django_db_query_duration_seconds``,
  ``django_db_errors_total``, ``django_db_new_connections_total`` per alias (``default``,
  the replicas), counted by an execute wrapper on every connection (the database engines
  stay Django's own);
- cache: ``django_cache_get_total``, ``django_cache_get_hits_total``,
  ``django_cache_get_misses_total`` per cache (``apps.operations.cache``);
- the job queue, read when ``/metrics`` is scraped (never during a request):
  ``platform_jobs_ready`` (jobs waiting, due or not), ``platform_jobs_due`` (due now) and
  ``platform_jobs_oldest_due_age_seconds``.

Who may read it: a client on the local network (loopback or a private address, as
``apps.accounts.client.client_address`` sees it, which honours ``TRUSTED_PROXY_COUNT``), or
anyone sending ``Authorization: Bearer <METRICS_TOKEN>``. Anyone else gets the site's
ordinary 404, as if there were no such page. A request that came through a proxy the
platform was not told about (``X-Forwarded-For`` with ``TRUSTED_PROXY_COUNT=0``) does not
count as local: behind such a proxy every client would look like the proxy.

Several gunicorn workers: each keeps its own counters, so a scrape would see one worker's.
Set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory for the web server (gunicorn.conf.py
empties it at start and drops a dead worker's gauges): every worker then writes its samples
there and ``/metrics`` adds them up (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.db.backends.signals import connection_created
from django.http import HttpResponse

from apps.accounts.client import client_address

# --- who may read ------------------------------------------------------------------------


# The local network: loopback and the private ranges (RFC 1918, IPv6 unique local). Not
# ipaddress's ``is_private``, which also takes in documentation and reserved ranges.
LOCAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7")
)


def _local(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in LOCAL_NETWORKS if network.version == ip.version)


def _bearer(request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def may_read_metrics(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    if token:
        sent = _bearer(request)
        if sent and hmac.compare_digest(sent.encode(), token.encode()):
            return True
    unknown_proxy = (
        getattr(settings, "TRUSTED_PROXY_COUNT", 0) == 0 and "HTTP_X_FORWARDED_FOR" in request.META
    )
    return not unknown_proxy and _local(client_address(request))


# --- database queries --------------------------------------------------------------------


def _query_counter(alias: str, vendor: str):
    from django_prometheus.db.metrics import (
        errors_total,
        execute_many_total,
        execute_total,
        query_duration_seconds,
    )

    def count(execute, sql, params, many, context):
        if many:
            n = len(params) if hasattr(params, "__len__") else 1
            execute_total.labels(alias, vendor).inc(n)
            execute_many_total.labels(alias, vendor).inc(n)
        else:
            execute_total.labels(alias, vendor).inc()
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except Exception as exc:
            errors_total.labels(alias, vendor, type(exc).__name__).inc()
            raise
        finally:
            query_duration_seconds.labels(alias, vendor).observe(time.perf_counter() - start)

    count.operations_metrics = True
    return count


def _instrument(sender, connection, **kwargs):
    from django_prometheus.db.metrics import connections_total

    connections_total.labels(connection.alias, connection.vendor).inc()
    if not any(getattr(w, "operations_metrics", False) for w in connection.execute_wrappers):
        connection.execute_wrappers.insert(0, _query_counter(connection.alias, connection.vendor))


def count_database_queries() -> None:
    """Count every statement on every connection (an execute wrapper added when Django
    opens the connection; connections opened before ``ready()`` get it on reconnect)."""
    connection_created.connect(_instrument, dispatch_uid="operations.count_queries")


# --- the job queue -----------------------------------------------------------------------


def queue_numbers() -> dict:
    """Jobs waiting, jobs due now, and the age in seconds of the oldest due one (0 if none).

    One query. A job enqueued without a delay has ``run_after`` at the backend's "never"
    marker and is due since it was enqueued."""
    from django.db.models import Case, Count, F, Min, Q, When
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    never = get_date_max()
    due = Q(run_after=never) | Q(run_after__lte=now)
    numbers = DBTaskResult.objects.filter(status="READY").aggregate(
        ready=Count("pk"),
        due=Count("pk", filter=due),
        oldest=Min(
            Case(When(run_after=never, then=F("enqueued_at")), default=F("run_after")),
            filter=due,
        ),
    )
    oldest = numbers["oldest"]
    return {
        "ready": numbers["ready"],
        "due": numbers["due"],
        "oldest_due_age_seconds": round(max((now - oldest).total_seconds(), 0.0), 1)
        if oldest
        else 0.0,
    }


class QueueCollector:
    """The queue's numbers as gauges, read from the database at scrape time."""

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        numbers = queue_numbers()
        yield GaugeMetricFamily(
            "platform_jobs_ready", "Jobs waiting in the queue, due or not.", numbers["ready"]
        )
        yield GaugeMetricFamily("platform_jobs_due", "Jobs due to run now.", numbers["due"])
        yield GaugeMetricFamily(
            "platform_jobs_oldest_due_age_seconds",
            "Seconds the oldest due job has been waiting (0 when none is due).",
            numbers["oldest_due_age_seconds"],
        )


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def render_metrics() -> HttpResponse:
    import prometheus_client
    from prometheus_client import CollectorRegistry, generate_latest

    if multiprocess():
        from prometheus_client import multiprocess as mp

        registry = CollectorRegistry()
        mp.MultiProcessCollector(registry)
    else:
        registry = prometheus_client.REGISTRY
    queue = CollectorRegistry(auto_describe=False)
    queue.register(QueueCollector())
    body = generate_latest(registry) + generate_latest(queue)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
