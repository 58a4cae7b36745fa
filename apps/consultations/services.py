"""The rules of consultation reports (咨政报告), held here for every entry point (API, pages,
admin, seed): filing a report with its file, editing it, and deciding on it (adopted, with its
level, or not adopted).

Refusals follow the platform's order: out of sight 404, role 403, ``If-Match`` 412, status 409,
input 400 naming the field. The audit trail records each change by the report's number and the
names of the fields changed, never its title or text (a report's confidentiality can tighten
later, and the whole log is read by people who may not read every report).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.actor import actor_for
from apps.attachments.checks import FileRefused, classify, safe_filename
from apps.attachments.services import max_bytes
from apps.audit.models import Action
from apps.audit.recorder import REDACTED, record
from apps.classes.models import TrainingClass
from apps.classes.services import classes_for
from apps.faculty.models import Lecturer
from apps.organizations.models import Organization
from apps.sharing.exceptions import (
    ActionDenied,
    InvalidInput,
    ResourceNotFound,
)
from apps.sharing.services import VersionMismatch

from . import policy
from .models import AdoptionLevel, Confidentiality, Report, ReportStatus

REPORT_FIELDS = (
    "title",
    "summary",
    "trainee_authors",
    "training_class",
    "seminar",
    "date",
    "confidentiality",
)
# Text that names or tells what a report is about: never written into the audit trail.
TEXT_FIELDS = frozenset(
    {"title", "summary", "trainee_authors", "seminar", "decision_note", "file_name"}
)
# Reports are documents: no images, no spreadsheets.
REPORT_FILE_KINDS = frozenset({"pdf", "docx", "ole"})


def _check_version(obj: Report, expected_version) -> None:
    if expected_version is not None and expected_version != obj.version:
        raise VersionMismatch(
            _("It has changed since you read it (now version %(v)s): reload and try again.")
            % {"v": obj.version}
        )


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return getattr(value, "pk", value)


def _audit(action: str, obj: Report, *, user, changes: dict) -> None:
    record(
        action,
        model=Report,
        object_id=obj.pk,
        object_repr=obj.neutral_label,
        organization_id=obj.owner_id,
        changes={k: REDACTED if k in TEXT_FIELDS else _plain(v) for k, v in changes.items()},
        user=user,
    )


# ---- reading ----------------------------------------------------------------------------------


def reports_for(user):
    """The reports ``user`` may see (the one read path of every entry point)."""
    return Report.objects.restrict(user, "view")


def report_get(user, pk) -> Report:
    try:
        return reports_for(user).select_related("owner", "training_class").get(pk=pk)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise ResourceNotFound() from None


def _lock(user, pk) -> Report:
    obj = report_get(user, pk)  # the reach before anything else: 404
    return Report.objects.select_for_update(of=("self",)).select_related("owner").get(pk=obj.pk)


def lecturers_shown(user, report: Report):
    """The report's lecturer authors that ``user`` may see (a lecturer's profile keeps its own
    reach: a reader of the report is not told of a lecturer they may not see)."""
    return Lecturer.objects.restrict(user, "view").filter(consultation_reports=report)


# ---- input ------------------------------------------------------------------------------------


def read_upload(upload) -> tuple[bytes, str, str]:
    """(bytes, file name, MIME type) of an accepted report file; 400 naming ``file`` else.

    The checks are the attachments' (``apps.attachments.checks``): the kind from the first
    bytes, never from the name; the size limit is ``ATTACHMENT_MAX_BYTES``."""
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise InvalidInput(
            errors={"file": [_("The file is larger than %(mb)d MB.") % {"mb": limit // 2**20}]}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(
            errors={"file": [_("The file is larger than %(mb)d MB.") % {"mb": limit // 2**20}]}
        )
    if not data:
        raise InvalidInput(errors={"file": [_("The file is empty.")]})
    name = safe_filename(getattr(upload, "name", ""))
    try:
        kind, mime = classify(name, data)
    except FileRefused as exc:
        raise InvalidInput(errors={"file": [str(exc)]}) from exc
    if kind not in REPORT_FILE_KINDS:
        raise InvalidInput(errors={"file": [_("A report's file is a PDF or a Word document.")]})
    return data, name, mime


def _set_file(obj: Report, upload) -> None:
    data, name, mime = read_upload(upload)
    old = obj.file.name if obj.file else ""
    obj.file.save(name, ContentFile(data), save=False)
    obj.file_name, obj.file_type, obj.file_size = name, mime, len(data)
    if old:
        storage = obj.file.storage
        transaction.on_commit(lambda: storage.delete(old))


def _ids(values) -> list[int]:
    """Lecturers given as objects or ids, in order, once each."""
    return list(dict.fromkeys(getattr(v, "pk", v) for v in values or []))


def _resolve_class(data: dict) -> dict:
    """``training_class`` given as an id: the class (400 naming it if there is none)."""
    klass = data.get("training_class")
    if klass is None or hasattr(klass, "pk"):
        return data
    found = TrainingClass.objects.filter(pk=klass).first() if str(klass).isdigit() else None
    if found is None:
        raise InvalidInput(errors={"training_class": [_("No such class.")]})
    return {**data, "training_class": found}


def _clean(user, obj: Report, data: dict, *, lecturers_before: set[int]) -> None:
    errors: dict[str, list[str]] = {}
    if not (obj.title or "").strip():
        errors["title"] = [_("This field is required.")]
    if obj.date is None:
        errors["date"] = [_("This field is required.")]
    elif obj.date > timezone.localdate():
        errors["date"] = [_("A report's date cannot be in the future.")]
    if obj.confidentiality not in Confidentiality.values:
        errors["confidentiality"] = [_("Unknown confidentiality.")]
    klass = data.get("training_class")
    if klass is not None and "training_class" in data:
        usable = classes_for(user).filter(pk=klass.pk)
        if not usable.exists() or not (
            klass.host_id == obj.owner_id or klass.partners.filter(pk=obj.owner_id).exists()
        ):
            errors["training_class"] = [
                _("Not a class of the owner school that you may see (hosted or as a partner).")
            ]
    if data.get("lecturers"):
        ids = _ids(data["lecturers"])
        seen = set(
            Lecturer.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True)
        )
        missing = [pk for pk in ids if pk not in seen and pk not in lecturers_before]
        if missing:
            errors["lecturers"] = [
                _("Not lecturers you may see: %(ids)s.")
                % {"ids": ", ".join(str(pk) for pk in missing)}
            ]
    if errors:
        raise InvalidInput(errors=errors)


# ---- changes ----------------------------------------------------------------------------------


def report_create(*, user, owner: Organization, data: dict[str, Any], upload=None) -> Report:
    """A new report, submitted. ``data``: the report's fields, ``lecturers`` and ``domains``."""
    if not policy.can_create(actor_for(user), owner):
        raise ActionDenied(_("Only teachers and curators of a school may file its reports."))
    data = _resolve_class(data)
    obj = Report(owner=owner, created_by=user if user.is_authenticated else None)
    for name in REPORT_FIELDS:
        if name in data:
            setattr(obj, name, data[name])
    _clean(user, obj, data, lecturers_before=set())
    with transaction.atomic():
        if upload is not None:
            _set_file(obj, upload)
        obj.save()
        if data.get("lecturers"):
            obj.lecturers.set(_ids(data["lecturers"]))
        if data.get("domains"):
            obj.domains.set(data["domains"])
        changes = {name: getattr(obj, name) for name in REPORT_FIELDS}
        changes["lecturers"] = sorted(_ids(data.get("lecturers")))
        changes["domains"] = sorted(x.pk for x in data.get("domains") or [])
        if upload is not None:
            changes["file_name"] = obj.file_name
        _audit(Action.CREATE, obj, user=user, changes=changes)
    return obj


