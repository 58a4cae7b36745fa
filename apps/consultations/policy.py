"""Who may see and do what with a consultation report (咨政报告): the written rules, in one place.

    confidentiality  who may see it (title included)
    ---------------  -----------------------------------------------------------------------
    public (公开)     anyone with a seat in the network: every school and department of the
                     city (not another city's school)
    internal (内部)   members of the owner school (any role); curators and admins of every
                     school above it
    restricted (限阅) the owner school's curators and admins; the municipal school's curators
                     and admins; the person who filed it

    action        who
    ------------  -----------------------------------------------------------------------
    create        admins, curators and teachers of a school of the city (for that school)
    edit          the owner school's curators and admins (any status); the person who filed
                  it, while they still teach or curate there and it is still submitted
    decide        adopt (领导批示 / 部门采纳) or record it as not adopted: curators and admins
                  of the owner school and of the schools above it who may see it;
                  submitted → adopted | not adopted, not adopted → adopted; adopted is final
    download      whoever may see it

Out of sight answers 404; visible but not allowed, 403; an older ``If-Match``, 412; a status
that does not allow it, 409; input that is wrong, 400 naming the field.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import Actor, actor_for
from apps.accounts.models import Role
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.exceptions import ActionDenied, InvalidTransition

from .choices import Confidentiality, ReportStatus
from .models import Report
from .reach import CURATORS, NOT_SCHOOLS, school_curator_seats, visible_q

__all__ = ["visible_q"]

EDITORS = frozenset({Role.ADMIN, Role.CURATOR, Role.TEACHER})

# from → the statuses a decision may move it to
MOVES: dict[str, frozenset[str]] = {
    ReportStatus.SUBMITTED: frozenset({ReportStatus.ADOPTED, ReportStatus.NOT_ADOPTED}),
    ReportStatus.NOT_ADOPTED: frozenset({ReportStatus.ADOPTED}),
    ReportStatus.ADOPTED: frozenset(),
}


def _as_actor(user_or_actor) -> Actor:
    return user_or_actor if isinstance(user_or_actor, Actor) else actor_for(user_or_actor)


def can_view(user_or_actor, obj: Report) -> bool:
    actor = _as_actor(user_or_actor)
    if actor.is_anonymous or not actor.seats:
        return False
    curated = school_curator_seats(actor)
    if obj.confidentiality == Confidentiality.PUBLIC:
        return any(s.org_kind != OrganizationKind.EXTERNAL for s in actor.seats)
    if obj.confidentiality == Confidentiality.INTERNAL:
        return obj.owner_id in actor.org_ids or any(
            obj.owner.path.startswith(s.org_path) for s in curated
        )
    return (
        obj.created_by_id == actor.user_id
        or any(s.org_id == obj.owner_id for s in curated)
        or any(
            s.org_kind == OrganizationKind.MUNICIPAL and obj.owner.path.startswith(s.org_path)
            for s in curated
        )
    )


def can_create(user_or_actor, owner: Organization) -> bool:
    actor = _as_actor(user_or_actor)
    return owner.is_school and owner.kind not in NOT_SCHOOLS and actor.has_role(owner.pk, EDITORS)


def owners_for(user_or_actor) -> list[int]:
    """The schools a person may file reports for."""
    actor = _as_actor(user_or_actor)
    return [s.org_id for s in actor.seats_with(EDITORS) if s.org_kind not in NOT_SCHOOLS]


def check_edit(user_or_actor, obj: Report) -> None:
    actor = _as_actor(user_or_actor)
    if actor.has_role(obj.owner_id, CURATORS):
        return
    filed_it = obj.created_by_id is not None and obj.created_by_id == actor.user_id
    if filed_it and actor.has_role(obj.owner_id, EDITORS):
        if obj.status != ReportStatus.SUBMITTED:
            raise InvalidTransition(
                _("Once decided, a report is changed by the owner school's curators only.")
            )
        return
    raise ActionDenied(
        _("Only the owner school's curators, or who filed the report, may change it.")
    )


def may_decide(user_or_actor, obj: Report) -> bool:
    actor = _as_actor(user_or_actor)
    return any(obj.owner.path.startswith(s.org_path) for s in school_curator_seats(actor))


def check_decide(user_or_actor, obj: Report, to: str) -> None:
    if not may_decide(user_or_actor, obj):
        raise ActionDenied(
            _("Only curators of the owner school, or of a school above it, decide on a report.")
        )
    if to not in MOVES.get(obj.status, ()):
        raise InvalidTransition(
            _("A report cannot move from “%(from)s” to “%(to)s”.")
            % {"from": ReportStatus(obj.status).label, "to": ReportStatus(to).label}
        )


def allowed_actions(user_or_actor, obj: Report) -> list[str]:
    actor = _as_actor(user_or_actor)
    allowed = []
    try:
        check_edit(actor, obj)
        allowed.append("edit")
    except (ActionDenied, InvalidTransition):
        pass
    for to, name in ((ReportStatus.ADOPTED, "adopt"), (ReportStatus.NOT_ADOPTED, "decline")):
        try:
            check_decide(actor, obj, to)
            allowed.append(name)
        except (ActionDenied, InvalidTransition):
            pass
    return allowed
