"""Composition at the top: the viewset each library is served with.

A library's REST part (``Library.viewset``, built on ``apps.sharing.api``) knows its own
model, serializer, filters and actions. Here it is combined with what the API adds around
every library: the history of an item (``apps.audit``), Excel export and import
(``apps.exchange``), files for the libraries that carry them (``apps.attachments``), and
``Idempotency-Key`` replays for every POST handler marked ``@idempotent``, and the ``call`` a
new item may answer (``apps.api.calls``).
"""

from __future__ import annotations

import functools

from .attachments import AttachmentsMixin
from .calls import CallAnswerMixin
from .exchange import ExchangeViewSetMixin
from .history import HistoryViewSetMixin
from .idempotency import idempotent


def _make_marked_handlers_idempotent(viewset: type) -> None:
    for name in dir(viewset):
        handler = getattr(viewset, name, None)
        if callable(handler) and getattr(handler, "idempotent", False) is True:
            setattr(viewset, name, idempotent(handler))


def library_viewset(library) -> type:
    """The served viewset of ``library``: its part with the features mixed in front."""
    part = library.viewset
    features = [CallAnswerMixin, ExchangeViewSetMixin, HistoryViewSetMixin]
    if library.attachments:
        features.insert(0, AttachmentsMixin)
    viewset = type(
        part.__name__,
        (*features, part),
        {"__module__": part.__module__, "__doc__": part.__doc__},
    )
    _keep_documented(viewset, part, "create")
    _make_marked_handlers_idempotent(viewset)
    return viewset


def _keep_documented(viewset: type, part: type, name: str) -> None:
    """A feature that wraps a handler (``create`` with a ``call``) keeps what the library's
    part documents for it (``library_schema``: its responses, problems and headers); the
    schema generator reads them from the handler the viewset resolves to."""
    documented = getattr(getattr(part, name), "kwargs", None)
    handler = getattr(viewset, name)
    if documented is None or handler is getattr(part, name):
        return

    @functools.wraps(handler)
    def served(self, request, *args, **kwargs):
        return handler(self, request, *args, **kwargs)

    served.kwargs = dict(documented)
    setattr(viewset, name, served)
