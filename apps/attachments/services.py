"""Attach, remove and copy files; all checks happen here, for the API and the pages alike."""

import hashlib
import io

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from apps.sharing.actions import action
from apps.sharing.exceptions import InvalidInput, ResourceNotFound
from apps.sharing.policy import policy
from apps.sharing.registry import find_library
from apps.sharing.services import lock_for_write, resource_reused

from .checks import FileRefused, classify, safe_filename
from .models import Attachment, StoredFile


def attachable(model) -> bool:
    """Whether ``model``'s library carries files (``Library.attachments``)."""
    library = find_library(model)
    return library is not None and library.attachments


def max_bytes() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", 50 * 1024 * 1024)


def max_pixels() -> int:
    return getattr(settings, "ATTACHMENT_MAX_PIXELS", 40_000_000)


def _check_pixels(image) -> None:
    """Refuse an image wider × higher than ``ATTACHMENT_MAX_PIXELS``, from its header alone:
    a small file can declare 9000 × 9000 pixels and take hundreds of MB once decoded."""
    width, height = image.size
    limit = max_pixels()
    if width * height > limit:
        raise FileRefused(
            _(
                "The image is %(width)d × %(height)d pixels; images of at most %(mp)g megapixels "
                "are accepted. Scale it down and upload it again."
            )
            % {"width": width, "height": height, "mp": limit / 1_000_000}
        )


def _reencode(data: bytes, kind: str) -> bytes:
    """Images are decoded and written anew: no EXIF/GPS or other metadata, no trailing data.

    The size is checked from the header first (``Image.open`` reads no pixels)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            _check_pixels(image)
            image.load()
            pixels = image.convert("RGB") if kind == "jpeg" else image.copy()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise FileRefused(_("The image could not be read.")) from exc
    pixels.info = {}
    out = io.BytesIO()
    if kind == "jpeg":
        pixels.save(out, format="JPEG", quality=90)
    else:
        pixels.save(out, format="PNG")
    return out.getvalue()


def _read(upload) -> bytes:
    if upload is None:
        raise InvalidInput(errors={"file": [str(_("Choose a file to upload."))]})
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise InvalidInput(
            errors={"file": [str(_("The file is larger than %(mb)d MB.") % {"mb": limit // 2**20})]}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(
            errors={"file": [str(_("The file is larger than %(mb)d MB.") % {"mb": limit // 2**20})]}
        )
    if not data:
        raise InvalidInput(errors={"file": [str(_("The file is empty."))]})
    return data


def files_of(resource) -> dict[str, list[dict[str, str]]]:
    """What attach and detach change beyond the resource's fields: its list of files."""
    rows = Attachment.objects.filter(
        resource_type=ContentType.objects.get_for_model(type(resource)), resource_id=resource.pk
    ).order_by("id")
    return {
        "attachments": [
            {"uid": str(uid), "filename": name} for uid, name in rows.values_list("uid", "filename")
        ]
    }


def resource_of_attachment(*args, uid=None, **kwargs):
    """``attachment_remove(uid=...)`` acts on the resource the attachment belongs to."""
    try:
        row = (
            Attachment.objects.filter(uid=uid)
            .values_list("resource_type_id", "resource_id")
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        row = None
    if row is None:
        return None, None
    return ContentType.objects.get_for_id(row[0]).model_class(), row[1]


def _check_attachable(model) -> None:
    if not attachable(model):
        raise ResourceNotFound()


@transaction.atomic
@action("attach", details=files_of)
def attachment_add(model, *, user, pk, upload, expected_version=None) -> Attachment:
    _check_attachable(model)
    resource = lock_for_write(model, pk, user, expected_version, check=policy.check_edit)
    data = _read(upload)
    filename = safe_filename(getattr(upload, "name", ""))
    try:
        kind, mime = classify(filename, data)
        if kind in ("jpeg", "png"):
            data = _reencode(data, kind)
    except FileRefused as exc:
        raise InvalidInput(errors={"file": [str(exc)]}) from exc
    digest = hashlib.sha256(data).hexdigest()
    stored = StoredFile.objects.filter(sha256=digest).first()
    if stored is None:
        stored = StoredFile(sha256=digest, size=len(data), content_type=mime)
        stored.file.save(digest, ContentFile(data), save=False)
        stored.save()
    attachment = Attachment.objects.create(
        resource_type=ContentType.objects.get_for_model(model),
        resource_id=resource.pk,
        stored=stored,
        filename=filename,
        kind=kind,
        uploaded_by=user,
    )
    model.objects.filter(pk=resource.pk).update(version=F("version") + 1)
    return attachment


def attachments_of(resource):
    return Attachment.objects.filter(
        resource_type=ContentType.objects.get_for_model(type(resource)), resource_id=resource.pk
    ).select_related("stored")


def visible_attachment(uid, user) -> Attachment:
    """The attachment with ``uid`` if the user may see its resource; otherwise 404."""
    attachment = (
        Attachment.objects.select_related("stored", "resource_type").filter(uid=uid).first()
    )
    if attachment is None:
        raise ResourceNotFound()
    model = attachment.resource_type.model_class()
    if not model.objects.restrict(user, "view").filter(pk=attachment.resource_id).exists():
        raise ResourceNotFound()
    return attachment


@transaction.atomic
@action("detach", locate=resource_of_attachment, details=files_of)
def attachment_remove(*, user, uid, expected_version=None) -> None:
    """Remove a file: a change of its resource, so ``expected_version`` is the resource's."""
    attachment = visible_attachment(uid, user)
    model = attachment.resource_type.model_class()
    resource = lock_for_write(
        model, attachment.resource_id, user, expected_version, check=policy.check_edit
    )
    stored = attachment.stored
    attachment.delete()
    model.objects.filter(pk=resource.pk).update(version=F("version") + 1)
    if not stored.attachments.exists():
        name = stored.file.name
        stored.delete()
        transaction.on_commit(lambda: stored.file.storage.delete(name))


@receiver(resource_reused)
def copy_attachments(sender, source, copy, **kwargs):
    """A reuse copy lists the same files; the bytes are shared, not duplicated."""
    if not attachable(sender):
        return
    Attachment.objects.bulk_create(
        Attachment(
            resource_type=a.resource_type,
            resource_id=copy.pk,
            stored_id=a.stored_id,
            filename=a.filename,
            kind=a.kind,
            uploaded_by_id=a.uploaded_by_id,
        )
        for a in attachments_of(source)
    )
