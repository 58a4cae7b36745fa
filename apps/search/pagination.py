"""Best matches first in the API's cursor pages when the request searches (``?q=``).

The library lists are cursor-paginated newest first (``-id``). Mixed into that pagination
class, ``SearchRankedCursorMixin`` serves a searching request ordered by ``search_order``
(title matches first, then newest; see ``apps.search.query``) unless the client asked for
an ``ordering`` of its own. ``search_order`` is unique per row, so the cursor stays exact.

Wiring (one line, in ``apps/api/pagination.py``)::

    class NewestFirstCursorPagination(SearchRankedCursorMixin, CursorPagination): ...
"""

from __future__ import annotations

from rest_framework.settings import api_settings

from .query import search_ranked


class SearchRankedCursorMixin:
    search_param = "q"

    def _ranks(self, request) -> bool:
        return bool(
            request.query_params.get(self.search_param, "").strip()
            and not request.query_params.get(api_settings.ORDERING_PARAM)
        )

    def paginate_queryset(self, queryset, request, view=None):
        if self._ranks(request) and _searchable(queryset.model):
            # The filter set has already narrowed the queryset by q; this adds the ranking
            # (and narrows by q itself when the view has no filter set).
            queryset = search_ranked(queryset, request.query_params[self.search_param])
        return super().paginate_queryset(queryset, request, view)

    def get_ordering(self, request, queryset, view):
        if self._ranks(request) and "search_order" in queryset.query.annotations:
            return ("-search_order",)
        return super().get_ordering(request, queryset, view)


def _searchable(model) -> bool:
    """Whether ``model`` has the search columns (a history or the audit log has none: their
    ``?q=`` is no search, and ranking it would fail)."""
    names = {field.name for field in model._meta.get_fields()}
    return {"search_title", "search_body"} <= names
