"""Settings helpers that ``config.settings`` calls: they import nothing of Django's.

``logging_config``: the ``LOGGING`` dict. Every line goes through one handler on stderr with
the redacting filter (``apps.operations.redact``): JSON lines with ``LOG_FORMAT=json`` (the
default when DEBUG is off), a human-readable console otherwise (the demo). The request log
(``operations.requests``, ``REQUEST_LOG_LEVEL``: WARNING keeps only 4xx and 5xx answers) and
the job log (``operations.jobs``) write at INFO whatever ``LOG_LEVEL`` says for the rest.

``instrumented_caches``: the same caches, with backends that count hits and misses for
``/metrics`` (``apps.operations.cache``).
"""

from __future__ import annotations

import copy

LOG_FORMATS = ("json", "console")

INSTRUMENTED_CACHE_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache": "apps.operations.cache.LocMemCache",
    "django.core.cache.backends.redis.RedisCache": "apps.operations.cache.RedisCache",
}


def log_format(value: str | None, *, debug: bool) -> str:
    """``LOG_FORMAT`` as given ("json" or "console"); by default JSON unless DEBUG is on."""
    value = (value or "").strip().lower()
    if value in LOG_FORMATS:
        return value
    return "console" if debug else "json"


def logging_config(fmt: str, level: str = "WARNING", request_level: str = "INFO") -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": "apps.operations.redact.RedactingFilter"}},
        "formatters": {
            "json": {"()": "apps.operations.logs.json_formatter"},
            "console": {"()": "apps.operations.logs.console_formatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": fmt,
                "filters": ["redact"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own console handler (DEBUG only) would print each of its lines twice.
            "django": {"level": "INFO", "handlers": [], "propagate": True},
            "operations.requests": {"level": request_level},
            "operations.jobs": {"level": "INFO"},
        },
    }


def instrumented_caches(caches: dict) -> dict:
    """``CACHES`` with each known backend swapped for its counting subclass; the alias is
    passed along (``METRICS_ALIAS``) so hits and misses are told apart per cache."""
    result = copy.deepcopy(caches)
    for alias, conf in result.items():
        backend = INSTRUMENTED_CACHE_BACKENDS.get(conf.get("BACKEND", ""))
        if backend:
            conf["BACKEND"] = backend
            conf["METRICS_ALIAS"] = alias
    return result
