"""Exports and imports too large for a request, run as jobs (``apps.jobs``) as their user.

``start_export`` / ``start_import`` write an ``ExchangeJob`` and enqueue ``run_exchange_job``
in the caller's transaction: a request that rolls back leaves neither. The job runs as the
user who asked, with what they may see and do **when it runs**: the export rebuilds its
queryset from the user's restricted one and the filters they gave (the library's FilterSet
and the list's ordering), so visibility and personal data are those of the synchronous
export at that moment; the import reads the stored file through the same checks and
services, all or nothing.

Progress (``done``/``total`` rows) is written as an ``UPDATE`` of its own, outside any
transaction of the job, so a reader sees it move: an export every ``PROGRESS_EVERY`` rows
written; an import while its rows are checked, before its one writing transaction (which
reports nothing until it commits or rolls back: no second connection, see the decisions).

Idempotent: a job marks itself done (the import inside its writing transaction), and a job
found done is not run again.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.jobs.queue import job
from apps.sharing.api import StableOrderingFilter
from apps.sharing.exceptions import InvalidInput, SharingError
from apps.sharing.registry import get_library, library_for_model

from .exceptions import ExportTooLarge
from .models import ExchangeJob
from .services import export_filenames, export_workbook, prepare_import, run_import

logger = logging.getLogger("apps.exchange")

# Query parameters that say how to answer, not what to export.
NOT_FILTERS = frozenset({"async", "format", "cursor", "page_size"})

UNEXPECTED = _("The job stopped on an unexpected error; nothing was imported. Try again later.")


def requested_filters(query_params) -> dict[str, list[str]]:
    """The export's filters as the user gave them (every value of every parameter)."""
    return {
        key: query_params.getlist(key) for key in sorted(query_params) if key not in NOT_FILTERS
    }


def _query_dict(filters: dict) -> QueryDict:
    params = QueryDict(mutable=True)
    for key, values in filters.items():
        params.setlist(key, [str(v) for v in values])
    return params


def export_queryset(library, user, filters: dict):
    """What the list would give ``user`` now with ``filters``: restricted, filtered, ordered
    as the API's list (the library's FilterSet, then the list's ordering). The admin's
    selection (``{"selected": [ids]}``) is those ids among what the user may see."""
    queryset = library.model.objects.restrict(user, "view")
    if "selected" in filters:
        ids = [int(pk) for pk in filters["selected"]]
        return queryset.filter(pk__in=ids).order_by("-id")
    params = _query_dict(filters)
    filterset = library.filterset(data=params, queryset=queryset)
    if not filterset.is_valid():
        raise InvalidInput(errors={k: [str(m) for m in v] for k, v in filterset.errors.items()})
    queryset = filterset.qs
    view = library.viewset
    if view is not None:
        ordering = StableOrderingFilter().get_ordering(
            SimpleNamespace(query_params=params), queryset, view
        )
        if ordering:
            queryset = queryset.order_by(*ordering)
    return queryset


# ---- starting a job (in the request's transaction) -------------------------------------------


def start_export(model, queryset, *, user, filters: dict) -> ExchangeJob:
    """Queue an export of ``queryset`` (what the user sees now, ``filters`` applied). More rows
    than ``EXPORT_JOB_MAX_ROWS`` raise ``ExportTooLarge`` and queue nothing."""
    limit = settings.EXPORT_JOB_MAX_ROWS
    total = queryset.count()
    if total > limit:
        raise ExportTooLarge(limit)
    return _enqueue(
        ExchangeJob(
            user=user,
            library=library_for_model(model).key,
            kind=ExchangeJob.Kind.EXPORT,
            filters=filters,
            total=total,
        )
    )


def start_import(model, prepared, data: bytes, *, user) -> ExchangeJob:
    """Queue the import of ``data``, already read (``prepare_import``) by its user."""
    return _enqueue(
        ExchangeJob(
            user=user,
            library=library_for_model(model).key,
            kind=ExchangeJob.Kind.IMPORT,
            owner=prepared.owner,
            total=len(prepared.rows),
            upload=data,
        )
    )


