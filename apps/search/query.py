"""Search a queryset of shared resources: ``search`` filters, ``search_ranked`` also orders.

Both take any queryset of a ``SharedResource`` model and only ever narrow it, so a search
never shows more than the queryset it was given: pass ``Model.objects.restrict(user)``.

Matching (see ``apps.search.tokens`` for what a query means)
    PostgreSQL  ``to_tsvector('simple', search_title || ' ' || search_body) @@ tsquery``,
                the expression of the GIN index ``<model>_search`` (``operations.py``),
                so the planner can answer it from the index.
    others      (SQLite: development, tests) ``LIKE '% token %'`` on the same stored
                columns. The stored tokens and the query's tokens are the same on both,
                so both answer the same rows; SQLite only reads every row to do it.

Ranking
    ``search_rank`` counts the query's tokens (bigrams and words) found in the *title*, so
    any title match ranks before a resource that matches by its content only, and a title
    that matches more of the query before one that matches less; ties go newest first.
    ``search_order`` folds rank and id into one unique, descending-sortable number
    (``rank · 2⁴⁰ + id``) for cursor pagination (``apps.search.pagination``).
"""

from __future__ import annotations

import hashlib
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import (
    BigIntegerField,
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast

from .tokens import QueryRun, normalize, query_runs, query_tokens

ORDER_SHIFT = 2**40  # ids stay below this; ranks are small, so rank · 2⁴⁰ + id fits a bigint


def search_document() -> SearchVector:
    """The indexed expression (keep in step with ``operations.CreateSearchIndex``)."""
    return SearchVector("search_title", "search_body", config="simple")


def _quoted(token: str) -> str:
    # Tokens are letters, digits and CJK only (tokens.py); quoting keeps them single lexemes.
    return "'" + token.replace("'", "''").replace("\\", "\\\\") + "'"


def tsquery_text(runs: list[QueryRun]) -> str:
    """The query in ``to_tsquery`` syntax: ``('村级' & '级工' & …) | ('村级' & …) & '5g'``."""

    def alternative(tokens) -> str:
        return "(" + " & ".join(_quoted(t) for t in tokens) + ")"

    return " & ".join(
        "(" + " | ".join(alternative(a) for a in run.alternatives) + ")" for run in runs
    )


def _has_token(token: str) -> Q:
    padded = f" {token} "
    return Q(search_title__contains=padded) | Q(search_body__contains=padded)


def like_condition(runs: list[QueryRun]) -> Q:
    """The same query as ``tsquery_text`` for databases without full-text search."""
    return reduce(
        and_,
        (reduce(or_, (reduce(and_, map(_has_token, a)) for a in run.alternatives)) for run in runs),
    )


def _marker(runs: list[QueryRun]) -> str:
    digest = hashlib.blake2s(repr(runs).encode(), digest_size=6).hexdigest()
    return f"search_q_{digest}"


def search(queryset: QuerySet, q: str) -> QuerySet:
    """The resources of ``queryset`` that match ``q``; a blank ``q`` changes nothing.

    A query with nothing searchable in it (only punctuation) matches nothing. Searching a
    queryset again for the same query adds no second condition.
    """
    if not normalize(q).strip():
        return queryset
    runs = query_runs(q)
    if not runs:
        return queryset.none()
    marker = _marker(runs)
    if marker in queryset.query.annotations:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(tsquery_text(runs), search_type="raw", config="simple")
        queryset = queryset.alias(search_document=search_document()).filter(search_document=query)
    else:
        queryset = queryset.filter(like_condition(runs))
    return queryset.alias(**{marker: Value(1)})


def rank_expression(q: str):
    """How many of the query's tokens the title holds (an integer expression)."""
    hits = [
        Case(When(search_title__contains=f" {token} ", then=Value(1)), default=Value(0))
        for token in query_tokens(q)
    ]
    if not hits:
        return Value(0, output_field=IntegerField())
    return Cast(reduce(lambda a, b: a + b, hits), IntegerField())


def search_ranked(queryset: QuerySet, q: str) -> QuerySet:
    """``search``, annotated with ``search_rank`` and ``search_order``, best matches first.

    A blank ``q`` returns the queryset unchanged (its own ordering, no annotations).
    """
    if not normalize(q).strip():
        return queryset
    queryset = search(queryset, q).annotate(search_rank=rank_expression(q))
    # Typed as a bigint explicitly: typed as a plain integer, Django would drop a cursor's
    # ``search_order < 1099511627777`` on PostgreSQL as out of range, hence always true.
    order = Cast(F("search_rank"), BigIntegerField()) * Value(ORDER_SHIFT) + F("pk")
    return queryset.annotate(
        search_order=ExpressionWrapper(order, output_field=BigIntegerField())
    ).order_by("-search_rank", "-pk")
