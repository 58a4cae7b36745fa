"""Rate limits: per API token, per signed-in person (session), per address (anonymous).

Over a limit the request gets 429 problem+json with Retry-After. The rates are settings
(``API_TOKEN_RATE``, ``API_SESSION_RATE``, ``API_ANON_RATE``).
"""

from rest_framework.throttling import SimpleRateThrottle

from apps.accounts.client import client_address
from apps.accounts.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Counts requests per API token (sessions and anonymous requests: the classes below).

    The counter lives in Django's cache: per process with the default local-memory cache,
    shared across workers when CACHE_URL points at Redis (see README).
    """

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class SessionRateThrottle(SimpleRateThrottle):
    """Counts API requests per person signed in through the session (a browser, or a script
    that signed in with a password), so a session is no way around the token limit. All of
    a person's sessions share one allowance."""

    scope = "session"

    def get_cache_key(self, request, view):
        user = request.user
        if isinstance(request.auth, ApiToken) or not (user and user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class AnonRateThrottle(SimpleRateThrottle):
    """Counts requests without credentials per client address (``apps.accounts.client``:
    X-Forwarded-For only behind a trusted proxy). Most endpoints answer them 401 before any
    throttle; this bounds the ones open to all, such as the schema."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
