"""Application-level recording: snapshots before and after, one event per named action.

``record_action`` observes every named action of the services (``apps.sharing.actions``):
inside the service's transaction it
(1) tells the database triggers to stand aside (PostgreSQL: ``audit.suppress``) and
hands them the request id, user and token for anything recorded later in the same
transaction, (2) locks and snapshots the object, (3) runs the service, (4) snapshots
the object again and writes one ``AuditEvent`` with the changed fields. When the
service raises, its transaction rolls back and nothing is recorded.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection, models, transaction

from apps.sharing.actions import ActionSpec
from apps.sharing.registry import personal_fields as library_personal_fields

from . import context as audit_context
from .models import AuditEvent, Source

# Bookkeeping, derived or secret columns: never part of "what changed".
IGNORED_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "search_title", "search_body", "key_hash", "last_used_at"}
)
REDACTED = "[redacted]"


# ---- snapshots ------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A JSON value that compares equal when the stored value is equal."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return value.pk
    return value


def _row(obj: models.Model, skip: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """Concrete fields of ``obj`` keyed by field name, foreign keys as their ids."""
    return {
        f.name: plain(f.value_from_object(obj))
        for f in obj._meta.concrete_fields
        if f.name not in IGNORED_FIELDS and f.name not in skip and not f.primary_key
    }


def _related_rows(obj: models.Model, name: str) -> Any:
    """A library's EXTRA_CONTENT stored in related rows (a course's group, a lecturer's contact)."""
    try:
        related = getattr(obj, name)
    except ObjectDoesNotExist:
        return None
    if hasattr(related, "all"):  # reverse foreign key: rows in their own order
        back = {f.name for f in related.model._meta.concrete_fields if f.related_model is type(obj)}
        return [_row(row, back) for row in related.all()]
    if isinstance(related, models.Model):
        back = {f.name for f in related._meta.concrete_fields if f.related_model is type(obj)}
        return _row(related, back)
    return plain(related)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """``model_to_dict``-like: fields, many-to-many ids (sorted) and the library's extras."""
    data = _row(obj)
    for field in obj._meta.many_to_many:
        data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    for name in getattr(obj, "EXTRA_CONTENT", ()):
        data[name] = _related_rows(obj, name)
    return data


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def diff(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    personal: frozenset[str] = frozenset(),
) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields that differ (a new or gone object: non-empty)."""
    changes: dict[str, list[Any]] = {}
    for name in {**(before or {}), **(after or {})}:
        old = (before or {}).get(name)
        new = (after or {}).get(name)
        if old == new or (_empty(old) and _empty(new)):
            continue
        if name in personal:
            old = None if _empty(old) else REDACTED
            new = None if _empty(new) else REDACTED
        changes[name] = [old, new]
    return dict(sorted(changes.items()))


def personal_fields(model) -> frozenset[str]:
    """Personal data (a lecturer's contact) is readable by fewer people than a resource's
    history: only *that* it changed is recorded, never the values. Libraries name these
    fields in their registry entry (``Library.personal_fields``)."""
    return library_personal_fields(model)


# ---- writing one event ----------------------------------------------------------------------


def _who(user=None):
    """(user, token, request id) for an event: the explicit user wins over the request's."""
    ctx = audit_context.current()
    if ctx is None:
        return user, None, audit_context.new_request_id()
    acting = user if getattr(user, "is_authenticated", False) else ctx.acting_user
    token = ctx.token if ctx.token is not None and acting is not None else None
    if token is not None and token.user_id != acting.pk:
        token = None
    return acting, token, ctx.request_id


def record(
    action: str,
    *,
    model: type[models.Model],
    object_id,
    object_repr: str = "",
    organization_id: int | None = None,
    changes: dict | None = None,
    user=None,
    who: tuple | None = None,
) -> AuditEvent:
    """Write one application event now (inside the caller's transaction)."""
    acting, token, request_id = who or _who(user)
    if not getattr(acting, "is_authenticated", False):
        acting = None
    return AuditEvent.objects.create(
        action=action,
        source=Source.APP,
        user=acting,
        username=acting.get_username() if acting is not None else "",
        token=token,
        organization_id=organization_id,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=True),
        object_id=object_id,
        object_repr=str(object_repr)[:200],
        changes=changes or {},
        request_id=request_id[:100],
    )


