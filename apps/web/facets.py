"""Facet counts of a library list (how many results per domain, kind, district, tier…).

Counting is the expensive part of a list page: one aggregate per facet over everything
the reader may see, which for a municipal or provincial curator is a large share of a
library. The counts are therefore computed once and kept in the cache:

key         library, the reader's seats (two readers with the same seats see the same
            resources, see ``apps.sharing.policy``), the filters and the query; the page
            and the sort order do not change counts.
freshness   every save, delete or relation change of a library's resource raises that
            library's generation number (at once and again when the transaction
            commits), which is part of the key: a change is counted on the next
            request. With the per-process cache (no ``CACHE_URL``) another worker
            process sees it when its copy expires, after ``FACET_CACHE_SECONDS``.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.db.models.signals import m2m_changed, post_delete, post_save

from apps.accounts.actor import Actor

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


def _generation_key(library_key: str) -> str:
    return f"web:facets:generation:{library_key}"


def _cache_key(library, actor: Actor, params) -> str:
    generation = cache.get_or_set(_generation_key(library.key), 0, timeout=None)
    seats = sorted((s.org_id, s.role) for s in actor.seats)
    filters = sorted(
        (name, value)
        for name, values in params.lists()
        if name not in IGNORED_PARAMS
        for value in values
    )
    digest = hashlib.blake2s(repr((seats, filters)).encode(), digest_size=12).hexdigest()
    return f"web:facets:{library.key}:{generation}:{digest}"


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


def facet_counts(library, queryset, actor: Actor, params) -> dict:
    """``{"total": n, "facets": {name: [(code, label or None, n), …]}}`` for this list.

    ``label`` is the stored name for vocabulary facets and ``None`` where the page
    translates a choice (status, scope, lifecycle, tier) itself.
    """
    key = _cache_key(library, actor, params)
    counts = cache.get(key)
    if counts is None:
        counts = _count_rows(library, queryset)
        cache.set(key, counts, timeout=settings.FACET_CACHE_SECONDS)
    return counts


def library_changed(library_key: str) -> None:
    """A resource of the library changed: counts are recomputed from the next request."""
    key = _generation_key(library_key)
    try:
        cache.incr(key)
    except ValueError:  # not in the cache (evicted, or never read): any new value will do
        cache.set(key, 1, timeout=None)


def connect_signals() -> None:
    """Raise a library's generation on every change to its resources or their relations."""
    from apps.sharing.registry import libraries

    for library in libraries():

        def changed(sender, _key=library.key, **kwargs):
            # Now, for the writer's own next request, and again at commit: a reader who
            # counted in between saw the data before the change and cached it under the
            # new generation.
            library_changed(_key)
            transaction.on_commit(lambda: library_changed(_key))

        uid = f"web-facets-{library.key}"
        post_save.connect(changed, sender=library.model, weak=False, dispatch_uid=f"{uid}-s")
        post_delete.connect(changed, sender=library.model, weak=False, dispatch_uid=f"{uid}-d")
        for field in library.model._meta.many_to_many:
            m2m_changed.connect(
                changed,
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=f"{uid}-{field.name}",
            )
