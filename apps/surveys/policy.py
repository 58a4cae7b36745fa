"""Who may see and do what with a needs survey (需求调研): the written rules, in one place.

    action          who
    --------------  ----------------------------------------------------------------------
    create          curators and admins of a municipal or district school, for that school
    view, results   curators and admins of the owner, and of every school above it (the
                    municipal curators see the districts' surveys); nobody else (404)
    edit, move,     curators and admins of the owner; questions only while a draft (409);
    issue links     links not once closed (409); curators above read, and get 403
    answer          whoever holds an unspent link of an open survey: no account; the link
                    opens that survey's form and nothing else
    gap map         anyone who may open the network dashboard (aggregates, no respondent);
                    turning a gap into a call: the municipal school's curators and admins

Out of sight answers 404; visible but not allowed, 403; a status that does not allow it,
409; input that is wrong, 400 naming the field.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import Actor, actor_for
from apps.accounts.models import Role
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.exceptions import ActionDenied, InvalidTransition

from .models import Survey, SurveyStatus

CURATORS = frozenset({Role.ADMIN, Role.CURATOR})
OWNER_KINDS = frozenset({OrganizationKind.MUNICIPAL, OrganizationKind.DISTRICT})

MOVES: dict[str, frozenset[str]] = {
    SurveyStatus.DRAFT: frozenset({SurveyStatus.OPEN}),
    SurveyStatus.OPEN: frozenset({SurveyStatus.CLOSED}),
    SurveyStatus.CLOSED: frozenset(),
}


def _as_actor(user_or_actor) -> Actor:
    return user_or_actor if isinstance(user_or_actor, Actor) else actor_for(user_or_actor)


def _curator_seats(actor: Actor):
    return [s for s in actor.seats_with(CURATORS) if s.org_kind in OWNER_KINDS]


def visible_q(user_or_actor) -> Q:
    """The surveys a person may see, as one condition on ``Survey``."""
    actor = _as_actor(user_or_actor)
    if actor.is_anonymous:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    for seat in _curator_seats(actor):
        q |= Q(owner__path__startswith=seat.org_path)
    return q


def can_view(user_or_actor, survey: Survey) -> bool:
    actor = _as_actor(user_or_actor)
    return any(survey.owner.path.startswith(s.org_path) for s in _curator_seats(actor))


def owners_for(user_or_actor) -> list[int]:
    """The schools a person may create surveys for."""
    return [s.org_id for s in _curator_seats(_as_actor(user_or_actor))]


def can_create(user_or_actor, owner: Organization) -> bool:
    return owner.kind in OWNER_KINDS and _as_actor(user_or_actor).has_role(owner.pk, CURATORS)


def check_edit(user_or_actor, survey: Survey) -> None:
    """The survey itself (title, intro, dates, links): the owner's curators, until closed."""
    if not _as_actor(user_or_actor).has_role(survey.owner_id, CURATORS):
        raise ActionDenied(_("Only the owner school's curators may change this survey."))
    if survey.status == SurveyStatus.CLOSED:
        raise InvalidTransition(_("A closed survey cannot be changed."))


def check_questions(user_or_actor, survey: Survey) -> None:
    """Its questions: only while a draft (answers must mean what was asked)."""
    check_edit(user_or_actor, survey)
    if survey.status != SurveyStatus.DRAFT:
        raise InvalidTransition(_("Questions can only be changed while the survey is a draft."))


def check_move(user_or_actor, survey: Survey, to: str) -> None:
    if not _as_actor(user_or_actor).has_role(survey.owner_id, CURATORS):
        raise ActionDenied(_("Only the owner school's curators may open or close this survey."))
    if to not in MOVES.get(survey.status, ()):
        raise InvalidTransition(
            _("A survey cannot move from “%(from)s” to “%(to)s”.")
            % {"from": SurveyStatus(survey.status).label, "to": SurveyStatus(to).label}
        )


def check_delete(user_or_actor, survey: Survey) -> None:
    if not _as_actor(user_or_actor).has_role(survey.owner_id, CURATORS):
        raise ActionDenied(_("Only the owner school's curators may delete this survey."))
    if survey.status != SurveyStatus.DRAFT:
        raise InvalidTransition(_("Only a draft survey can be deleted; close it instead."))


def allowed_actions(user_or_actor, survey: Survey) -> list[str]:
    actor = _as_actor(user_or_actor)
    allowed = []
    for name, check in (("edit", check_edit), ("questions", check_questions)):
        try:
            check(actor, survey)
            allowed.append(name)
        except (ActionDenied, InvalidTransition):
            pass
    for to in MOVES.get(survey.status, ()):
        try:
            check_move(actor, survey, to)
            allowed.append(f"move:{to}")
        except (ActionDenied, InvalidTransition):
            pass
    return allowed


def can_see_gap_map(user_or_actor) -> bool:
    """The gap map is an aggregate of the network: any school role in a municipal or district
    school (as the dashboard)."""
    actor = _as_actor(user_or_actor)
    return any(s.org_kind in OWNER_KINDS for s in actor.seats if s.role != Role.SUBMITTER)


def call_organizations(user_or_actor) -> list[int]:
    """The municipal schools where a person may turn a gap into a call for contributions."""
    return [
        s.org_id
        for s in _as_actor(user_or_actor).seats_with(CURATORS)
        if s.org_kind == OrganizationKind.MUNICIPAL
    ]
