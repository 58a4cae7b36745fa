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
    Within a rank, what the model demotes (``search_demoted_q()``: a shared resource's
    overdue items, 待复核) comes after the rest: ``search_tier`` is ``rank · 2 + 1`` for
    current rows and ``rank · 2`` for demoted ones.
    ``search_order`` folds tier and id into one unique, descending-sortable number
    (``tier · 2⁴⁰ + id``) for cursor pagination (``apps.search.pagination``).

Bounds
    Every condition is built flat (one ``AND``/``OR``/``+`` over all its terms, never one
    nested level per token), so a long query cannot overflow SQLite's parser stack or
    Python's recursion limit. The search text is bounded (settings ``SEARCH_MAX_CHARS``
    and ``SEARCH_MAX_TOKENS``): the entry points refuse a longer one with
    ``validate_search_text`` (400 on the API, a message beside the search box on the
    pages); called directly, ``search`` reads only that much of it.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import (
    BigIntegerField,
    Case,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from .tokens import QueryRun, normalize, query_runs, runs

ORDER_SHIFT = 2**40  # ids stay below this; ranks are small, so rank · 2⁴⁰ + id fits a bigint


def search_bounds() -> tuple[int, int]:
    """How many characters and how many words (runs, see ``tokens``) a search may have."""
    return settings.SEARCH_MAX_CHARS, settings.SEARCH_MAX_TOKENS


def validate_search_text(value: str) -> None:
    """Refuse a search text over the bounds, naming the bound (a form field validator)."""
    max_chars, max_words = search_bounds()
    text = normalize(value).strip()
    if len(text) > max_chars:
        raise ValidationError(
            _("Search with at most %(limit)d characters (this search has %(count)d)."),
            code="max_length",
            params={"limit": max_chars, "count": len(text)},
        )
    words = len(dict.fromkeys(runs(text)))
    if words > max_words:
        raise ValidationError(
            _("Search with at most %(limit)d words (this search has %(count)d)."),
            code="max_words",
            params={"limit": max_words, "count": words},
        )


def bounded_runs(q: str) -> list[QueryRun]:
    """The runs of ``q`` that count: those of its first ``SEARCH_MAX_CHARS`` characters, at
    most ``SEARCH_MAX_TOKENS`` of them. Within the bounds, all of them."""
    max_chars, max_words = search_bounds()
    return query_runs(q, max_chars=max_chars)[:max_words]


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
    """The same query as ``tsquery_text`` for databases without full-text search.

    Four levels deep whatever the query: AND of runs, OR of alternatives, AND of tokens,
    title OR body.
    """
    return Q(
        *(
            Q(
                *(Q(*map(_has_token, a), _connector=Q.AND) for a in run.alternatives),
                _connector=Q.OR,
            )
            for run in runs
        ),
        _connector=Q.AND,
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
    runs = bounded_runs(q)
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


class FlatSum(Func):
    """``(a + b + c …)`` in one level; ``a + b`` expressions would nest one level per term."""

    arg_joiner = " + "
    template = "(%(expressions)s)"
    output_field = IntegerField()


def rank_expression(q: str):
    """How many of the query's tokens the title holds (an integer expression)."""
    tokens = dict.fromkeys(t for run in bounded_runs(q) for t in run.tokens)
    hits = [
        Case(When(search_title__contains=f" {token} ", then=Value(1)), default=Value(0))
        for token in tokens
    ]
    if not hits:
        return Value(0, output_field=IntegerField())
    return Cast(FlatSum(*hits), IntegerField())


def search_ranked(queryset: QuerySet, q: str) -> QuerySet:
    """``search``, annotated with ``search_rank`` and ``search_order``, best matches first.

    A blank ``q`` returns the queryset unchanged (its own ordering, no annotations).
    """
    if not normalize(q).strip():
        return queryset
    queryset = search(queryset, q).annotate(search_rank=rank_expression(q))
    # Within one rank, what the model demotes (``search_demoted_q``: overdue items, 待复核)
    # comes after the rest: the tier is rank · 2 + 1 for the rest, rank · 2 for the demoted.
    demoted = getattr(queryset.model, "search_demoted_q", None)
    tier = F("search_rank") * Value(2)
    if demoted is not None:
        tier = tier + Case(When(demoted(), then=Value(0)), default=Value(1))
    queryset = queryset.annotate(search_tier=ExpressionWrapper(tier, output_field=IntegerField()))
    # Typed as a bigint explicitly: typed as a plain integer, Django would drop a cursor's
    # ``search_order < 1099511627777`` on PostgreSQL as out of range, hence always true.
    order = Cast(F("search_tier"), BigIntegerField()) * Value(ORDER_SHIFT) + F("pk")
    return queryset.annotate(
        search_order=ExpressionWrapper(order, output_field=BigIntegerField())
    ).order_by("-search_tier", "-pk")
