"""``manage.py jobs_worker``: django-tasks' ``db_worker`` plus the reaper of stale jobs.

Takes every option of ``db_worker`` (``--batch``, ``--interval``, ``--queue-name`` …). Run as
many as you like, on any machine that reaches the database. Besides running jobs, each one
puts back in the queue, every ``JOBS_REAP_INTERVAL_SECONDS``, the jobs that a dead worker left
running for longer than ``JOBS_LEASE_SECONDS`` (``apps.jobs.queue.requeue_stale``).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from apps.jobs.queue import requeue_stale

logger = logging.getLogger("apps.jobs")


def _reap_forever(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            requeue_stale()
        except Exception:  # the database may be briefly away: try again next time
            logger.exception("requeueing stale jobs")
        finally:
            close_old_connections()
        stop.wait(settings.JOBS_REAP_INTERVAL_SECONDS)


class Command(DbWorkerCommand):
    help = "Run jobs (django-tasks' db_worker) and requeue the ones a dead worker left running."

    def handle(self, *args, **options):
        requeue_stale()
        stop = threading.Event()
        if not options.get("batch"):
            threading.Thread(
                target=_reap_forever, args=(stop,), name="jobs-reaper", daemon=True
            ).start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
