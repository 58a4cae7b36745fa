"""Django's cache backends, counting gets, hits and misses for ``/metrics``.

django-prometheus's own cache backends answer ``default`` for any cached value that is
falsy (``0``, ``""``, an empty list): a rate-limit counter at 0 or a cached empty page would
read as a miss. These keep Django's behaviour and count into django-prometheus's counters
(``django_cache_get_total``, ``…_hits_total``, ``…_misses_total``, ``…_fail_total``), the
``backend`` label naming the cache's alias (``default``: lockouts and rate limits;
``lists``: the per-audience list cache). ``conf.instrumented_caches`` puts them in place.
"""

from __future__ import annotations

from django.core.cache.backends import locmem, redis

_MISSING = object()


def _counters():
    from django_prometheus.cache.metrics import (
        django_cache_get_fail_total,
        django_cache_get_total,
        django_cache_hits_total,
        django_cache_misses_total,
    )

    return (
        django_cache_get_total,
        django_cache_hits_total,
        django_cache_misses_total,
        django_cache_get_fail_total,
    )


class _Counting:
    def _label(self) -> str:
        return getattr(self, "_metrics_alias", "default")

    def get(self, key, default=None, version=None):
        total, hits, misses, fails = _counters()
        label = self._label()
        total.labels(backend=label).inc()
        try:
            value = super().get(key, _MISSING, version=version)
        except Exception:
            fails.labels(backend=label).inc()
            raise
        if value is _MISSING:
            misses.labels(backend=label).inc()
            return default
        hits.labels(backend=label).inc()
        return value


class LocMemCache(_Counting, locmem.LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        self._metrics_alias = params.get("METRICS_ALIAS", "default")


class RedisCache(_Counting, redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._metrics_alias = params.get("METRICS_ALIAS", "default")
