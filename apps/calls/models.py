"""Calls for contributions (征集): a school asks its departments and schools below it for
library resources on a topic by a date, and sees who has answered and who has not.

A call names the kinds of resource it wants by their library keys (``cases``, ``courses``,
``faculty``, ``sites``: read from ``apps.sharing.registry``, never imported), and each answer
points at one resource by its library key and id: this feature layer knows no library.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization
from apps.taxonomy.models import ThematicDomain


class CallStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Call(models.Model):
    """A call for contributions (征集) published by the municipal school or a district school."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("publishing school"),
        on_delete=models.PROTECT,
        related_name="calls",
    )
    topic = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    domains = models.ManyToManyField(
        ThematicDomain, verbose_name=_("thematic domains"), blank=True, related_name="+"
    )
    kinds = models.JSONField(_("kinds of resource wanted"), default=list)
    invited = models.ManyToManyField(
        Organization, verbose_name=_("invited organisations"), related_name="invited_calls"
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=8, choices=CallStatus.choices, default=CallStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("call for contributions")
        verbose_name_plural = _("calls for contributions")
        ordering = ["-due_on", "-id"]
        indexes = [models.Index(fields=["organization", "status"], name="call_org_status")]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("web:call-detail", args=[self.pk])

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class CallAnswer(models.Model):
    """One resource given in answer to a call by one invited organisation (its owner)."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="answers"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("answering organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    library = models.CharField(_("library"), max_length=16)
    object_id = models.BigIntegerField(_("resource"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["answered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "library", "object_id"], name="call_answer_once_per_resource"
            )
        ]
        indexes = [models.Index(fields=["call", "organization"], name="call_answer_org")]

    def __str__(self) -> str:
        return self.title or f"{self.library} #{self.object_id}"


class CallReminder(models.Model):
    """A reminder sent to a late invitee: at most one per invitee, call and day."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="reminders"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organization", "day"], name="call_reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.organization_id} {self.day}"
