"""Facet counts of a library list (how many results per domain, kind, district, tier…).

Counting is the expensive part of a list page: one aggregate per facet over everything
the reader may see, which for a municipal or provincial curator is a large share of a
library. The counts are therefore computed once per audience, filters and query (the
page and the sort order do not change counts) and kept by ``apps.sharing.list_cache``,
whose key also carries the content version: a change is counted on the next request.
"""

from __future__ import annotations

from django.db.models import Count

from apps.accounts.actor import Actor
from apps.sharing import list_cache

FACET_FIELDS = {
    "domain": ("domains__code", "domains__name"),
    "kind": ("kind__code", "kind__name"),
    "category": ("category__code", "category__name"),
}
DISTRICT_FIELDS = {
    "sites": ("district__code", "district__name"),
    "default": ("place__parent__code", "place__parent__name"),
}
IGNORED_PARAMS = frozenset({"page", "sort"})


def _count_rows(library, queryset) -> dict:
    """Total and per-facet counts straight from the database: one aggregate per facet."""
    counts: dict = {"total": queryset.order_by().count(), "facets": {}}
    model_fields = {f.name for f in library.model._meta.get_fields()}
    for name in library.facets:
        if name == "district":
            fields = DISTRICT_FIELDS.get(library.key, DISTRICT_FIELDS["default"])
        else:
            fields = FACET_FIELDS.get(name)
        if fields is not None:
            code_field, label_field = fields
            rows = (
                queryset.order_by()
                .values(code_field, label_field)
                .annotate(n=Count("id", distinct=True))
                .order_by("-n")
            )
            counts["facets"][name] = [
                (r[code_field], r[label_field], r["n"]) for r in rows if r[code_field]
            ]
        elif name in model_fields:
            rows = queryset.order_by().values(name).annotate(n=Count("id")).order_by("-n")
            counts["facets"][name] = [(r[name], None, r["n"]) for r in rows]
    rows = queryset.order_by().values("owner__kind").annotate(n=Count("id")).order_by("-n")
    counts["facets"]["tier"] = [(r["owner__kind"], None, r["n"]) for r in rows]
    return counts


def facet_counts(library, queryset, actor: Actor, params, *, version: str | None = None) -> dict:
    """``{"total": n, "facets": {name: [(code, label or None, n), …]}}`` for this list.

    ``label`` is the stored name for vocabulary facets and ``None`` where the page
    translates a choice (status, scope, lifecycle, tier) itself.
    """
    filters = sorted(
        (name, value)
        for name, values in params.lists()
        if name not in IGNORED_PARAMS
        for value in values
    )
    return list_cache.get_or_compute(
        f"facets:{library.key}",
        actor,
        (filters,),
        lambda: _count_rows(library, queryset),
        version=version,
    )
