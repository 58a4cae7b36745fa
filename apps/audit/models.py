"""One table, append-only: ``AuditEvent``. See the package docstring for the design."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(Exception):
    """Audit events are written once and never changed or removed."""

    def __init__(self, message: str = "Audit events are append-only: no update, no delete."):
        super().__init__(message)


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Edited")
    DELETE = "delete", _("Deleted")
    SUBMIT = "submit", _("Submitted for review")
    PUBLISH = "publish", _("Published")
    REJECT = "reject", _("Rejected")
    WITHDRAW = "withdraw", _("Withdrawn")
    REUSE = "reuse", _("Reused (copy created)")
    SYNC = "sync", _("Synced with its source")
    LIFECYCLE = "lifecycle", _("Lifecycle changed")
    ATTACH = "attach", _("File attached")
    DETACH = "detach", _("File removed")
    MEMBERSHIP_ADD = "membership_add", _("Member added")
    MEMBERSHIP_CHANGE = "membership_change", _("Member's role changed")
    MEMBERSHIP_REMOVE = "membership_remove", _("Member removed")
    TOKEN_CREATE = "token_create", _("API token created")
    TOKEN_REVOKE = "token_revoke", _("API token revoked")
    TOKEN_CHANGE = "token_change", _("API token changed")
    TOKEN_DELETE = "token_delete", _("API token deleted")
    ARCHIVE = "archive", _("Audit months archived")
    RECOMMEND = "recommend", _("Recommended to the city")
    DECLINE_RECOMMENDATION = "decline_recommendation", _("Recommendation declined")
    REREVIEW = "rereview", _("Re-reviewed")


class Source(models.TextChoices):
    APP = "app", _("Application")
    DB = "db", _("Database trigger")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly()

    def delete(self):
        raise AuditLogIsAppendOnly()

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly()

    def update_or_create(self, *args, **kwargs):
        raise AuditLogIsAppendOnly()

    delete.queryset_only = True  # as QuerySet.delete: not offered on the manager


def _no_db_constraint(model, **kwargs):
    """A reference that survives its target: the log outlives users, tokens and resources."""
    return models.ForeignKey(
        model,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        **kwargs,
    )


class AuditEvent(models.Model):
    """One recorded change: who (user, token), for which organisation, when, what, request."""

    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    source = models.CharField(
        _("recorded by"), max_length=8, choices=Source.choices, default=Source.APP
    )
    user = _no_db_constraint(settings.AUTH_USER_MODEL, verbose_name=_("user"))
    username = models.CharField(_("username"), max_length=150, blank=True)
    token = _no_db_constraint("accounts.ApiToken", verbose_name=_("API token"))
    organization = _no_db_constraint("organizations.Organization", verbose_name=_("organisation"))
    content_type = _no_db_constraint(ContentType, verbose_name=_("object type"))
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    request_id = models.CharField(_("request id"), max_length=100, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["organization", "occurred_at"], name="audit_org_idx"),
            models.Index(fields=["occurred_at"], name="audit_when_idx"),
            models.Index(fields=["request_id"], name="audit_request_idx"),
            models.Index(fields=["action", "occurred_at"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AuditLogIsAppendOnly()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly()

    @property
    def object_type(self) -> str:
        ct = self.content_type
        return f"{ct.app_label}.{ct.model}" if ct is not None else ""
