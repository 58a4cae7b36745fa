"""Cursor pagination: no COUNT(*) over a large table on each list request."""

import datetime

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import IntegerField
from django.utils import timezone
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from apps.search.pagination import SearchRankedCursorMixin

from .edge import CONTROL


class CheckedCursorMixin:
    """A cursor whose position is no value of the ordering field is invalid (404), like any
    cursor REST framework cannot decode.

    REST framework puts the position into the query as it comes, so a cursor made by hand
    (base64 of ``p=abc``) meant ``id < 'abc'``: a 500. So did a number beyond the column's
    range (SQLite), a NUL in a title (PostgreSQL) and a moment outside the calendar.
    """

    def paginate_queryset(self, queryset, request, view=None):
        self._cursor_queryset = queryset
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not self._fits(cursor.position):
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def _fits(self, position: str) -> bool:
        if CONTROL.search(position):
            return False
        queryset = self._cursor_queryset
        field = _ordering_field(queryset, self.ordering[0].lstrip("-"))
        if field is None:
            return True
        try:
            value = field.to_python(position)
        except (ValidationError, ValueError, TypeError, OverflowError):
            return False
        if isinstance(field, IntegerField):
            low, high = connections[queryset.db].ops.integer_field_range(field.get_internal_type())
            return (low is None or low <= value) and (high is None or value <= high)
        if isinstance(value, datetime.datetime):
            if timezone.is_naive(value):
                return False
            try:
                value.astimezone(datetime.UTC)
            except OverflowError:
                return False
        return True


def _ordering_field(queryset, name: str):
    """The model field or annotation the cursor's position is a value of (None: unknown)."""
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    meta = queryset.model._meta
    if name == "pk":
        return meta.pk
    try:
        return meta.get_field(name)
    except FieldDoesNotExist:
        return None


class NewestFirstCursorPagination(SearchRankedCursorMixin, CheckedCursorMixin, CursorPagination):
    """Newest first; with ``?q=`` (and no ``ordering``) title matches come first."""

    ordering = "-id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class TreeOrderCursorPagination(CheckedCursorMixin, CursorPagination):
    ordering = "path"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
