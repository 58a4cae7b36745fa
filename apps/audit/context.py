"""Who is acting, in which request: a context variable set by the middleware.

The middleware gives every request an id (the incoming ``X-Request-ID`` when it is sane,
else a new UUID), answers it in the ``X-Request-ID`` response header and keeps the request
in a context variable, so the recorder can read the user (``request.user`` is set by
Django's session authentication or, for API tokens, by DRF) and the API token
(``request.auth``, which DRF sets on the underlying request when
``BearerTokenAuthentication`` accepts one) without being handed them. Outside a request
(management commands, background work) there is no context: the recorder then records no
user and a new request id per action, unless the caller groups its work with
``audit_context(...)``."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_MAX_LENGTH = 100
# Letters, digits and a few separators: what proxies and tracing tools send (UUIDs,
# "abc-123", "trace:span"); anything else is replaced rather than stored as given.
_SANE_REQUEST_ID = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._:/+=-]{{0,{REQUEST_ID_MAX_LENGTH - 1}}}")


@dataclass
class AuditContext:
    request_id: str
    request: Any = None  # the HttpRequest, read lazily: DRF sets its ``user`` after us
    user: Any = None  # an explicit user (commands); otherwise the request's

    @property
    def token(self):
        """The API token that authenticated the request, if any (read lazily, like the user)."""
        from apps.accounts.models import ApiToken

        auth = getattr(self.request, "auth", None)
        return auth if isinstance(auth, ApiToken) else None

    @property
    def acting_user(self):
        if self.user is not None:
            return self.user
        user = getattr(self.request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user
        return None


_current: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


def current() -> AuditContext | None:
    return _current.get()


def new_request_id() -> str:
    return str(uuid.uuid4())


def sane_request_id(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if _SANE_REQUEST_ID.fullmatch(value) else None


@contextmanager
def audit_context(*, request_id: str | None = None, user=None) -> Iterator[AuditContext]:
    """Group the changes of a command or a background job under one request id (and user)."""
    context = AuditContext(request_id=sane_request_id(request_id) or new_request_id(), user=user)
    reset = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(reset)


class AuditContextMiddleware:
    """Request id in and out, and the request kept for the recorder (after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = sane_request_id(request.headers.get(REQUEST_ID_HEADER)) or new_request_id()
        request.request_id = request_id
        reset = _current.set(AuditContext(request_id=request_id, request=request))
        try:
            response = self.get_response(request)
        finally:
            _current.reset(reset)
        response[REQUEST_ID_HEADER] = request_id
        return response
