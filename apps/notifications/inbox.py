"""A person's notifications as they may read them now: the inbox, the unread count, marking read.

Nobody reads a notification about a resource they may not see *now* (it may have been
withdrawn, its scope narrowed, the reader may have left the school): every read path goes
through :func:`inbox`, which keeps only the rows whose resource passes its library's
``restrict(user)``, all libraries at once, in the same query (an OR of one ``EXISTS`` per
library in the registry), never a check per row.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.accounts.actor import Actor, actor_for
from apps.organizations.models import Organization
from apps.sharing.registry import libraries

from .models import EmailOptOut, Kind, Notification
from .subjects import subjects


def _reader(user) -> Actor:
    """``user``'s actor, with its lineage ids as a subquery unless they are known already.

    The visibility filter reads the ids of the organisations above the reader's schools; the
    actor fetches them with a query of their own the first time. Here they go into the one
    query instead, so the header's bell costs one query on any page.
    """
    actor = actor_for(user)
    if actor.is_anonymous or "lineage_ids" in actor._cache:
        return actor
    lineage = Organization.objects.filter(code__in=actor.lineage_codes).values("pk")
    return Actor(user_id=actor.user_id, seats=actor.seats, _cache={"lineage_ids": lineage})


def visible_q(user) -> Q:
    """Rows whose resource ``user`` may see now: one ``EXISTS`` per library, OR-ed.

    The library is told by the content type's natural key (a join), not by ids looked up
    first: no query for the content types, however cold the cache.
    """
    reader = _reader(user)
    q = Q(pk__in=[])
    for library in libraries():
        meta = library.model._meta
        visible = library.model.objects.restrict(reader, "view").filter(pk=OuterRef("object_id"))
        q |= Q(
            Exists(visible),
            content_type__app_label=meta.app_label,
            content_type__model=meta.model_name,
        )
    for subject in subjects():  # what is not a library resource (a call): its own rule
        meta = subject.model._meta
        visible = subject.model.objects.filter(subject.visible_q(reader), pk=OuterRef("object_id"))
        q |= Q(
            Exists(visible),
            content_type__app_label=meta.app_label,
            content_type__model=meta.model_name,
        )
    return q


def inbox(user) -> QuerySet[Notification]:
    """``user``'s notifications about resources they may see now, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return (
        Notification.objects.filter(recipient_id=user.pk)
        .filter(visible_q(user))
        .select_related("content_type")
        .order_by("-created_at", "-id")
    )


UNREAD_CAP = 1000


def unread_count(user, *, at_most: int = UNREAD_CAP) -> int:
    """How many of ``user``'s readable notifications are unread, counted up to ``at_most``.

    One query that reads at most ``at_most`` ids (no ``COUNT``): its cost is bounded however
    many unread notifications pile up, and a bell shows "99+" anyway.
    """
    if not getattr(user, "is_authenticated", False):
        return 0
    # Most people, most of the time, have nothing unread: the partial index answers that alone,
    # and the visibility check (an EXISTS per library, built per request) is skipped. Exact:
    # no unread row at all means no readable unread row.
    if not Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).exists():
        return 0
    return len(inbox(user).unread().values_list("pk", flat=True)[:at_most])


def mark_read(user, pk) -> Notification | None:
    """Mark one of ``user``'s readable notifications read; None when it is not theirs to read."""
    notification = inbox(user).filter(pk=pk).first()
    if notification is None:
        return None
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(user) -> int:
    """Mark every readable unread notification of ``user`` read; how many were marked."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(
        pk__in=inbox(user).unread().order_by().values("pk"), recipient_id=user.pk
    ).update(read_at=timezone.now())


def email_preferences(user) -> dict[str, bool]:
    """``{kind: True when e-mailed}`` for every kind."""
    off = set(EmailOptOut.objects.filter(user_id=user.pk).values_list("kind", flat=True))
    return {kind: kind not in off for kind in Kind.values}


def set_email_preferences(user, emailed: set[str] | list[str]) -> None:
    """E-mail ``user`` the kinds in ``emailed`` and no others (in-app stays for all)."""
    wanted = {kind for kind in emailed if kind in Kind.values}
    EmailOptOut.objects.filter(user_id=user.pk, kind__in=wanted).delete()
    EmailOptOut.objects.bulk_create(
        [EmailOptOut(user_id=user.pk, kind=kind) for kind in Kind.values if kind not in wanted],
        ignore_conflicts=True,
    )
