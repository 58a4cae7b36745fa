"""Sign-in lockout: after LOGIN_MAX_FAILURES failures a username is locked for a while.

Counted per username (case-folded), never per client address, so a forged
X-Forwarded-For cannot reset it; a correct password during the lockout is refused too.
"""

from django.conf import settings
from django.core.cache import cache


def _key(username: str) -> str:
    return f"login-failures:{(username or '').strip().casefold()}"


def is_locked(username: str) -> bool:
    return cache.get(_key(username), 0) >= settings.LOGIN_MAX_FAILURES


def record_failure(username: str) -> None:
    key = _key(username)
    if cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def clear(username: str) -> None:
    cache.delete(_key(username))
