"""The operator's endpoints, answered before the rest of the stack.

``/healthz``, ``/readyz`` and ``/metrics`` are for load balancers, supervisors and
Prometheus, which call gunicorn directly (``BIND``, plain HTTP) with whatever ``Host`` they
know. So this middleware stands first in ``MIDDLEWARE`` and answers them itself: no HTTPS
redirect, no ``ALLOWED_HOSTS`` check (nothing here builds a URL from the host), no session,
no language, no CSRF, and probes are not counted in the request metrics or logged as
requests. Only GET and HEAD; any other method, or ``/metrics`` for a reader who may not read
it, goes on down the stack like any unknown path (405s and 404s as usual).
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

from . import health, metrics

HEALTHZ = "/healthz"
READYZ = "/readyz"
METRICS = "/metrics"


def _json(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    add_never_cache_headers(response)
    return response


def healthz(request):
    return _json({"status": "ok"})


def readyz(request):
    status, checks = health.run_checks()
    return _json({"status": status, "checks": checks}, 503 if status == health.FAIL else 200)


def metrics_view(request):
    response = metrics.render_metrics()
    add_never_cache_headers(response)
    return response


class OperationsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/") or "/"
        if request.method not in ("GET", "HEAD") or path not in (HEALTHZ, READYZ, METRICS):
            return self.get_response(request)
        if path == HEALTHZ:
            return healthz(request)
        if path == METRICS and not metrics.may_read_metrics(request):
            return self.get_response(request)
        # (A broken connection met by a probe is closed at the request's end by Django.)
        return readyz(request) if path == READYZ else metrics_view(request)
