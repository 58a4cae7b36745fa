"""The demo's worker: due jobs run in a thread of the web process (no extra process).

On when ``JOBS_INLINE_WORKER`` is set (the default for the SQLite demo with ``DEBUG``;
production and CI run ``manage.py db_worker`` processes instead). The thread starts with the
first request a process serves, so ``manage.py runserver`` and ``make run`` deliver
notifications, e-mail and webhooks by themselves, retries included (a retry waits for its
time as with a real worker). Commands and tests never start it.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.signals import request_started
from django.db import close_old_connections

logger = logging.getLogger("apps.jobs")

_started = threading.Event()
_lock = threading.Lock()


def _loop() -> None:
    from .queue import run_due_jobs

    interval = settings.JOBS_INLINE_INTERVAL_SECONDS
    while True:
        close_old_connections()
        try:
            run_due_jobs()
        except Exception:  # a broken job must not stop the demo's deliveries
            logger.exception("in-process job worker")
        close_old_connections()
        time.sleep(interval)


def start() -> None:
    with _lock:
        if _started.is_set():
            return
        _started.set()
    threading.Thread(target=_loop, name="jobs-inline-worker", daemon=True).start()
    logger.info("in-process job worker started")


def _on_request(**kwargs) -> None:
    if not _started.is_set():
        start()


def connect() -> None:
    if settings.JOBS_INLINE_WORKER:
        request_started.connect(_on_request, dispatch_uid="jobs-inline-worker")
