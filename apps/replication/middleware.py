"""Read-your-writes: the request in a context variable for the router, and, after an unsafe
request by a signed-in user (or token) has committed, that user's WAL position
(``positions.remember_write``: one ``SELECT pg_current_wal_lsn()`` on the primary)."""

from __future__ import annotations

from django.db import connections

from . import context, positions
from .conf import PRIMARY


class ReadYourWritesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.enter(request)
        try:
            response = self.get_response(request)
            state = context.current()
            _reader, user_pk = state.reader()
            # (Inside an enclosing transaction nothing has committed yet: tests in a
            # transaction, ATOMIC_REQUESTS. Nothing to remember then.)
            if (
                user_pk is not None
                and (not state.safe or state.wrote)
                and not connections[PRIMARY].in_atomic_block
            ):
                positions.remember_write(user_pk)
            return response
        finally:
            context.leave(token)
