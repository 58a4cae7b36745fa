"""Cursor pagination: no COUNT(*) over a large table on each list request."""

from rest_framework.pagination import CursorPagination

from apps.search.pagination import SearchRankedCursorMixin


class NewestFirstCursorPagination(SearchRankedCursorMixin, CursorPagination):
    """Newest first; with ``?q=`` (and no ``ordering``) title matches come first."""

    ordering = "-id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class TreeOrderCursorPagination(CursorPagination):
    ordering = "path"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
