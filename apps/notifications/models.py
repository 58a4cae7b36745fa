"""Notifications (通知): one row per person per event, read in the app and sent by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What happened. Each kind reaches its own people (``apps.notifications.recipients``)."""

    SUBMITTED = "submitted", _("A submission waits for your review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REUSED = "reused", _("Your resource was reused")
    SOURCE_UPDATED = "source_updated", _("The source of your copy was updated")
    SOURCE_WITHDRAWN = "source_withdrawn", _("The source of your copy was withdrawn")
    SITE_LIFECYCLE = "site_lifecycle", _("A site changed state")
    VISIT_REQUESTED = "visit_requested", _("A class asks to visit your site")
    VISIT_DECIDED = "visit_decided", _("A site answered your visit request")
    RECOMMENDED = "recommended", _("A district recommends a resource to the city")
    RECOMMENDATION_DECLINED = "recommendation_declined", _("The city declined a recommendation")
    REVIEW_DUE = "review_due", _("A resource is due for review soon")
    REVIEW_OVERDUE = "review_overdue", _("A resource is overdue for review")
    CALL_INVITED = "call_invited", _("You are invited to answer a call for contributions")
    CALL_LATE = "call_late", _("A call for contributions is past due and waits for your answer")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One event as one person receives it.

    ``event_key`` names the event (kind, resource, version …); with the recipient it is
    unique, so a fan-out that runs twice notifies once. ``content_type``/``object_id`` is
    the resource the recipient is told about, shown only while they may see it.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    event_key = models.CharField(_("event"), max_length=160)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField(_("resource"))
    title = models.CharField(_("title"), max_length=200)
    actor_name = models.CharField(_("by"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="notification_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.get_kind_display()} · {self.title}"


class EmailOptOut(models.Model):
    """A person who does not want e-mail for one kind of notification (in-app stays)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)

    class Meta:
        verbose_name = _("e-mail opt-out")
        verbose_name_plural = _("e-mail opt-outs")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_once")]

    def __str__(self) -> str:
        return f"{self.user} ✕ {self.kind}"