def _enqueue(exchange_job: ExchangeJob) -> ExchangeJob:
    exchange_job.language = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        exchange_job.save()
        run_exchange_job.enqueue(exchange_job.pk)
    return exchange_job


# ---- running it (in a worker) -----------------------------------------------------------------


@job(attempts=1)
def run_exchange_job(job_id: int) -> str:
    """Run one export or import job as its user; a job already done is left alone."""
    claimed = ExchangeJob.objects.filter(
        pk=job_id, status__in=[ExchangeJob.Status.QUEUED, ExchangeJob.Status.RUNNING]
    ).update(status=ExchangeJob.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return "skipped"
    exchange_job = ExchangeJob.objects.select_related("user", "owner").get(pk=job_id)
    with translation.override(exchange_job.language):
        try:
            if exchange_job.kind == ExchangeJob.Kind.EXPORT:
                _run_export(exchange_job)
            else:
                _run_import(exchange_job)
        except SharingError as exc:
            _fail(exchange_job, exc)
        except Exception:
            logger.exception("Excel job %s failed", job_id)
            _fail(exchange_job, InvalidInput(UNEXPECTED))
            raise
    return exchange_job.status


def _progress(exchange_job: ExchangeJob):
    def report(done: int, total: int) -> None:
        ExchangeJob.objects.filter(pk=exchange_job.pk).update(done=done, total=total)
        exchange_job.done, exchange_job.total = done, total

    return report


def _run_export(exchange_job: ExchangeJob) -> None:
    library = get_library(exchange_job.library)
    queryset = export_queryset(library, exchange_job.user, exchange_job.filters)
    content = export_workbook(
        library.model,
        queryset,
        user=exchange_job.user,
        limit=settings.EXPORT_JOB_MAX_ROWS,
        progress=_progress(exchange_job),
    )
    old = exchange_job.file.name if exchange_job.file else None
    exchange_job.filename = export_filenames(library.model)[0]
    exchange_job.file.save("export.xlsx", ContentFile(content), save=False)
    exchange_job.status = ExchangeJob.Status.SUCCEEDED
    exchange_job.finished_at = timezone.now()
    exchange_job.save(update_fields=["filename", "file", "status", "finished_at"])
    if old:  # a job run again replaced its file
        exchange_job.file.storage.delete(old)


def _run_import(exchange_job: ExchangeJob) -> None:
    library = get_library(exchange_job.library)
    owner_code = exchange_job.owner.code if exchange_job.owner else ""
    data = bytes(exchange_job.upload or b"")
    # The role is checked again: the job runs with what its user may do now.
    prepared = prepare_import(library.model, data, user=exchange_job.user, owner_code=owner_code)
    report = _progress(exchange_job)

    def finish(result) -> None:
        total = len(prepared.rows)
        ExchangeJob.objects.filter(pk=exchange_job.pk).update(
            status=ExchangeJob.Status.SUCCEEDED,
            result=result.as_dict(),
            done=total,
            total=total,
            upload=None,
            finished_at=timezone.now(),
        )

    run_import(prepared, user=exchange_job.user, progress=report, before_commit=finish)
    exchange_job.refresh_from_db()


def problem_of(exc: SharingError) -> dict:
    """A refusal in the shape of the synchronous answer: ``detail``, ``errors``, ``rows``."""
    rows = exc.rows_as_dicts() if hasattr(exc, "rows_as_dicts") else []
    errors = {name: [str(m) for m in messages] for name, messages in (exc.errors or {}).items()}
    problem = {"detail": str(exc.message), "errors": errors or None, "rows": rows}
    if isinstance(exc, ExportTooLarge):
        problem["limit"] = exc.limit
    return problem


def _fail(exchange_job: ExchangeJob, exc: SharingError) -> None:
    exchange_job.status = ExchangeJob.Status.FAILED
    exchange_job.problem = problem_of(exc)
    exchange_job.upload = None
    exchange_job.finished_at = timezone.now()
    exchange_job.save(update_fields=["status", "problem", "upload", "finished_at"])