def report_update(
    *, user, pk, data: dict[str, Any], upload=None, expected_version: int | None = None
) -> Report:
    with transaction.atomic():
        obj = _lock(user, pk)
        policy.check_edit(user, obj)
        _check_version(obj, expected_version)
        data = _resolve_class(data)
        for name in REPORT_FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        before = set(obj.lecturers.values_list("pk", flat=True))
        _clean(user, obj, data, lecturers_before=before)
        if upload is not None:
            _set_file(obj, upload)
        obj.version += 1
        obj.save()
        changes = {name: getattr(obj, name) for name in REPORT_FIELDS if name in data}
        if "lecturers" in data:
            obj.lecturers.set(_ids(data["lecturers"]))
            changes["lecturers"] = sorted(_ids(data["lecturers"]))
        if "domains" in data:
            obj.domains.set(data["domains"] or [])
            changes["domains"] = sorted(x.pk for x in data["domains"] or [])
        if upload is not None:
            changes["file_name"] = obj.file_name
        _audit(Action.UPDATE, obj, user=user, changes=changes)
    return obj


def report_adopt(
    *,
    user,
    pk,
    level: str,
    note: str = "",
    adopted_on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Report:
    """Adopted (采纳): at a level (领导批示 or 部门采纳), on a day, with a note."""
    with transaction.atomic():
        obj = _lock(user, pk)
        policy.check_decide(user, obj, ReportStatus.ADOPTED)
        _check_version(obj, expected_version)
        errors = {}
        if level not in AdoptionLevel.values:
            errors["level"] = [_("Choose the level: a leader's instruction or a department.")]
        if adopted_on is None:
            errors["adopted_on"] = [_("This field is required.")]
        elif adopted_on > timezone.localdate():
            errors["adopted_on"] = [_("The adoption cannot be in the future.")]
        elif adopted_on < obj.date:
            errors["adopted_on"] = [_("A report cannot be adopted before its date.")]
        if errors:
            raise InvalidInput(errors=errors)
        before = obj.status
        obj.status = ReportStatus.ADOPTED
        obj.adoption_level = level
        obj.adopted_on = adopted_on
        obj.decision_note = note or ""
        obj.decided_by = user if user.is_authenticated else None
        obj.decided_at = timezone.now()
        obj.version += 1
        obj.save()
        _audit(
            Action.UPDATE,
            obj,
            user=user,
            changes={
                "status": [before, obj.status],
                "adoption_level": level,
                "adopted_on": adopted_on,
                "decision_note": note,
            },
        )
    return obj


def report_decline(*, user, pk, note: str = "", expected_version: int | None = None) -> Report:
    """Recorded as not adopted (未采纳), with a note; it may still be adopted later."""
    with transaction.atomic():
        obj = _lock(user, pk)
        policy.check_decide(user, obj, ReportStatus.NOT_ADOPTED)
        _check_version(obj, expected_version)
        obj.status = ReportStatus.NOT_ADOPTED
        obj.decision_note = note or ""
        obj.decided_by = user if user.is_authenticated else None
        obj.decided_at = timezone.now()
        obj.version += 1
        obj.save()
        _audit(
            Action.UPDATE,
            obj,
            user=user,
            changes={"status": [ReportStatus.SUBMITTED, obj.status], "decision_note": note},
        )
    return obj


def report_file(user, pk) -> Report:
    """The report whose file ``user`` may download: 404 if out of sight or without a file."""
    obj = report_get(user, pk)
    if not obj.file:
        raise ResourceNotFound()
    return obj
