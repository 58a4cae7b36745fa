"""Who may see a consultation report, as one condition on ``Report`` (the table is in
``policy``): the one read path, used by the model's ``restrict`` and by ``policy``."""

from __future__ import annotations

from django.db.models import Q

from apps.accounts.actor import Actor, actor_for
from apps.accounts.models import Role
from apps.organizations.models import OrganizationKind

from .choices import Confidentiality

CURATORS = frozenset({Role.ADMIN, Role.CURATOR})
NOT_SCHOOLS = (OrganizationKind.DEPARTMENT, OrganizationKind.EXTERNAL)


def _as_actor(user_or_actor) -> Actor:
    return user_or_actor if isinstance(user_or_actor, Actor) else actor_for(user_or_actor)


def school_curator_seats(actor: Actor):
    """The actor's curator and admin seats at schools of the city."""
    return [s for s in actor.seats_with(CURATORS) if s.org_kind not in NOT_SCHOOLS]


def visible_q(user_or_actor, prefix: str = "") -> Q:
    """The reports a person may see, as one condition on ``Report`` (see the table above)."""
    actor = _as_actor(user_or_actor)
    if actor.is_anonymous or not actor.seats:
        return Q(pk__in=[])

    def f(name):
        return f"{prefix}{name}"

    q = Q()
    if any(s.org_kind != OrganizationKind.EXTERNAL for s in actor.seats):
        q |= Q(**{f("confidentiality"): Confidentiality.PUBLIC})
    org_ids = sorted(actor.org_ids)
    q |= Q(**{f("confidentiality"): Confidentiality.INTERNAL, f("owner_id__in"): org_ids})
    curated = school_curator_seats(actor)
    for seat in curated:
        q |= Q(
            **{
                f("confidentiality"): Confidentiality.INTERNAL,
                f("owner__path__startswith"): seat.org_path,
            }
        )
    q |= Q(
        **{
            f("confidentiality"): Confidentiality.RESTRICTED,
            f("owner_id__in"): sorted(s.org_id for s in curated),
        }
    )
    for seat in curated:
        if seat.org_kind == OrganizationKind.MUNICIPAL:
            q |= Q(
                **{
                    f("confidentiality"): Confidentiality.RESTRICTED,
                    f("owner__path__startswith"): seat.org_path,
                }
            )
    q |= Q(**{f("confidentiality"): Confidentiality.RESTRICTED, f("created_by_id"): actor.user_id})
    return q
