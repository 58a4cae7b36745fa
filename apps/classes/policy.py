"""Who may see and do what with a training class: the written rules, in one place.

    action        who
    ------------  ------------------------------------------------------------------------
    view          members of the host school (any role); members of a partner school
                  (another city's school included); curators and admins of every school
                  above the host (the municipal admins among them)
    create, edit  admins, curators and teachers of the host (a class and its timetable);
                  never once the class is archived (409)
    status        curators and admins of the host: planned → running → finished → archived
    decide visit  the site owner's curators and admins (a department's submitters, for a
                  department's site): confirm, or decline with a reason
    see visits    members of the site's owner (the site's calendar), besides the class's
    issue codes   as edit (reading them too, archived or not); a trainee holding a code may
                  answer that class's sessions, nothing else
    comments      the course owner's members and the curators of the course's audience; the
                  averages and counts, anyone who may see the course

Out of sight answers 404; visible but not allowed, 403; an older ``If-Match``, 412; a status
that does not allow it, 409; input that is wrong, 400 naming the field.

What a class may use (``usable``): a resource of the host or of a partner school (any
status), or one published to an audience that contains the host or a partner (a copy is not
required); a site of another school must also be admitted.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import Actor, actor_for
from apps.accounts.models import Role
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.choices import Scope, Status
from apps.sharing.exceptions import ActionDenied, InvalidTransition

from .models import ClassStatus, TrainingClass

CURATORS = frozenset({Role.ADMIN, Role.CURATOR})
EDITORS = frozenset({Role.ADMIN, Role.CURATOR, Role.TEACHER})
SITE_DECIDERS = frozenset({Role.ADMIN, Role.CURATOR, Role.SUBMITTER})
WIDENED = (Scope.DISTRICT, Scope.NETWORK)

# from → the statuses it may move to
MOVES: dict[str, frozenset[str]] = {
    ClassStatus.PLANNED: frozenset({ClassStatus.RUNNING}),
    ClassStatus.RUNNING: frozenset({ClassStatus.FINISHED}),
    ClassStatus.FINISHED: frozenset({ClassStatus.ARCHIVED}),
    ClassStatus.ARCHIVED: frozenset(),
}


def _as_actor(user_or_actor) -> Actor:
    return user_or_actor if isinstance(user_or_actor, Actor) else actor_for(user_or_actor)


def visible_q(user_or_actor) -> Q:
    """The classes a person may see, as one condition on ``TrainingClass``."""
    actor = _as_actor(user_or_actor)
    if actor.is_anonymous or not actor.seats:
        return Q(pk__in=[])
    org_ids = sorted(actor.org_ids)
    partner = TrainingClass.partners.through.objects.filter(
        trainingclass_id=OuterRef("pk"), organization_id__in=org_ids
    )
    q = Q(host_id__in=org_ids) | Q(Exists(partner))
    for seat in actor.seats_with(CURATORS):
        if seat.org_kind != OrganizationKind.DEPARTMENT:
            q |= Q(host__path__startswith=seat.org_path)
    return q


def can_view(user_or_actor, obj: TrainingClass) -> bool:
    actor = _as_actor(user_or_actor)
    if actor.is_anonymous:
        return False
    if obj.host_id in actor.org_ids:
        return True
    if any(
        obj.host.path.startswith(s.org_path)
        for s in actor.seats_with(CURATORS)
        if s.org_kind != OrganizationKind.DEPARTMENT
    ):
        return True
    return obj.partners.filter(pk__in=actor.org_ids).exists()


def can_create(user_or_actor, host: Organization) -> bool:
    actor = _as_actor(user_or_actor)
    return host.is_school and actor.has_role(host.pk, EDITORS)


def hosts_for(user_or_actor) -> list[int]:
    """The schools a person may create classes for."""
    actor = _as_actor(user_or_actor)
    return [
        s.org_id for s in actor.seats_with(EDITORS) if s.org_kind != OrganizationKind.DEPARTMENT
    ]


def check_edit(user_or_actor, obj: TrainingClass) -> None:
    """The class and its timetable: the host's admins, curators and teachers, until archived."""
    actor = _as_actor(user_or_actor)
    if not actor.has_role(obj.host_id, EDITORS):
        raise ActionDenied(_("Only the host school's teachers and curators may change this class."))
    if obj.status == ClassStatus.ARCHIVED:
        raise InvalidTransition(_("An archived class cannot be changed."))


def check_read_codes(user_or_actor, obj: TrainingClass) -> None:
    """A class's evaluation codes: read by who may issue them (the host's editors), archived
    or not."""
    if not _as_actor(user_or_actor).has_role(obj.host_id, EDITORS):
        raise ActionDenied(_("Only the host school's teachers and curators may see the codes."))


def check_move(user_or_actor, obj: TrainingClass, to: str) -> None:
    actor = _as_actor(user_or_actor)
    if not actor.has_role(obj.host_id, CURATORS):
        raise ActionDenied(_("Only the host school's curators may change a class's status."))
    if to not in MOVES.get(obj.status, ()):
        raise InvalidTransition(
            _("A class cannot move from “%(from)s” to “%(to)s”.")
            % {"from": ClassStatus(obj.status).label, "to": ClassStatus(to).label}
        )


def allowed_actions(user_or_actor, obj: TrainingClass) -> list[str]:
    actor = _as_actor(user_or_actor)
    allowed = []
    try:
        check_edit(actor, obj)
        allowed.append("edit")
    except (ActionDenied, InvalidTransition):
        pass
    for to in MOVES.get(obj.status, ()):
        try:
            check_move(actor, obj, to)
            allowed.append(f"move:{to}")
        except (ActionDenied, InvalidTransition):
            pass
    return allowed


def can_decide_visit(user_or_actor, site) -> bool:
    return _as_actor(user_or_actor).has_role(site.owner_id, SITE_DECIDERS)


def can_see_site_calendar(user_or_actor, site) -> bool:
    return site.owner_id in _as_actor(user_or_actor).org_ids


def can_read_comments(user_or_actor, resource) -> bool:
    """A course's comments (or a lecturer's): its owner's members and its audience's curators."""
    actor = _as_actor(user_or_actor)
    return resource.owner_id in actor.org_ids or actor.has_role(resource.audience_id, CURATORS)


def usable_q(training_class: TrainingClass, *, orgs: list[Organization] | None = None) -> Q:
    """The library resources ``training_class`` may use (see the module's docstring)."""
    orgs = orgs if orgs is not None else [training_class.host, *training_class.partners.all()]
    codes = {code for org in orgs for code in org.lineage_codes}
    lineage = Organization.objects.filter(code__in=codes).values("pk")
    return Q(owner_id__in=[o.pk for o in orgs]) | Q(
        status=Status.PUBLISHED, scope__in=WIDENED, audience_id__in=lineage
    )
