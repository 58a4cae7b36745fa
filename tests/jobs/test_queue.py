"""The job queue: a job is written in the caller's transaction, and a failing job is tried
again later, each wait twice the one before, until its attempts are used."""

import datetime

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from apps.jobs.queue import backoff_seconds, job, pending_jobs, run_due_jobs

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


@job(attempts=3, backoff=60)
def flaky(name: str, fail_times: int) -> str:
    CALLS.append(name)
    if CALLS.count(name) <= fail_times:
        raise RuntimeError(f"{name} failed")
    return name


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


def test_a_job_runs_only_when_a_worker_takes_it():
    flaky.enqueue("a", 0)
    assert CALLS == [] and pending_jobs() == 1

    assert run_due_jobs() == 1

    assert CALLS == ["a"] and pending_jobs() == 0


def test_a_job_enqueued_in_a_rolled_back_transaction_is_gone():
    with pytest.raises(RuntimeError), transaction.atomic():
        flaky.enqueue("b", 0)
        raise RuntimeError("the change fails")

    assert pending_jobs() == 0
    assert run_due_jobs() == 0 and CALLS == []


def test_a_failing_job_is_retried_later_with_a_doubling_wait():
    flaky.enqueue("c", 2)

    run_due_jobs()  # attempt 1 fails; attempt 2 waits 60 s
    retry = DBTaskResult.objects.get(status="READY")
    first_wait = retry.run_after - retry.enqueued_at
    assert datetime.timedelta(seconds=59) < first_wait <= datetime.timedelta(seconds=61)
    assert run_due_jobs() == 0  # not due yet

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=retry.enqueued_at)
    run_due_jobs()  # attempt 2 fails; attempt 3 waits 120 s
    retry = DBTaskResult.objects.get(status="READY")
    second_wait = retry.run_after - retry.enqueued_at
    assert datetime.timedelta(seconds=119) < second_wait <= datetime.timedelta(seconds=121)

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=retry.enqueued_at)
    run_due_jobs()  # attempt 3 succeeds

    assert CALLS == ["c", "c", "c"]
    assert DBTaskResult.objects.filter(status="FAILED").count() == 2
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
    assert pending_jobs() == 0


def test_a_job_that_uses_its_attempts_stops_there():
    flaky.enqueue("d", 10)
    for _ in range(5):
        run_due_jobs()
        DBTaskResult.objects.filter(status="READY").update(
            run_after=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        )

    assert CALLS == ["d", "d", "d"]
    assert DBTaskResult.objects.filter(status="FAILED").count() == 3
    assert pending_jobs() == 0


def test_backoff_doubles():
    assert [backoff_seconds(30, n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_a_job_left_running_by_a_dead_worker_runs_again_after_the_lease(settings):
    """A worker killed mid-job leaves its row "running"; once the lease is over the next
    worker takes it again (and the handler, idempotent, does its work)."""
    from django.utils import timezone

    settings.JOBS_LEASE_SECONDS = 600
    flaky.enqueue("e", 0)
    row = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=row.pk).update(
        status="RUNNING", started_at=timezone.now() - datetime.timedelta(seconds=30)
    )
    assert run_due_jobs() == 0  # within the lease: maybe still running somewhere

    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - datetime.timedelta(seconds=601)
    )
    assert run_due_jobs() == 1

    assert CALLS == ["e"]
    assert DBTaskResult.objects.get(pk=row.pk).status == "SUCCESSFUL"


@job(attempts=2)
def stopping(name: str) -> None:
    CALLS.append(name)
    raise SystemExit(0)  # as the worker's second Ctrl+C / SIGTERM does mid-job


def test_a_job_interrupted_by_a_stopping_worker_is_queued_again_at_once():
    stopping.enqueue("f")

    with pytest.raises(SystemExit):
        run_due_jobs()

    again = DBTaskResult.objects.get(status="READY")
    assert again.args_kwargs["args"] == ["f"]
    assert again.args_kwargs["kwargs"] == {"_attempt": 1}  # the same attempt, not a retry
