"""Structured logs: one event per request and per job, and every other log line alike.

Format (``LOG_FORMAT``, ``conf.logging_config``): JSON lines by default when DEBUG is off
(production: one object a line, for a log shipper), a human-readable console when DEBUG is
on (the demo, ``make run``). Either way the fields are the same:

- every line: ``timestamp`` (UTC, ISO 8601), ``level``, ``logger``, ``event``, and the
  ``request_id`` of the request or job it belongs to (the id the audit trail records,
  ``apps.audit.context``; answered in ``X-Request-ID``);
- a request (``operations.requests``, event ``request``): ``method``, ``path`` (the query
  string apart, in ``query``, with sensitive values redacted), ``status``, ``duration_ms``,
  ``view`` (the URL name), ``user`` (id and username), ``seat`` (organisation code and role)
  and ``via`` (``session`` or ``token``: never the token itself);
- a job (``operations.jobs``, events ``job started`` / ``job finished``): ``job`` (its
  import path), ``job_id``, ``attempt``, ``queue``, ``status`` and ``duration_ms``; every
  line a job writes while it runs carries ``job``, ``job_id`` and ``attempt`` too.

Nothing here runs a query: the user and the seat are read only when the request already
loaded them (an anonymous request, or one that never looked at its user, logs none). What
never reaches a line is ``apps.operations.redact``'s business.
"""

from __future__ import annotations

import logging
import sys
import time

import structlog

from apps.audit import context as audit_context

from .redact import redact_event, redact_query, redact_text

request_log = structlog.get_logger("operations.requests")
job_log = structlog.get_logger("operations.jobs")


def add_request_id(logger, method_name, event_dict):
    """The audit's request id, for every line written inside a request or a grouped job."""
    if "request_id" not in event_dict:
        current = audit_context.current()
        if current is not None:
            event_dict["request_id"] = current.request_id
    return event_dict


def from_request_object(logger, method_name, event_dict):
    """Django's own lines (``django.request``: "Not Found: /path") pass the request object
    as an extra: its request id is kept, the object (whose text holds the query string) is
    dropped."""
    request = event_dict.get("request")
    if request is not None and hasattr(request, "META"):
        del event_dict["request"]
        request_id = getattr(request, "request_id", None)
        if request_id and "request_id" not in event_dict:
            event_dict["request_id"] = request_id
    return event_dict


def add_exception_text(logger, method_name, event_dict):
    """A stdlib record's traceback, already rendered and redacted by the filter."""
    record = event_dict.get("_record")
    text = getattr(record, "exc_text", None)
    if text and "exception" not in event_dict:
        event_dict["exception"] = text
    return event_dict


SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    add_request_id,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


class _RedactingFormatter(structlog.stdlib.ProcessorFormatter):
    """The finished line is redacted once more: a traceback rendered only now, or a field
    some library added, cannot carry a secret or contact data out."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))


def _formatter(renderer) -> logging.Formatter:
    return _RedactingFormatter(
        foreign_pre_chain=[
            structlog.stdlib.ExtraAdder(),
            from_request_object,
            *SHARED_PROCESSORS,
            add_exception_text,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            redact_event,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )


def json_formatter() -> logging.Formatter:
    return _formatter(structlog.processors.JSONRenderer(ensure_ascii=False, default=str))


def console_formatter() -> logging.Formatter:
    return _formatter(
        structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    )


def configure_structlog() -> None:
    """structlog hands its events to the standard library's logging (settings.LOGGING)."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


# --- requests -------------------------------------------------------------------------


