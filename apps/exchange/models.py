"""An Excel export or import that runs as a job (``apps.exchange.jobs``), and what it made."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def result_path(instance, filename):
    # A generated name only: the download name is ``filename``, given at download time.
    return f"exchange/{uuid.uuid4().hex}.xlsx"


class ExchangeJob(models.Model):
    """One export or import of one library by one user, run by a worker as that user.

    ``filters`` are the export's query parameters as the user gave them (or the admin's
    selection, ``{"selected": [ids]}``); ``upload`` the workbook to import (cleared once the
    job has run); ``file`` the export's workbook under MEDIA_ROOT, served only to ``user``;
    ``problem`` a failure in the shape of the synchronous answer (``detail``, ``errors``,
    ``rows``); ``result`` an import's counts.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", _("export")
        IMPORT = "import", _("import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_jobs"
    )
    library = models.CharField(_("library"), max_length=32)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported into"),
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(max_length=16, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    upload = models.BinaryField(null=True, editable=False)
    file = models.FileField(upload_to=result_path, max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    result = models.JSONField(null=True, blank=True)
    problem = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Excel job")
        verbose_name_plural = _("Excel jobs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"], name="exchangejob_user_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.library} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def ready(self) -> bool:
        """An export whose file may be downloaded."""
        return self.status == self.Status.SUCCEEDED and bool(self.file)
