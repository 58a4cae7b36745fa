"""The edge: what every request must satisfy before a view reads it, and one answer when not.

``EdgeMiddleware`` (in ``settings.MIDDLEWARE``, right after the language is chosen) refuses:

- a control character (NUL and the other C0 characters, DEL, C1) in the path or in a query
  parameter's name or value → 400 naming the parameter;
- a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (``REQUEST_BODY_MAX_KB``) unless it is
  a file upload (``multipart/form-data``: Django's parser bounds its fields by the same
  number, its files have their own limits) → 413 naming the limit;
- on the pages, a form field (name or value) with a control character other than tab,
  newline and carriage return (Django drops them from file names itself), and every body
  Django cannot parse (too many fields or files, a broken upload) → 400.

The API's bodies are read by its parsers (``apps.api.parsers``), which apply the same rules
to JSON and form bodies when a view reads them, and bound JSON depth and list lengths.

One answer for all of it (``answer``): ``application/problem+json`` under ``/api/``, the
friendly ``400.html`` page elsewhere, with DEBUG on or off. Django's own refusals raised in
a view (``apps.api.problems.refusal``) come here through ``process_exception`` (the API's
views answer them in their exception handler), and the ones Django raises anywhere else reach
``config.urls.handler400``, which answers the same way.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .problems import TITLES, problem_body, refusal

API_PREFIX = "/api/"
# Nowhere in a path or a query string; in a body only tab, newline and carriage return.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
CONTROL_IN_BODY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def control_message() -> str:
    return _("Control characters (such as NUL) are not allowed.")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def answer(request: HttpRequest, status: int, detail, errors: dict | None = None) -> HttpResponse:
    """A refusal: problem+json on the API, the 400 page (with ``status``) on the pages."""
    if is_api(request):
        return JsonResponse(
            problem_body(status, detail, errors),
            status=status,
            content_type="application/problem+json",
            json_dumps_params={"ensure_ascii": False},
        )
    messages = [str(detail)]
    for field, field_messages in (errors or {}).items():
        messages += [f"{field}: {m}" for m in field_messages]
    page = render_to_string(
        "400.html",
        {"title": TITLES.get(status, TITLES[400]), "messages": messages},
    )
    return HttpResponse(page, status=status)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _query_problems(request: HttpRequest) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, values in request.GET.lists():
        if CONTROL.search(name) or any(CONTROL.search(v) for v in values):
            errors[CONTROL.sub("?", name)] = [control_message()]
    return errors


def _form_problems(request: HttpRequest) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, values in request.POST.lists():
        if CONTROL_IN_BODY.search(name) or any(CONTROL_IN_BODY.search(v) for v in values):
            errors[CONTROL.sub("?", name)] = [control_message()]
    return errors


class EdgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self.check(request)
        if refused is not None:
            return refused
        return self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        if CONTROL.search(request.path_info):
            return answer(request, 400, control_message())
        if errors := _query_problems(request):
            return answer(request, 400, _("Some query parameters are invalid."), errors)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if (
            limit is not None
            and request.content_type != "multipart/form-data"
            and _content_length(request) > limit
        ):
            return answer(request, *refusal(RequestDataTooBig()))
        if is_api(request) or request.method != "POST" or request.content_type not in FORM_TYPES:
            return None
        try:
            errors = _form_problems(request)  # parsed here rather than in the CSRF check
        except Exception as exc:
            if (refused := refusal(exc)) is None:
                raise
            return answer(request, *refused)
        if errors:
            return answer(request, 400, _("Some fields are missing or invalid."), errors)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception):
        refused = refusal(exception)
        return answer(request, *refused) if refused is not None else None


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """``handler400``: what Django refuses outside a view, answered like everything above."""
    refused = refusal(exception) if exception is not None else None
    return answer(request, *(refused or (400, _("The request could not be read."))))


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the API answers problem+json even then; the pages keep Django's page."""
    if is_api(request):
        return answer(request, 500, _("Something went wrong on our side; try again later."))
    from django.views.defaults import server_error as page

    return page(request)
