"""Every API error as ``application/problem+json`` (RFC 9457), in the request's language."""

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.sharing.exceptions import SharingError
from apps.sharing.openapi import PROBLEM_CONTENT_TYPE

TITLES = {
    400: _("Invalid request"),
    401: _("Authentication required"),
    403: _("Permission denied"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict with the current status"),
    412: _("Precondition failed"),
    413: _("Request too large"),
    415: _("Unsupported media type"),
    422: _("Unprocessable request"),
    428: _("Precondition required"),
    429: _("Too many requests"),
}


def problem_body(
    status_code: int, detail, errors: dict | None = None, extra: dict | None = None
) -> dict:
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return body


def problem_response(
    status_code: int,
    detail,
    errors: dict | None = None,
    headers: dict | None = None,
    extra: dict | None = None,
) -> Response:
    body = problem_body(status_code, detail, errors, extra)
    response = Response(body, status=status_code, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def refusal(exc) -> tuple[int, str] | None:
    """Django's own refusals of input it cannot read, as ``(status, detail)``; else None.

    Raised while a body is parsed (a form, a multipart upload, the raw body): wherever they
    surface, the API answers them in problem+json and the pages with the 400 page
    (``apps.api.edge``), never with Django's HTML or a debug page.
    """
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return 413, _(
            "The request body is larger than the %(limit)d bytes a request may send (files apart)."
        ) % {"limit": limit}
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return 400, _("The request sends more than %(limit)d fields.") % {"limit": limit}
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return 400, _("The request sends more than %(limit)d files.") % {"limit": limit}
    if isinstance(exc, SuspiciousOperation | BadRequest | MultiPartParserError):
        return 400, _("The request could not be read.")
    if isinstance(exc, UnreadablePostError):
        return 400, _("The request body could not be read to its end.")
    return None


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's nested error details → ``{"field": ["message", ...]}``."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            field = "non_field_errors" if key == "non_field_errors" else str(key)
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    out[f"{field}.{sub}"] = messages
            elif isinstance(value, list):
                out[field] = [str(v) for v in value if not isinstance(v, dict | list)] or [
                    str(value)
                ]
            else:
                out[field] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {}


def problem_exception_handler(exc, context):
    response = _problem(exc, context)
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if response is not None and renderer is not None and not _renders_problems(renderer):
        # An endpoint whose body is YAML or a file (the schema) still answers problems in JSON.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    return response


def _renders_problems(renderer) -> bool:
    return (
        isinstance(renderer, JSONRenderer | BrowsableAPIRenderer)
        or getattr(renderer, "format", None) == "xlsx"  # renders anything but bytes as JSON
    )


def _problem(exc, context):
    if isinstance(exc, SharingError):
        # A timetable clash (apps.classes.exceptions.ScheduleClash) also says with what.
        clash = getattr(exc, "clash", None)
        extra = {"clash": clash} if clash else None
        return problem_response(exc.status_code, exc.message, exc.errors or None, extra=extra)
    if isinstance(exc, DjangoValidationError):
        errors = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": [str(m) for m in exc.messages]}
        )
        return problem_response(400, TITLES[400], errors)
    if (refused := refusal(exc)) is not None:
        return problem_response(*refused)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    headers = {
        k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        return problem_response(
            status.HTTP_400_BAD_REQUEST, _("Some fields are missing or invalid."), errors, headers
        )
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    if isinstance(detail, dict) and "detail" in detail:
        detail = detail["detail"]
    return problem_response(response.status_code, detail, None, headers)
