"""Lists cached per audience: the API's pages, the list pages' results and facet counts.

Two readers with the same seats (organisation and role, ``apps.accounts.actor``) may see
exactly the same resources (``apps.sharing.policy`` decides from the seats alone), so a
list computed for one serves the other. A key holds:

* what kind of list it is and everything of the request that shapes it (path, query,
  language, and for the API the host its links point to);
* the reader's seats, never the user: nothing personal is cached;
* the content version (``content_version``), which rises with every change to what a
  list shows, so a cached list is not served after a change; ``LIST_CACHE_SECONDS`` only
  bounds memory;
* the version of the visibility rules (``policy.VISIBILITY_RULES``), so that lists computed
  before a change of the rules (in a shared cache that outlives a deployment) are never read.

Entries live in the ``lists`` cache (settings), apart from lockouts and rate limits. A
request with a query parameter the list does not read is answered without the cache.

``LIST_CACHE_SECONDS = 0`` turns the cache off (the benchmark's cold-path run does).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches

from apps.accounts.actor import Actor

from . import content_version
from .policy import VISIBILITY_RULES


def enabled() -> bool:
    return settings.LIST_CACHE_SECONDS > 0


def _cache():
    return caches["lists"]


def known_parameters(request, known: set[str]) -> bool:
    """Whether every query parameter is one the list reads: requests carrying others are
    answered without the cache, so made-up parameters cannot fill it."""
    return all(name in known for name in request.GET)


def key(kind: str, actor: Actor, parts: tuple, version: str | None = None) -> str:
    seats = sorted((s.org_id, s.role) for s in actor.seats)
    digest = hashlib.blake2s(repr((seats, parts)).encode(), digest_size=16).hexdigest()
    return f"lists:r{VISIBILITY_RULES}:{kind}:{version or content_version.current()}:{digest}"


def get_or_compute(
    kind: str,
    actor: Actor,
    parts: tuple,
    compute: Callable[[], Any],
    *,
    version: str | None = None,
    cacheable: bool = True,
) -> Any:
    """The cached value for this audience and request, computed (and kept) when missing.

    ``version``: the content version, when the caller reads several entries in one
    request (read it once with ``content_version.current()``).
    """
    if not enabled() or actor.is_anonymous or not cacheable:
        return compute()
    cache_key = key(kind, actor, parts, version)
    value = _cache().get(cache_key)
    if value is None:
        value = compute()
        _cache().set(cache_key, value, timeout=settings.LIST_CACHE_SECONDS)
    return value
