"""Who may see and do what with a call for contributions (征集): the written rules, in one place.

    action        who
    ------------  ------------------------------------------------------------------------
    view          members of the publishing school (any role); members of an invited
                  organisation (any role: a department's submitters, a school's teachers);
                  curators and admins of every school above the publisher
    see answers   the publisher's members and the curators above see every invitee's status
                  (answered, late, waiting); an invitee sees its own row; the answering
                  resources themselves only as far as each library lets the reader see them
    publish       curators and admins of the municipal school or of a district school,
                  inviting departments and schools inside its own subtree
    edit, close   curators and admins of the publisher; a closed call is not changed (409)
    answer        members of an invited organisation who may create the resource (the library
                  decides that), with a resource their organisation owns, of a kind the call
                  wants, while the call is open (after the due date too: it is then late)

Out of sight answers 404; visible but not allowed, 403; an older ``If-Match``, 412; a closed
call, 409; input that is wrong, 400 naming the field.
"""

from __future__ import annotations

from django.db.models import Q

from apps.accounts.actor import Actor, actor_for
from apps.accounts.models import Role
from apps.organizations.models import Organization, OrganizationKind

from .models import Call, CallStatus

CURATORS = frozenset({Role.ADMIN, Role.CURATOR})
ANSWERERS = frozenset({Role.ADMIN, Role.CURATOR, Role.TEACHER, Role.SUBMITTER})
PUBLISHER_KINDS = frozenset({OrganizationKind.MUNICIPAL, OrganizationKind.DISTRICT})


def _as_actor(user_or_actor) -> Actor:
    return user_or_actor if isinstance(user_or_actor, Actor) else actor_for(user_or_actor)


def _above_q(actor: Actor) -> Q:
    q = Q(pk__in=[])
    for seat in actor.seats_with(CURATORS):
        if seat.org_kind not in (OrganizationKind.DEPARTMENT, OrganizationKind.EXTERNAL):
            q |= Q(organization__path__startswith=seat.org_path)
    return q


def visible_q(user_or_actor) -> Q:
    """The calls a person may see, as one condition on ``Call``."""
    actor = _as_actor(user_or_actor)
    if actor.is_anonymous or not actor.seats:
        return Q(pk__in=[])
    org_ids = sorted(actor.org_ids)
    invited = Call.invited.through.objects.filter(organization_id__in=org_ids).values("call_id")
    return Q(organization_id__in=org_ids) | Q(pk__in=invited) | _above_q(actor)


def can_view(user_or_actor, call: Call) -> bool:
    actor = _as_actor(user_or_actor)
    if actor.is_anonymous:
        return False
    return Call.objects.filter(pk=call.pk).filter(visible_q(actor)).exists()


def can_publish(user_or_actor, organization: Organization) -> bool:
    actor = _as_actor(user_or_actor)
    return organization.kind in PUBLISHER_KINDS and actor.has_role(organization.pk, CURATORS)


def publishers_for(user_or_actor) -> list[int]:
    """The schools a person may publish calls for."""
    actor = _as_actor(user_or_actor)
    return [s.org_id for s in actor.seats_with(CURATORS) if s.org_kind in PUBLISHER_KINDS]


def can_edit(user_or_actor, call: Call) -> bool:
    return _as_actor(user_or_actor).has_role(call.organization_id, CURATORS)


def invitable_q(organization: Organization) -> Q:
    """The organisations a call of ``organization`` may invite: departments and schools inside
    its subtree, itself excepted."""
    return Q(path__startswith=organization.path) & ~Q(pk=organization.pk)


def answering_orgs(user_or_actor, call: Call, invited_ids: set[int]) -> list[int]:
    """The invited organisations this person may answer for."""
    actor = _as_actor(user_or_actor)
    return [
        s.org_id
        for s in actor.seats_with(ANSWERERS)
        if s.org_id in invited_ids and call.status == CallStatus.OPEN
    ]


def sees_all_invitees(user_or_actor, call: Call) -> bool:
    """The publisher's members and the curators above see every invitee's status; an invitee
    sees its own."""
    actor = _as_actor(user_or_actor)
    if call.organization_id in actor.org_ids:
        return True
    return any(
        call.organization.path.startswith(s.org_path)
        for s in actor.seats_with(CURATORS)
        if s.org_kind not in (OrganizationKind.DEPARTMENT, OrganizationKind.EXTERNAL)
    )


def allowed_actions(user_or_actor, call: Call) -> list[str]:
    actor = _as_actor(user_or_actor)
    if not can_edit(actor, call) or call.status != CallStatus.OPEN:
        return []
    return ["edit", "close"]
