"""Consultation reports (咨政报告): what the network's seminars and classes wrote for the city's
leaders and departments, whether it was adopted, and who may read it.

A report belongs to the school whose seminar or class produced it (``owner``). Its authors are
lecturers of the faculty library (``lecturers``) and trainees, who hold no account (their names
as text, ``trainee_authors``). Its confidentiality (``confidentiality``) limits who may see it
at all, title included (``apps.consultations.policy``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization
from apps.taxonomy.models import ThematicDomain

from .choices import AdoptionLevel, Confidentiality, ReportStatus
from .reach import visible_q

__all__ = ["AdoptionLevel", "Confidentiality", "Report", "ReportStatus"]


def report_file_path(instance, filename):
    # A generated name only: what the uploader called the file never reaches the disk.
    return f"consultations/{uuid.uuid4().hex}"


class ReportQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """The reports ``user`` may see (the one read path; ``action`` is always a read here:
        the same signature as the libraries', so the audit and notifications can ask)."""
        return self.filter(visible_q(user))


class Report(models.Model):
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("owner school"),
        on_delete=models.PROTECT,
        related_name="consultation_reports",
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=5000)
    lecturers = models.ManyToManyField(
        "faculty.Lecturer",
        verbose_name=_("lecturer authors"),
        blank=True,
        related_name="consultation_reports",
    )
    trainee_authors = models.CharField(
        _("trainee authors"),
        max_length=500,
        blank=True,
        help_text=_("Names of the trainees who wrote it, separated by commas."),
    )
    training_class = models.ForeignKey(
        "classes.TrainingClass",
        verbose_name=_("class"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_reports",
    )
    seminar = models.CharField(
        _("seminar"),
        max_length=200,
        blank=True,
        help_text=_("The seminar it came from, when it is not a class on the platform."),
    )
    domains = models.ManyToManyField(
        ThematicDomain,
        verbose_name=_("thematic domains"),
        blank=True,
        related_name="consultation_reports",
    )
    date = models.DateField(_("date"))
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=16,
        choices=Confidentiality.choices,
        default=Confidentiality.INTERNAL,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    adoption_level = models.CharField(
        _("adoption level"), max_length=16, choices=AdoptionLevel.choices, blank=True
    )
    decision_note = models.TextField(_("note"), blank=True, max_length=2000)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    file = models.FileField(_("attachment"), upload_to=report_file_path, blank=True, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(_("file type"), max_length=120, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
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

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation report")
        verbose_name_plural = _("consultation reports")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["owner", "date"], name="report_owner_date_idx"),
            models.Index(fields=["date", "status"], name="report_date_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="adopted")
                | (Q(adopted_on__isnull=False) & ~Q(adoption_level="")),
                name="report_adopted_has_level_and_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    @property
    def neutral_label(self) -> str:
        """What the audit trail names it by: never the title (confidentiality can change)."""
        return f"report #{self.pk}"

    @property
    def trainee_names(self) -> list[str]:
        return [n.strip() for n in self.trainee_authors.replace("，", ",").split(",") if n.strip()]
