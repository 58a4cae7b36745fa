"""``Idempotency-Key`` for token POSTs, in the spirit of Stripe's.

- A token POST without the header → 400.
- Same key, same request → the first response replayed, nothing new done. "Same" is read
  from the parsed request (method, path, and the body as parsed): JSON whatever its
  whitespace or key order; a file upload by its fields and its files' names and bytes,
  whatever the multipart boundary a client chose for each try.
- Same key, different request → 422.
- Only a change uses up a key: a response of 400 or more is not kept (and anything the
  handler did is rolled back), so a refused request — an import rejected for its rows, a
  409 for the wrong status, a 412 for a stale If-Match — may be fixed and sent again with
  the same key, as the partner guide promises.
- Same key while the first request is still running → 409 (PostgreSQL advisory lock; on
  SQLite writers are serialised anyway, so a second request waits and then replays).
- Keys are kept IDEMPOTENCY_KEY_DAYS (default 7) days, then purged.

Session requests (people at pages) are not affected.
"""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import connection, transaction
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from apps.accounts.models import ApiToken

from .models import IdempotencyKey

HEADER = "Idempotency-Key"


class KeyRequired(exceptions.APIException):
    status_code = 400
    default_detail = _("Send an Idempotency-Key header with every POST made with an API token.")


class KeyInFlight(exceptions.APIException):
    status_code = 409
    default_detail = _("A request with this Idempotency-Key is still being processed; retry later.")


class KeyReused(exceptions.APIException):
    status_code = 422
    default_detail = _("This Idempotency-Key was already used for a different request.")


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0" + request.path.encode() + b"\0")
    if request.content_type.startswith("multipart/form-data"):
        _digest_upload(digest, request)
    else:
        digest.update(_canonical(request.data))
    return digest.hexdigest()


def _canonical(data) -> bytes:
    """A parsed JSON or form body as one byte string: sorted keys, no whitespace."""
    if hasattr(data, "lists"):  # a form (QueryDict): every value of every field, in order
        data = {"form": dict(data.lists())}
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def _legacy_fingerprint(request) -> str | None:
    """The fingerprint of keys stored before the parsed one (method, path, raw body), so that
    a retry spanning the upgrade still replays. Keys live IDEMPOTENCY_KEY_DAYS: remove this
    that many days after the release. Only for bodies already held in memory (not uploads)."""
    if request.content_type.startswith("multipart/form-data"):
        return None
    try:
        body = request._request.body
    except RawPostDataException:  # already parsed by someone: no old key can match anyway
        return None
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0" + request.path.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


def _digest_upload(digest, request) -> None:
    """A file upload by its fields and its files' names and bytes, read in chunks: its body
    may be far larger than a request body may be held in memory (``REQUEST_BODY_MAX_KB``)."""
    for name, values in sorted(request.data.lists()):
        digest.update(name.encode() + b"\0")
        for value in values:
            if hasattr(value, "chunks"):
                digest.update((value.name or "").encode() + b"\0")
                for chunk in value.chunks():
                    digest.update(chunk)
                value.seek(0)
            else:
                digest.update(str(value).encode())
            digest.update(b"\0")


def _try_lock(user_id: int, key: str) -> bool:
    if connection.vendor != "postgresql":
        return True
    lock_id = int.from_bytes(
        hashlib.sha256(f"{user_id}:{key}".encode()).digest()[:8], "big", signed=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_id])
        return cursor.fetchone()[0]


def _replay(record: IdempotencyKey) -> Response:
    headers = {"Idempotent-Replayed": "true"}
    if record.response_etag:
        headers["ETag"] = record.response_etag
    return Response(record.response_body, status=record.response_status, headers=headers)


def purge_expired() -> int:
    days = getattr(settings, "IDEMPOTENCY_KEY_DAYS", 7)
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def idempotent(handler):
    """Wrap a POST handler of a viewset: token requests become idempotent."""

    @wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        if not isinstance(request.auth, ApiToken):
            return handler(self, request, *args, **kwargs)
        key = (request.headers.get(HEADER) or "").strip()
        if not key or len(key) > 255:
            raise KeyRequired()
        legacy = _legacy_fingerprint(request)  # reads the raw body: before it is parsed
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            if not _try_lock(request.user.pk, key):
                raise KeyInFlight()
            existing = IdempotencyKey.objects.filter(user=request.user, key=key).first()
            if existing is not None:
                if existing.fingerprint not in (fingerprint, legacy):
                    raise KeyReused()
                return _replay(existing)
            response = handler(self, request, *args, **kwargs)
            if response.status_code >= 400:
                # Refused (an import rejected for its rows answers rather than raises):
                # nothing it did stays, and the key stays free for the fixed request.
                transaction.set_rollback(True)
            else:
                purge_expired()
                IdempotencyKey.objects.create(
                    user=request.user,
                    key=key,
                    fingerprint=fingerprint,
                    method=request.method,
                    path=request.path[:500],
                    response_status=response.status_code,
                    response_body=json.loads(json.dumps(response.data, cls=JSONEncoder)),
                    response_etag=response.get("ETag", ""),
                )
        return response

    wrapper.idempotent = "applied"  # not a bare ``apps.sharing.api.idempotent`` mark any more
    return wrapper
