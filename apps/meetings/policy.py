"""Who may see and do what in the joint meeting (联席会议): the written rules, in one place.

    what                 who
    -------------------  -------------------------------------------------------------------
    the directory        anyone with a seat in the city's network (schools and departments;
                         not a school of another city): names, levels, membership
    a contact person     curators and admins of a school above the department (the municipal
                         school's for every department; a district's for the district's own
                         departments) and the department's own members. Nobody else: not in
                         the API, the pages, the admin, an export or an audit event's values
    meetings, decisions  members of the convening (municipal) school, curators and admins of
                         the district schools, and members of an organisation that attended
    the plans            anyone with a seat in the city's network
    propose a plan item  a school's curators and admins, a department's submitters and admins,
                         for their own organisation; municipal curators for any organisation
    record               curators and admins of the municipal school: partners, meetings,
                         decisions, plans, approving or declining an item at a meeting, and
                         linking the classes that carried it out

Out of sight answers 404; visible but not allowed, 403; a state that does not allow it, 409;
input that is wrong, 400 naming the field.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import Actor, actor_for
from apps.accounts.models import Role
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.exceptions import ActionDenied

from .models import Meeting

CURATORS = frozenset({Role.ADMIN, Role.CURATOR})
DEPARTMENT_PROPOSERS = frozenset({Role.ADMIN, Role.SUBMITTER})


def _as_actor(user_or_actor) -> Actor:
    return user_or_actor if isinstance(user_or_actor, Actor) else actor_for(user_or_actor)


def in_network(user_or_actor) -> bool:
    """A seat in the city's tree (a school of another city is outside it)."""
    actor = _as_actor(user_or_actor)
    return any(s.org_kind != OrganizationKind.EXTERNAL for s in actor.seats)


def is_recorder(user_or_actor) -> bool:
    """The joint meeting's secretariat: curators and admins of the municipal school."""
    actor = _as_actor(user_or_actor)
    return any(s.org_kind == OrganizationKind.MUNICIPAL for s in actor.seats_with(CURATORS))


def check_record(user_or_actor) -> None:
    if not is_recorder(user_or_actor):
        raise ActionDenied(_("Only the municipal school's curators record the joint meeting."))


# ---- contact persons ---------------------------------------------------------------------------


def _curated_paths(actor: Actor) -> list[str]:
    return [
        s.org_path
        for s in actor.seats_with(CURATORS)
        if s.org_kind in (OrganizationKind.MUNICIPAL, OrganizationKind.DISTRICT)
    ]


def contact_q(user_or_actor, prefix: str = "") -> Q:
    """The departments (``Organization``) whose contact person ``user`` may read."""
    actor = _as_actor(user_or_actor)
    if actor.is_anonymous or not actor.seats:
        return Q(pk__in=[])
    q = Q(**{f"{prefix}pk__in": sorted(actor.org_ids)})
    for path in _curated_paths(actor):
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def may_read_contact(user_or_actor, department: Organization) -> bool:
    actor = _as_actor(user_or_actor)
    if actor.is_anonymous:
        return False
    if department.pk in actor.org_ids:
        return True
    return any(department.path.startswith(path) for path in _curated_paths(actor))


# ---- meetings ----------------------------------------------------------------------------------


def meetings_q(user_or_actor) -> Q:
    """The meetings a person may see, as one condition on ``Meeting``."""
    actor = _as_actor(user_or_actor)
    if actor.is_anonymous or not actor.seats:
        return Q(pk__in=[])
    org_ids = sorted(actor.org_ids)
    q = Q(convened_by_id__in=org_ids)
    if any(s.org_kind == OrganizationKind.DISTRICT for s in actor.seats_with(CURATORS)):
        q |= Q(convened_by__kind=OrganizationKind.MUNICIPAL)
    attended = Meeting.attendees.through.objects.filter(organization_id__in=org_ids).values(
        "meeting_id"
    )
    return q | Q(pk__in=attended)


# ---- the plan ----------------------------------------------------------------------------------


def proposers_for(user_or_actor) -> list[int]:
    """The organisations a person may put plan items forward for (empty: any, see below)."""
    actor = _as_actor(user_or_actor)
    own = []
    for seat in actor.seats:
        if seat.org_kind == OrganizationKind.EXTERNAL:
            continue
        roles = DEPARTMENT_PROPOSERS if seat.org_kind == OrganizationKind.DEPARTMENT else CURATORS
        if seat.role in roles:
            own.append(seat.org_id)
    return own


def check_propose(user_or_actor, proposer: Organization) -> None:
    actor = _as_actor(user_or_actor)
    if proposer.kind == OrganizationKind.EXTERNAL:
        raise ActionDenied(_("A school of another city does not propose items of this plan."))
    if is_recorder(actor) or proposer.pk in proposers_for(actor):
        return
    raise ActionDenied(
        _(
            "Only a school's curators or a department's submitters propose items, "
            "for their own organisation."
        )
    )


def allowed_actions(user_or_actor) -> list[str]:
    actor = _as_actor(user_or_actor)
    actions = []
    if is_recorder(actor):
        actions.append("record")
    if is_recorder(actor) or proposers_for(actor):
        actions.append("propose")
    return actions
