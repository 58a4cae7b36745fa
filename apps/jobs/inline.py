"""The demo's worker: due jobs run in a thread of the web process (no extra process).

On when ``JOBS_INLINE_WORKER`` is set (the default for the SQLite demo with ``DEBUG``;
production and CI run ``manage.py jobs_worker`` processes instead). The thread starts with the
first request a process serves, so ``manage.py runserver`` and ``make run`` deliver
notifications, e-mail and webhooks by themselves, retries included (a retry waits for its
time as with a real worker). Commands and tests never start it.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.signals import request_started
from django.db import close_old_connections

logger = logging.getLogger("apps.jobs")

_started = threading.Event()
_stopping = threading.Event()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def _loop() -> None:
    from .queue import run_due_jobs

    interval = settings.JOBS_INLINE_INTERVAL_SECONDS
    while not _stopping.is_set():
        close_old_connections()
        try:
            run_due_jobs()
        except Exception:  # a broken job must not stop the demo's deliveries
            logger.exception("in-process job worker")
        close_old_connections()
        _stopping.wait(interval)
    close_old_connections()


def start() -> None:
    global _thread
    with _lock:
        if _started.is_set():
            return
        _started.set()
        _stopping.clear()
        _thread = threading.Thread(target=_loop, name="jobs-inline-worker", daemon=True)
        _thread.start()
    logger.info("in-process job worker started")


def stop(timeout: float = 10) -> None:
    """Stop the thread (tests; a server process simply exits)."""
    global _thread
    with _lock:
        thread, _thread = _thread, None
        _stopping.set()
        _started.clear()
    if thread is not None:
        thread.join(timeout)


def _on_request(**kwargs) -> None:
    if not _started.is_set():
        start()


def connect() -> None:
    if settings.JOBS_INLINE_WORKER:
        request_started.connect(_on_request, dispatch_uid="jobs-inline-worker")