def _loaded_user(request):
    """The request's user if something already loaded it; never a query."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    from django.utils.functional import empty

    if wrapped is empty:
        return None
    return wrapped if getattr(wrapped, "is_authenticated", False) else None


def _loaded_seat(request, user) -> str | None:
    """ "code:role" of the seat the request acted in, from what is already in memory: the
    seat chosen in the school switcher (pages), else the one seat; several: all of them."""
    actor = getattr(user, "_sharing_actor", None)
    if actor is None or not actor.seats:
        return None
    session = request.__dict__.get("session")
    chosen = None
    if session is not None and getattr(session, "_session_cache", None) is not None:
        chosen = session._session_cache.get("current_org")
    seats = actor.seats
    for seat in seats:
        if seat.org_code == chosen:
            return f"{seat.org_code}:{seat.role}"
    return ",".join(f"{seat.org_code}:{seat.role}" for seat in seats)


# Pages answered anonymously with a one-time secret in the path (a trainee's 评教 code, a
# survey link): the log keeps neither the secret (anyone reading the log could answer in the
# respondent's place) nor who was signed in (it would tie a person to an anonymous answer).
ANONYMOUS_VIEWS = {
    "web:evaluate-code": "/evaluate/[redacted]/",
    "web:survey-answer": "/s/[redacted]/",
}


def request_fields(request, response, duration: float) -> dict:
    match = getattr(request, "resolver_match", None)
    anonymous = ANONYMOUS_VIEWS.get(getattr(match, "view_name", None) or "")
    fields = {
        "method": request.method,
        "path": anonymous or request.path,
        "status": response.status_code,
        "duration_ms": round(duration * 1000, 1),
    }
    # WSGI hands the query string over as bytes read as latin-1: read them as UTF-8.
    query = request.META.get("QUERY_STRING", "")
    if query:
        query = query.encode("latin-1", "replace").decode("utf-8", "replace")
        fields["query"] = redact_query(query)
    if match is not None and match.view_name:
        fields["view"] = match.view_name
    user = None if anonymous else _loaded_user(request)
    if user is not None:
        fields["user"] = {"id": user.pk, "username": user.get_username()}
        seat = _loaded_seat(request, user)
        if seat:
            fields["seat"] = seat
        auth = getattr(request, "auth", None)
        fields["via"] = "token" if auth is not None else "session"
    request_id = getattr(request, "request_id", None)
    if request_id:
        fields["request_id"] = request_id
    return fields


class RequestLogMiddleware:
    """One ``request`` event per request, written after the answer: by then the audit's
    middleware has given the request its id and authentication its user and seat. It sits
    near the top of ``MIDDLEWARE`` so that the timing covers the whole stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        fields = request_fields(request, response, time.perf_counter() - start)
        status = response.status_code
        if status >= 500:
            request_log.error("request", **fields)
        elif status >= 400:
            request_log.warning("request", **fields)
        else:
            request_log.info("request", **fields)
        return response


# --- jobs -----------------------------------------------------------------------------

_job_started: dict[str, float] = {}


def _job_fields(task_result) -> dict:
    kwargs = getattr(task_result, "kwargs", None) or {}
    task = task_result.task
    return {
        "job": task.module_path,
        "job_id": str(task_result.id),
        "attempt": kwargs.get("_attempt", 1),
        "queue": task.queue_name,
    }


def job_started(sender, task_result, **kwargs):
    fields = _job_fields(task_result)
    structlog.contextvars.bind_contextvars(**fields)
    _job_started[fields["job_id"]] = time.perf_counter()
    job_log.info("job started")


def job_finished(sender, task_result, **kwargs):
    job_id = str(task_result.id)
    start = _job_started.pop(job_id, None)
    fields = {"status": str(task_result.status)}
    if start is not None:
        fields["duration_ms"] = round((time.perf_counter() - start) * 1000, 1)
    try:
        if str(task_result.status) == "FAILED":
            job_log.warning("job finished", **fields)
        else:
            job_log.info("job finished", **fields)
    finally:
        structlog.contextvars.unbind_contextvars("job", "job_id", "attempt", "queue")


def connect_job_signals() -> None:
    from django_tasks.signals import task_finished, task_started

    task_started.connect(job_started, dispatch_uid="operations.job_started")
    task_finished.connect(job_finished, dispatch_uid="operations.job_finished")


__all__ = [
    "RequestLogMiddleware",
    "configure_structlog",
    "connect_job_signals",
    "console_formatter",
    "json_formatter",
    "redact_event",
]
