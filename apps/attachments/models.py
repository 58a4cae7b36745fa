"""Attachments: a resource's files. Bytes are stored once and shared by reuse copies."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


def blob_path(instance, filename):
    # Generated names only: what the uploader called the file never reaches the disk.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class StoredFile(models.Model):
    """The bytes of one file, addressed by their SHA-256; never served directly."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    file = models.FileField(upload_to=blob_path, max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.sha256[:12]


class Attachment(models.Model):
    """A file attached to a course or case (附件), under the name the uploader gave it."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resource_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    resource_id = models.BigIntegerField()
    resource = GenericForeignKey("resource_type", "resource_id")
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["resource_type", "resource_id"], name="attachment_res_idx")]

    def __str__(self) -> str:
        return self.filename