# ---- telling the PostgreSQL triggers what the application records itself ------------------


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def suppress_triggers(user=None, who: tuple | None = None) -> str | None:
    """Inside a transaction: triggers skip rows until ``restore_triggers``; returns the old state.

    Also hands the triggers this request's id, user and token, for rows changed later in
    the same transaction outside any recorded action. ``SET LOCAL`` semantics: it ends
    with the transaction (and is undone by a rolled-back savepoint).
    """
    if not _postgres():
        return None
    acting, token, request_id = who or _who(user)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('audit.suppress', true),"
            " set_config('audit.suppress', 'on', true),"
            " set_config('audit.request_id', %s, true),"
            " set_config('audit.user_id', %s, true),"
            " set_config('audit.token_id', %s, true)",
            [
                request_id,
                str(acting.pk) if getattr(acting, "pk", None) else "",
                str(token.pk) if token is not None else "",
            ],
        )
        previous = cursor.fetchone()[0]
    return previous or "off"


def restore_triggers(previous: str | None) -> None:
    if previous is None or not _postgres():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('audit.suppress', %s, true)", [previous])


def skip_row(obj: models.Model, *, done: bool = False) -> bool:
    """Per-row variant for signal handlers: the triggers skip this one row (``done``: stop).

    Only meaningful inside a transaction (a save in autocommit mode is its own
    transaction, which a separate statement cannot reach): returns whether it applied.
    """
    if not _postgres() or not connection.in_atomic_block or obj.pk is None:
        return False
    key = f"{obj._meta.db_table}:{obj.pk},"
    with connection.cursor() as cursor:
        if done:
            cursor.execute(
                "SELECT set_config('audit.skip',"
                " replace(coalesce(current_setting('audit.skip', true), ''), ',' || %s, ','),"
                " true)",
                [key],
            )
        else:
            cursor.execute(
                "SELECT set_config('audit.skip',"
                " coalesce(nullif(current_setting('audit.skip', true), ''), ',') || %s, true)",
                [key],
            )
    return True


# ---- observing the named actions of the services --------------------------------------------


def _fetch(model, pk, *, lock: bool):
    if model is None or pk is None:
        return None
    try:
        queryset = model._base_manager.filter(pk=pk)
        return (queryset.select_for_update() if lock else queryset).first()
    except (ValueError, TypeError, ValidationError):
        return None


def _snapshot(obj: models.Model | None, spec: ActionSpec) -> dict[str, Any] | None:
    if obj is None:
        return None
    data = snapshot(obj)
    if spec.details is not None:
        data.update(spec.details(obj))
    return data


def record_action(spec: ActionSpec, proceed, args: tuple, kwargs: dict):
    """Record one ``spec.name`` event per successful named action (``apps.sharing.actions``).

    Registered as an observer in ``AuditConfig.ready``. The object is found by the action's
    locator, or is the returned object for actions that create; the acting user is the
    service's ``user=`` argument.
    """
    who = _who(kwargs.get("user"))  # one request id for the event and the triggers
    with transaction.atomic(savepoint=False):
        previous = suppress_triggers(who=who)
        target, pk = (None, None) if spec.creates else spec.locate(*args, **kwargs)
        before_obj = _fetch(target, pk, lock=True)
        before = _snapshot(before_obj, spec)
        result = proceed()
        if spec.creates:
            target, pk = type(result), result.pk
        after_obj = _fetch(target, pk, lock=False)
        after = _snapshot(after_obj, spec)
        subject = after_obj or before_obj
        if subject is not None:
            record(
                spec.name,
                model=type(subject),
                object_id=subject.pk,
                object_repr=str(subject),
                organization_id=getattr(subject, "owner_id", None),
                changes=diff(before, after, personal_fields(type(subject))),
                who=who,
            )
        restore_triggers(previous)
    return result
