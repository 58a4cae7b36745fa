"""Sign-in lockout: after LOGIN_MAX_FAILURES failures a username is locked for a while
from the address that failed (as django-axes's lockout parameters ``username`` +
``ip_address``).

Counted per username (case-folded) and client address (``client.client_address``:
REMOTE_ADDR, X-Forwarded-For only behind a trusted proxy, so a forged header changes
nothing). A correct password from a locked address is refused too; the owner signing in
from another address is not locked by someone guessing elsewhere. A successful sign-in
clears its address's failures; ``unlock`` (the ``unlock_user`` command, the admin's action)
clears every address's at once by moving the username to a new generation of keys.
"""

from django.conf import settings
from django.core.cache import cache


def _name(username: str) -> str:
    return (username or "").strip().casefold()


def _generation_key(name: str) -> str:
    return f"login-unlocks:{name}"


def _key(username: str, address: str) -> str:
    name = _name(username)
    generation = cache.get(_generation_key(name), 0)
    return f"login-failures:{generation}:{address}:{name}"


def is_locked(username: str, address: str) -> bool:
    return cache.get(_key(username, address), 0) >= settings.LOGIN_MAX_FAILURES


def record_failure(username: str, address: str) -> None:
    key = _key(username, address)
    if cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def clear(username: str, address: str) -> None:
    """Forget the failures from ``address`` (after a successful sign-in from it)."""
    cache.delete(_key(username, address))


def unlock(username: str) -> None:
    """Forget the failures from every address: their keys are never read again."""
    key = _generation_key(_name(username))
    if cache.add(key, 1, timeout=None):
        return
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, timeout=None)
