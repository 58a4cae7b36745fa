"""Who may read the audit trail, and the history of one resource as the pages show it.

- A resource's history: the curators and admins of its owner or of its audience
  (``policy.check_manage``), and only while they can see the resource at all.
- The whole log: admins of a municipal school (``is_municipal_admin``), and in the admin
  site also superusers.
- What a change names: another resource (a linked case, the source of a copy) by its title
  only when the reader may see it (``restrict(user, "view")``, like the resource's page);
  otherwise ``HIDDEN_RESOURCE``. The API's history gives ids, never titles.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import actor_for
from apps.accounts.models import Role
from apps.organizations.models import OrganizationKind
from apps.sharing.exceptions import ActionDenied
from apps.sharing.models import SharedResource
from apps.sharing.policy import policy

from .models import AuditEvent

PAGE_HISTORY_LIMIT = 50

# What a change shows for a linked resource the reader may not see (or that is gone): never
# its title, so the history says no more than the resource's own page.
HIDDEN_RESOURCE = _("A resource you may not see")


def is_municipal_admin(user) -> bool:
    return any(
        seat.role == Role.ADMIN and seat.org_kind == OrganizationKind.MUNICIPAL
        for seat in actor_for(user).seats
    )


def may_read_history(user, obj) -> bool:
    try:
        policy.check_manage(actor_for(user), obj)
    except ActionDenied:
        return False
    return True


def history_of(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """Every event about ``obj``, newest first, with what the listing shows in one query."""
    return (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )
        .select_related("user", "token", "organization", "content_type")
        .order_by("-id")
    )


# ---- the page -------------------------------------------------------------------------------


def _shown(value, labels: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        text = ", ".join(_shown(v, labels) for v in value)
    elif isinstance(value, dict):
        text = " ".join(f"{k}={v}" for k, v in value.items() if v not in (None, ""))
    elif isinstance(value, bool):
        text = "✓" if value else "✗"
    else:
        text = str(labels.get(value, value))
    return text if len(text) <= 80 else text[:79] + "…"


def _labels_of(target, ids, user) -> dict:
    """{id: label} for ``ids`` of ``target``. A shared resource (a linked case, the source of
    a copy) is named only when ``user`` may see it, through the one read path
    (``restrict(user, "view")``); any other id of it reads ``HIDDEN_RESOURCE``."""
    if issubclass(target, SharedResource):
        visible = target.objects.restrict(user, "view").filter(pk__in=ids)
        return {**dict.fromkeys(ids, HIDDEN_RESOURCE), **{obj.pk: str(obj) for obj in visible}}
    return {obj.pk: str(obj) for obj in target._base_manager.filter(pk__in=ids)}


def _related_labels(model, events, user) -> dict[str, dict]:
    """Field name → {id: label} for the foreign keys and many-to-many ids in ``events``.

    One query per related model (not per event), so the page costs the same for any
    number of events.
    """
    fields = {
        f.name: f.related_model
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.is_relation and f.related_model is not None
    }
    wanted: dict[type, set] = {}
    for event in events:
        for name, values in event.changes.items():
            target = fields.get(name)
            if target is None:
                continue
            for value in values:
                ids = value if isinstance(value, list) else [value]
                wanted.setdefault(target, set()).update(
                    i for i in ids if isinstance(i, int) and not isinstance(i, bool)
                )
    found = {target: _labels_of(target, ids, user) for target, ids in wanted.items() if ids}
    labels = {name: found.get(target, {}) for name, target in fields.items()}
    for field in model._meta.concrete_fields:
        if field.choices:
            labels[field.name] = dict(field.flatchoices)
    return labels


def _field_names(model) -> dict[str, str]:
    names = {}
    for field in model._meta.get_fields():
        if hasattr(field, "verbose_name"):
            names[field.name] = field.verbose_name
        elif field.related_model is not None:  # a reverse relation (a course's group)
            names[field.name] = field.related_model._meta.verbose_name_plural
    return names


def page_history(user, obj) -> list[dict] | None:
    """The latest events about ``obj`` for the detail page, or None when ``user`` may not read."""
    if not may_read_history(user, obj):
        return None
    events = list(history_of(obj)[:PAGE_HISTORY_LIMIT])
    model = type(obj)
    labels = _related_labels(model, events, user)
    names = _field_names(model)
    return [
        {
            "event": event,
            "changes": [
                {
                    "field": names.get(name, name),
                    "before": _shown(values[0], labels.get(name, {})),
                    "after": _shown(values[1], labels.get(name, {})),
                }
                for name, values in event.changes.items()
            ],
        }
        for event in events
    ]
