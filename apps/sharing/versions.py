"""Published versions and keeping copies in step with their sources (版本与同步).

A resource's published states are kept (``PublishedVersion``): each time it becomes or stays
published with new content, its content fields, its links (sorted ids) and the extras its
library keeps (``SharedResource.extra_snapshot``) are stored under its version number.

A reuse copy remembers the version it came from (``source_version``). When its source is
published at a newer version, the copy is *behind* (``source_update``): its owner reads a
three-way diff per field — the version it came from (*base*), the source's newest version
(*upstream*) and the copy as it is now (*local*) — and takes the fields they choose
(``services.resource_sync``) or declines that version. Fields they do not take keep the
copy's own value, local edits included.

This module reads and compares; the write is the named action ``sync`` in ``services``.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from .choices import Status
from .models import PublishedVersion, SharedResource
from .registry import find_library, linked_models, personal_fields


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        # "2", "2.0" and "2.00" are one value: a form, the database and a factory write
        # them differently, and a copy must not look edited because of a trailing zero.
        return format(value.normalize(), "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def synced_fields(model: type[SharedResource]) -> list[str]:
    """The fields a version keeps and a copy can take: content a reuse copies, in form order."""
    personal = personal_fields(model)  # a lecturer's contact: never in a version
    kept = [
        name
        for name in (*model.CONTENT_FIELDS, *model.CONTENT_M2M, *model.EXTRA_CONTENT)
        if name not in model.NOT_COPIED_ON_REUSE and name not in personal
    ]
    return kept


def content_of(obj: SharedResource) -> dict[str, Any]:
    """The resource's content as a version keeps it (JSON): plain values, sorted link ids."""
    content: dict[str, Any] = {}
    for name in synced_fields(type(obj)):
        if name in obj.CONTENT_M2M:
            content[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
        elif name in obj.EXTRA_CONTENT:
            value = obj.extra_snapshot(name)
            if value is not None:
                content[name] = value
        else:
            field = obj._meta.get_field(name)
            content[name] = _plain(field.value_from_object(obj))
    return content


def keep_published(obj: SharedResource, user) -> PublishedVersion | None:
    """Store ``obj``'s content under its (new) version and mark it the newest published one.

    Called by the services inside their transaction, after the version was raised. A
    publication that changes no content (a wider scope, a publication again after a
    withdrawal, an attachment) keeps nothing: its copies are not behind, and a version
    without a kept row reads as the newest kept one below it (``_version``).
    """
    content = content_of(obj)
    newest = (
        PublishedVersion.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )
        .order_by("-version")
        .values_list("version", "content")
        .first()
    )
    if newest is not None and newest[1] == content:
        if obj.published_version != newest[0]:
            type(obj).objects.filter(pk=obj.pk).update(published_version=newest[0])
            obj.published_version = newest[0]
        return None
    kept = PublishedVersion.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        version=obj.version,
        title=obj.title,
        content=content,
        published_at=timezone.now(),
        published_by=user if getattr(user, "pk", None) else None,
    )
    type(obj).objects.filter(pk=obj.pk).update(published_version=obj.version)
    obj.published_version = obj.version
    return kept


def versions_of(obj: SharedResource) -> models.QuerySet[PublishedVersion]:
    """The published versions of ``obj``, newest first (the caller checked it may be seen)."""
    return PublishedVersion.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("published_by")


def source_update(copy: SharedResource, source_status: str | None, source_published: int | None):
    """``{"from_version", "to_version"}`` when the copy's source has a newer published version
    it has neither taken nor declined; otherwise None. A withdrawn source offers nothing."""
    if copy.source_id is None or source_status != Status.PUBLISHED or source_published is None:
        return None
    base = copy.source_version or 0
    if source_published <= base:
        return None
    if copy.source_declined_version and source_published <= copy.source_declined_version:
        return None
    return {"from_version": base, "to_version": source_published}


def behind_q() -> models.Q:
    """Copies whose source is published at a newer version than the one they came from, and
    which have not declined that version: the one definition of "behind" for a query (the
    network view, notifications, webhooks). ``source_update`` is the same rule for one row."""
    newest = models.F("source__published_version")
    return (
        models.Q(source__status=Status.PUBLISHED)
        & models.Q(source__published_version__gt=Coalesce(models.F("source_version"), 0))
        & (
            models.Q(source_declined_version__isnull=True)
            | models.Q(source_declined_version__lt=newest)
        )
    )


