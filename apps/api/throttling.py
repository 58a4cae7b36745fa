"""Per-token rate limits: over the limit a token gets 429 with Retry-After."""

from rest_framework.throttling import SimpleRateThrottle

from apps.accounts.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Counts requests per API token (sessions are people at pages and are not limited here).

    The counter lives in Django's cache: per process with the default local-memory cache,
    shared across workers when CACHE_URL points at Redis (see README).
    """

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
