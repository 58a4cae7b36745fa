"""The request being served, for the router: a context variable set by the middleware.

Outside a request (management commands, job workers, the shell) there is none, and the router
reads from the primary: a worker acts on rows its job's transaction has just committed.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class RequestState:
    request: Any
    # A request that wrote (anything but the primary-only models) reads the rest from the
    # primary: what it goes on to read includes what it has just written.
    wrote: bool = False
    # The alias chosen for each reader ("user:<pk>" or "" for anonymous), once per request, so
    # one request never mixes a replica's older view with the primary's.
    chosen: dict[str, str] = field(default_factory=dict)

    @property
    def safe(self) -> bool:
        return self.request.method in SAFE_METHODS

    def reader(self) -> tuple[str, Any]:
        """("user:<pk>", pk) for a signed-in user (session, or a token once DRF has put the
        user on the request), ("", None) before that or for anonymous readers."""
        user = getattr(self.request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return f"user:{user.pk}", user.pk
        return "", None


_current: ContextVar[RequestState | None] = ContextVar("replication_request", default=None)


def current() -> RequestState | None:
    return _current.get()


def enter(request) -> Any:
    return _current.set(RequestState(request))


def leave(token) -> None:
    _current.reset(token)
