"""Seats and tokens: recorded on every save and delete, wherever it comes from.

``member_add`` (pages, commands), the admin's membership inline, the token page, the
admin and ``ApiToken.issue`` all end in ``Model.save()`` / ``delete()``, so signals
catch them all without those callers knowing about the audit trail. (``QuerySet.update()``
sends no signal: on PostgreSQL the membership trigger records it instead.)
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from apps.accounts.models import ApiToken, Membership

from .models import Action
from .recorder import diff, record, skip_row, snapshot

_BEFORE = "_audit_before"
_SKIPPING = "_audit_skipping"


def _membership_repr(membership: Membership) -> str:
    try:
        return (
            f"{membership.user.get_username()} @ {membership.organization.code}: {membership.role}"
        )
    except Exception:  # the user or organisation is already gone (a cascade)
        return f"membership #{membership.pk}: {membership.role}"


def _organization_id(instance) -> int | None:
    return getattr(instance, "organization_id", None)


def _repr(instance) -> str:
    return _membership_repr(instance) if isinstance(instance, Membership) else str(instance)


@receiver(pre_save, sender=Membership)
@receiver(pre_save, sender=ApiToken)
def _remember_before_save(sender, instance, **kwargs):
    before = None
    if not instance._state.adding and instance.pk is not None:
        row = sender._base_manager.filter(pk=instance.pk).first()
        before = snapshot(row) if row is not None else None
    setattr(instance, _BEFORE, before)
    if sender is Membership and before is not None:
        setattr(instance, _SKIPPING, skip_row(instance))


@receiver(post_save, sender=Membership)
@receiver(post_save, sender=ApiToken)
def _record_save(sender, instance, created, **kwargs):
    before = None if created else instance.__dict__.pop(_BEFORE, None)
    changes = diff(before, snapshot(instance))
    if instance.__dict__.pop(_SKIPPING, False):
        skip_row(instance, done=True)
    if sender is Membership:
        if created or before is None:
            action = Action.MEMBERSHIP_ADD
        elif changes:
            action = Action.MEMBERSHIP_CHANGE
        else:
            return
    else:
        if created or before is None:
            action = Action.TOKEN_CREATE
        elif not changes:
            return
        elif "revoked_at" in changes and changes["revoked_at"][0] is None:
            action = Action.TOKEN_REVOKE
        else:
            action = Action.TOKEN_CHANGE
    record(
        action,
        model=sender,
        object_id=instance.pk,
        object_repr=_repr(instance),
        organization_id=_organization_id(instance),
        changes=changes,
    )


@receiver(pre_delete, sender=Membership)
def _skip_before_delete(sender, instance, **kwargs):
    # Deletes always run in a transaction (the deletion collector opens one).
    setattr(instance, _SKIPPING, skip_row(instance))
    setattr(instance, _BEFORE, _repr(instance))


@receiver(post_delete, sender=Membership)
@receiver(post_delete, sender=ApiToken)
def _record_delete(sender, instance, **kwargs):
    if instance.__dict__.pop(_SKIPPING, False):
        skip_row(instance, done=True)
    object_repr = instance.__dict__.pop(_BEFORE, None) or _repr(instance)
    record(
        Action.MEMBERSHIP_REMOVE if sender is Membership else Action.TOKEN_DELETE,
        model=sender,
        object_id=instance.pk,
        object_repr=object_repr,
        organization_id=_organization_id(instance),
        changes=diff(snapshot(instance), None),
    )
