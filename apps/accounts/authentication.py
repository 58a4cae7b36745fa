"""``Authorization: Bearer <token>`` for partner systems and scripts."""

import hmac

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import TOKEN_PREFIX, ApiToken, hash_token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        raw = raw.strip()
        parts = raw.split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
            raise exceptions.AuthenticationFailed(_("Malformed API token."))
        token = ApiToken.objects.select_related("user").filter(key_id=parts[1]).first()
        if token is None or not hmac.compare_digest(token.key_hash, hash_token(raw)):
            raise exceptions.AuthenticationFailed(_("Invalid API token."))
        if not token.is_usable:
            raise exceptions.AuthenticationFailed(_("This API token has expired or was revoked."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is disabled."))
        if request.method not in ("GET", "HEAD", "OPTIONS") and token.read_only:
            raise exceptions.PermissionDenied(_("This API token is read-only."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
