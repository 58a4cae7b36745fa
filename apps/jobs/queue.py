"""The job queue: work that leaves the request, written in the request's transaction.

Jobs are django-tasks ``Task``s kept by the database backend (``django_tasks_db``): enqueueing
writes a row **in the caller's transaction**, so a change that rolls back leaves no job and a
change that commits loses none. Workers are separate processes that can run on any number of
machines (``python manage.py jobs_worker``: django-tasks' ``db_worker``, which claims rows with
``SELECT … FOR UPDATE SKIP LOCKED``, plus the reaper of jobs a dead worker left running,
``requeue_stale``). The SQLite demo needs none: ``apps.jobs.inline`` runs due jobs in a thread
of the web process.

``@job`` adds what django-tasks leaves to us: retries with exponential backoff. A job that
raises is marked failed (its traceback kept) and, unless it has used its attempts, enqueued
again to run after ``backoff * 2 ** (attempt - 1)`` seconds. Handlers must be idempotent: a
job may run twice (a worker dies after the work but before marking it done).
"""

from __future__ import annotations

import datetime
import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task as django_task

logger = logging.getLogger("apps.jobs")

ATTEMPT = "_attempt"
STOPPING = ("builtins.SystemExit", "builtins.KeyboardInterrupt")


class Retry(Exception):
    """Raise from a job to be retried later without it counting as a crash in the logs."""


def backoff_seconds(base: float, attempt: int) -> float:
    """Seconds to wait before attempt ``attempt + 1``: base, 2·base, 4·base …"""
    return base * 2 ** (attempt - 1)


def job(*, attempts: int = 5, backoff: float | None = None, queue: str = "default"):
    """Declare ``fn`` a job: ``fn.enqueue(*args, **kwargs)`` queues it in the current transaction.

    ``attempts``: how many times it runs at most; ``backoff``: seconds before the first retry
    (``JOBS_RETRY_BACKOFF_SECONDS`` by default), doubling each time.
    """

    def decorate(fn: Callable[..., Any]):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            attempt = kwargs.pop(ATTEMPT, 1)
            try:
                return fn(*args, **kwargs)
            except (SystemExit, KeyboardInterrupt):
                # The worker is told to stop in the middle of this job: queue it again, now,
                # at the same attempt, for the next worker (the handler is idempotent).
                with transaction.atomic():
                    task.enqueue(*args, **{**kwargs, ATTEMPT: attempt})
                raise
            except Exception as exc:
                if attempt >= attempts:
                    logger.error("job %s failed for good after %d attempts", fn.__name__, attempt)
                    raise
                base = settings.JOBS_RETRY_BACKOFF_SECONDS if backoff is None else backoff
                delay = backoff_seconds(base, attempt)
                retry = task.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
                with transaction.atomic():
                    retry.enqueue(*args, **{**kwargs, ATTEMPT: attempt + 1})
                log = logger.info if isinstance(exc, Retry) else logger.warning
                log(
                    "job %s attempt %d failed (%s); retry in %.1f s",
                    fn.__name__,
                    attempt,
                    exc,
                    delay,
                )
                raise

        task = django_task(queue_name=queue)(run)
        return task

    return decorate


def requeue_stale(lease_seconds: float | None = None) -> int:
    """Put back in the queue the jobs a dead worker left running (killed, out of memory, the
    machine rebooted, the demo's server reloaded): running longer than the lease
    (``JOBS_LEASE_SECONDS``, longer than any job takes). Handlers are idempotent, so a job
    that was in fact still running and runs again changes nothing twice. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    lease = settings.JOBS_LEASE_SECONDS if lease_seconds is None else lease_seconds
    cutoff = timezone.now() - datetime.timedelta(seconds=lease)
    stale = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff)
    count = stale.update(status="READY", started_at=None)
    if count:
        logger.warning("requeued %d job(s) left running by a worker that stopped", count)
    return count


def run_due_jobs(*, limit: int | None = None, worker_id: str | None = None) -> int:
    """Run the jobs that are due, one after the other, in this process; return how many ran.

    What ``manage.py db_worker --batch`` does, without closing the database connection (so
    tests and the demo's in-process worker can call it). Each job is claimed in its own
    short transaction with ``SKIP LOCKED``, so several of these and several workers can run
    side by side.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id or f"inline-{uuid.uuid4().hex[:8]}",
        excluded_queue_names=[],
    )
    requeue_stale()
    ran = 0
    while limit is None or ran < limit:
        tasks = DBTaskResult.objects.ready().filter(backend_name="default")
        with exclusive_transaction(tasks.db):
            claimed = tasks.get_locked()
            if claimed is not None:
                claimed.claim(worker.worker_id)
        if claimed is None:
            return ran
        worker.run_task(claimed)
        ran += 1
        if claimed.exception_class_path in STOPPING:
            # A job was told to stop (and queued itself again): so does this loop.
            raise SystemExit(0)
    return ran


def pending_jobs() -> int:
    """Jobs waiting (due or not) — what a health check or a test looks at."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY").count()
