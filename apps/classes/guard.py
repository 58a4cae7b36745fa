"""Guessing evaluation codes (评教码): after ``EVALUATE_MAX_FAILURES`` unknown codes from one
address, every way in to the trainees' evaluations refuses that address for
``EVALUATE_LOCKOUT_SECONDS`` (the pages with their 429 page, the API with 429 problem+json),
as the sign-in form locks after failures (``apps.accounts.lockout``).

The entry points pass the client's address (``apps.accounts.client.client_address``:
REMOTE_ADDR, X-Forwarded-For only behind a trusted proxy, so a forged header changes nothing);
the count is kept in Django's cache under ``evaluate-failures:<address>``, shared by the pages
and the API, and by every worker when the cache is shared (Redis). A valid code from a locked
address is refused too; another address is not locked by these guesses.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

EVALUATE_MAX_FAILURES = getattr(settings, "EVALUATE_MAX_FAILURES", 20)
EVALUATE_LOCKOUT_SECONDS = getattr(settings, "EVALUATE_LOCKOUT_SECONDS", 900)


def _key(address: str) -> str:
    return f"evaluate-failures:{address}"


def locked(address: str) -> bool:
    """Whether ``address`` guessed too many unknown codes lately."""
    return cache.get(_key(address), 0) >= EVALUATE_MAX_FAILURES


def failed(address: str) -> None:
    """Count one unknown code from ``address``; the count lapses after the lockout time."""
    key = _key(address)
    if cache.add(key, 1, timeout=EVALUATE_LOCKOUT_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=EVALUATE_LOCKOUT_SECONDS)


def lockout_minutes() -> int:
    """How long a lockout lasts, in whole minutes (at least one), for the refusal's message."""
    return max(1, EVALUATE_LOCKOUT_SECONDS // 60)