def source_states(model: type[SharedResource], user, copies) -> dict[int, tuple[str, int | None]]:
    """For the copies' sources that ``user`` may see: id → (status, newest published version).

    One query for any number of copies; a source out of the reader's sight is left out,
    so its copies show no notice and no link.
    """
    ids = {c.source_id for c in copies if c.source_id} or {0}
    rows = (
        model.objects.restrict(user, "view")
        .filter(pk__in=ids)
        .values_list("pk", "status", "published_version")
    )
    return {pk: (status, published) for pk, status, published in rows}


@dataclass
class FieldDiff:
    """One field of a three-way diff. The flags compare the full values; ``hide_links`` may
    then leave out of the shown values what the reader may not see, not the flags."""

    field: str
    label: str
    base: Any
    upstream: Any
    local: Any
    changed_locally: bool = False
    changed_upstream: bool = False

    def __post_init__(self) -> None:
        self.changed_locally = self.local != self.base
        self.changed_upstream = self.upstream != self.base

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "label": self.label,
            "base": self.base,
            "upstream": self.upstream,
            "local": self.local,
            "changed_locally": self.changed_locally,
            "changed_upstream": self.changed_upstream,
        }


@dataclass(frozen=True)
class Reference:
    """Where kept content names resources of another library: a link (``key`` None: the
    value is a list of ids) or a kept extra (``key``: the item's field holding the id,
    ``SharedResource.EXTRA_REFERENCES``)."""

    name: str
    model: type[SharedResource]
    key: str | None = None

    def ids(self, value: Any) -> list:
        if not isinstance(value, list):
            return []
        if self.key is None:
            return value
        return [item.get(self.key) for item in value if isinstance(item, dict)]

    def without(self, value: Any, hidden: set) -> Any:
        """``value`` without what names a resource in ``hidden``."""
        if not isinstance(value, list) or not hidden:
            return value
        if self.key is None:
            return [i for i in value if i not in hidden]
        return [
            item for item in value if not (isinstance(item, dict) and item.get(self.key) in hidden)
        ]


def references(model: type[SharedResource]) -> list[Reference]:
    """``model``'s links to other libraries and its kept extras that name their resources."""
    found = [Reference(name, related) for name, related in linked_models(model)]
    for name, (key, label) in model.EXTRA_REFERENCES.items():
        found.append(Reference(name, django_apps.get_model(label), key))
    return found


Hidden = dict[str, tuple[Reference, set]]


def hidden_links(model: type[SharedResource], user, contents: list[dict]) -> Hidden:
    """For each of ``model``'s references to another library (links, and kept extras such
    as a course's teaching group): the ids in ``contents`` (kept or current content) that
    ``user`` may not see. One query per reference, whatever the data."""
    hidden: Hidden = {}
    for ref in references(model):
        ids = {i for content in contents for i in ref.ids(content.get(ref.name))}
        visible = set(
            ref.model.objects.restrict(user, "view")
            .filter(pk__in=ids or {0})
            .values_list("pk", flat=True)
        )
        hidden[ref.name] = (ref, ids - visible)
    return hidden


def without_hidden(content: dict[str, Any], hidden: Hidden) -> dict[str, Any]:
    return {
        name: hidden[name][0].without(value, hidden[name][1]) if name in hidden else value
        for name, value in content.items()
    }


def visible_content(model: type[SharedResource], user, content: dict[str, Any]) -> dict[str, Any]:
    """Kept ``content`` as ``user`` may read it: what names a resource out of their sight
    (a link, a seat of a teaching group) is left out."""
    return without_hidden(content, hidden_links(model, user, [content]))


