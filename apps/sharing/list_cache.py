"""Lists cached per audience: the API's pages and items, the list pages' results and facet
counts.

Two readers with the same seats (organisation and role, ``apps.accounts.actor``) may see
exactly the same resources (``apps.sharing.policy`` decides from the seats alone), so a
list computed for one serves the other. A key holds:

* what kind of list it is and everything of the request that shapes it (path, query,
  language, and for the API the host its links point to);
* the reader's seats, never the user: nothing personal is cached;
* the content versions this reader's list of this library depends on
  (``content_version``), which rise with every change the list could show, so a cached list
  is not served after such a change, while a change elsewhere (another district's draft)
  leaves it hot; ``LIST_CACHE_SECONDS`` only bounds memory;
* today's date (``TIME_ZONE``): a list marks items whose review-by date has passed (待复核)
  and ranks them lower, which changes at midnight without any write;
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
from django.utils import timezone

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


def key(kind: str, actor: Actor, parts: tuple, version: str | None = None, *, library: str) -> str:
    seats = sorted((s.org_id, s.role) for s in actor.seats)
    today = timezone.localdate().isoformat()
    digest = hashlib.blake2s(repr((seats, parts, today)).encode(), digest_size=16).hexdigest()
    version = version or content_version.current(actor, library)
    return f"lists:r{VISIBILITY_RULES}:{kind}:{version}:{digest}"


def get_or_compute(
    kind: str,
    actor: Actor,
    parts: tuple,
    compute: Callable[[], Any],
    *,
    library: str,
    version: str | None = None,
    cacheable: bool = True,
) -> Any:
    """The cached value for this audience and request of ``library``'s list, computed (and
    kept) when missing.

    ``version``: the content version, when the caller reads several entries in one
    request (read it once with ``content_version.current(actor, library)``).
    """
    if not enabled() or actor.is_anonymous or not cacheable:
        return compute()
    cache_key = key(kind, actor, parts, version, library=library)
    value = _cache().get(cache_key)
    if value is None:
        value = compute()
        _cache().set(cache_key, value, timeout=settings.LIST_CACHE_SECONDS)
    return value
