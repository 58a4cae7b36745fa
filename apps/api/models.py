"""What the API itself keeps: the idempotency keys of token POSTs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """One ``Idempotency-Key`` a caller sent, with the response it got (kept ≥ 7 days).

    Written in the same transaction as the change it guards, so a key exists exactly
    when its change happened; a retry with the same key and body replays the response.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True)
    response_etag = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