@dataclass
class SourceDiff:
    copy: SharedResource
    source: SharedResource
    from_version: int
    to_version: int
    fields: list[FieldDiff]
    base_known: bool
    upstream_content: dict[str, Any]

    @property
    def update(self) -> dict | None:
        return source_update(self.copy, self.source.status, self.source.published_version)

    def as_dict(self) -> dict[str, Any]:
        library = find_library(type(self.source))
        return {
            "source": {
                "library": library.key if library else type(self.source)._meta.model_name,
                "id": self.source.pk,
                "title": self.source.title,
                "status": self.source.status,
            },
            "from_version": self.from_version,
            "to_version": self.to_version,
            "source_update": self.update,
            "base_known": self.base_known,
            "fields": [f.as_dict() for f in self.fields],
        }

    def hide_links(self, user) -> SourceDiff:
        """The diff as ``user`` may read it: what names a resource out of their sight (a
        link, a seat of a teaching group) is left out of the shown values (the flags were
        computed on the full values)."""
        hidden = hidden_links(
            type(self.copy), user, [{f.field: v} for f in self.fields for v in _three(f)]
        )
        for f in self.fields:
            if f.field in hidden and hidden[f.field][1]:
                f.base, f.upstream, f.local = (
                    without_hidden({f.field: v}, hidden)[f.field] for v in _three(f)
                )
        return self


def _three(f: FieldDiff) -> tuple[Any, Any, Any]:
    return f.base, f.upstream, f.local


def _version(model: type[SharedResource], pk: int, version: int | None) -> PublishedVersion | None:
    """The content ``pk`` had at ``version``: the newest kept version at or below it.

    A resource's version also rises without its content changing (a file attached, a
    site's lifecycle, a wider scope); a copy made at such a version has the content of
    the newest kept version before it, since every content change while published is kept.
    """
    if version is None:
        return None
    return (
        PublishedVersion.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=pk,
            version__lte=version,
        )
        .order_by("-version")
        .first()
    )


def diff(copy: SharedResource, source: SharedResource) -> SourceDiff:
    """The three-way diff of ``copy`` against ``source``'s newest published version.

    When the version the copy came from was published before versions were kept, the base
    is unknown: it is taken to be the copy's own value (nothing counts as changed locally),
    and ``base_known`` says so.
    """
    model = type(copy)
    from_version = copy.source_version or 0
    to_version = source.published_version or from_version
    base_row = _version(model, source.pk, from_version)
    upstream_row = _version(model, source.pk, to_version)
    local = content_of(copy)
    upstream = upstream_row.content if upstream_row else content_of(source)
    base = base_row.content if base_row else local
    fields = [
        FieldDiff(
            field=name,
            label=str(model._meta.get_field(name).verbose_name)
            if name not in model.EXTRA_CONTENT
            else str(getattr(model, "EXTRA_LABELS", {}).get(name, name)),
            base=base.get(name),
            upstream=upstream.get(name),
            local=local.get(name),
        )
        for name in synced_fields(model)
        if name in local or name in upstream
    ]
    return SourceDiff(
        copy, source, from_version, to_version, fields, base_row is not None, upstream
    )


def apply_fields(copy: SharedResource, content: dict[str, Any], names: list[str]) -> None:
    """Set ``names`` on ``copy`` from a version's ``content`` (plain fields before the save,
    links and extras after: call once before and once after saving, see ``services``)."""
    for name in names:
        if name in copy.CONTENT_M2M or name in copy.EXTRA_CONTENT:
            continue
        field = copy._meta.get_field(name)
        setattr(copy, field.attname, content.get(name))


def apply_related(copy: SharedResource, content: dict[str, Any], names: list[str]) -> None:
    for name in names:
        if name in copy.CONTENT_M2M:
            manager = getattr(copy, name)
            ids = content.get(name) or []
            manager.set(manager.model.objects.filter(pk__in=ids))
        elif name in copy.EXTRA_CONTENT and name in content:
            copy.apply_extra_snapshot(name, content[name])


def copies_behind(source: SharedResource, records) -> list[dict | None]:
    """For each reuse record of ``source`` (in order): its copy's ``source_update``, or None.

    One query, whoever may see the copies: the "where reused" list already names each
    copy and its school, and its owner's curators are the ones who need to know which
    copies are behind (decisions-versions). A deleted copy is not behind.
    """
    ids = {record.copy_id for record in records} or {0}
    copies = {
        copy.pk: copy
        for copy in type(source)
        .objects.filter(pk__in=ids, source_id=source.pk)
        .only("pk", "source_id", "source_version", "source_declined_version")
    }
    return [
        source_update(copies[record.copy_id], source.status, source.published_version)
        if record.copy_id in copies
        else None
        for record in records
    ]
