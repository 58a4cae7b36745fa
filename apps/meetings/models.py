"""The joint meeting (联席会议): the partner departments with their contact persons and
membership, the meetings with their decisions, and each year's training plan whose items are
approved at a meeting and link to the classes that carried them out.

A department's contact person (联络人) is personal data: kept to curators, like a lecturer's
contact (``apps.meetings.policy.may_read_contact``); its values never reach an audit event.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.classes.models import ClassTheme, TrainingClass
from apps.organizations.models import Organization
from apps.taxonomy.models import ThematicDomain

# The contact person's fields: personal data, never in an audit event's values.
CONTACT_FIELDS = ("contact_name", "contact_title", "contact_phone", "contact_email")


class Partner(models.Model):
    """A partner department (职能部门) as the joint meeting knows it: its contact person and
    whether it is a member of the joint meeting, since when."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="partner",
        limit_choices_to={"kind": "department"},
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_title = models.CharField(_("contact's position"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact's phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact's e-mail"), blank=True)
    member = models.BooleanField(_("member of the joint meeting"), default=False)
    member_since = models.DateField(_("member since"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("partner department")
        verbose_name_plural = _("partner departments")
        ordering = ["organization__path"]

    def __str__(self) -> str:
        return str(self.organization)


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    """One session of the joint meeting (联席会议): who attended, the minutes, the decisions."""

    convened_by = models.ForeignKey(
        Organization,
        verbose_name=_("convened by"),
        on_delete=models.PROTECT,
        related_name="convened_meetings",
    )
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    attendees = models.ManyToManyField(
        Organization,
        verbose_name=_("attending organisations"),
        blank=True,
        related_name="attended_meetings",
    )
    attendee_names = models.TextField(_("people present"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"], name="meeting_held_on_idx")]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """A decision of a meeting (议定事项): what, who owns it, by when, and when it was done."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="meeting_decisions",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "id"]
        indexes = [models.Index(fields=["owner", "done_on"], name="decision_owner_done_idx")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def is_overdue(self) -> bool:
        today = timezone.localdate()
        return self.done_on is None and self.due_on is not None and self.due_on < today


class TrainingPlan(models.Model):
    """A year's training plan (年度培训计划), drawn up by the joint meeting."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title or str(self.year)


class ItemStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class PlanItem(models.Model):
    """A proposed class of the plan: put forward by a department or a school, approved into the
    plan at a meeting (or declined), and linked to the classes that carried it out."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items"
    )
    title = models.CharField(_("title"), max_length=200)
    theme = models.ForeignKey(
        ClassTheme,
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    domains = models.ManyToManyField(
        ThematicDomain, verbose_name=_("thematic domains"), blank=True, related_name="plan_items"
    )
    proposed_by = models.ForeignKey(
        Organization,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="proposed_plan_items",
    )
    target_trainees = models.CharField(_("target trainees"), max_length=200, blank=True)
    trainee_count = models.PositiveIntegerField(
        _("planned number of trainees"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(2000)],
    )
    quarter = models.PositiveSmallIntegerField(
        _("proposed quarter"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.PROPOSED
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("decided at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    classes = models.ManyToManyField(
        TrainingClass, verbose_name=_("classes"), blank=True, related_name="plan_items"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "quarter", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="proposed") | models.Q(meeting__isnull=False),
                name="plan_item_decided_at_a_meeting",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__range=(1, 4)),
                name="plan_item_quarter_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return self.title
