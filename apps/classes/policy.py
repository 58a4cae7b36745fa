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
    comments      on a course: its author and the curators of its owner and of its audience
                  (on a lecturer's page, the comments on the courses the reader may read so);
                  the averages and counts, anyone who may see the course or lecturer

Out of sight answers 404; visible but not allowed, 403; an older ``If-Match``, 412; a status
that does not allow it, 409; input that is wrong, 400 naming the field.

What a class may use (``usable_q``): a resource of the host (any status: a school teaches its
own drafts), or one published to an audience that contains the host (a copy is not required),
or, for a joint class with a school of another city (kind ``external``), a resource that school
has published (at its own scope: it has no audience in this city). A partner school of this
city adds nothing of its own beyond what it published to the host: naming a partner must not
open its unpublished work. A site of another school must also be admitted. A school of another
city does not host classes here.
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
    return (
        host.is_school
        and host.kind != OrganizationKind.EXTERNAL
        and actor.has_role(host.pk, EDITORS)
    )


def hosts_for(user_or_actor) -> list[int]:
    """The schools a person may create classes for."""
    actor = _as_actor(user_or_actor)
    return [
        s.org_id
        for s in actor.seats_with(EDITORS)
        if s.org_kind not in (OrganizationKind.DEPARTMENT, OrganizationKind.EXTERNAL)
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
    """Whether the comments section is shown: a course's comments to its author and the curators
    of its owner and audience; a lecturer's page to anyone signed in with a seat
    (``comments_q`` then keeps only the comments on courses they may read so)."""
    actor = _as_actor(user_or_actor)
    if actor.is_anonymous or not actor.seats:
        return False
    if resource._meta.model_name == "course":
        return (
            resource.author_id == actor.user_id
            or actor.has_role(resource.owner_id, CURATORS)
            or actor.has_role(resource.audience_id, CURATORS)
        )
    return True


def comments_q(user_or_actor, prefix: str = "session__course__") -> Q:
    """The evaluations whose comments a person may read: those on courses they wrote, or that
    their school owns or reviews as curator."""
    actor = _as_actor(user_or_actor)
    if actor.is_anonymous:
        return Q(pk__in=[])
    curated = [s.org_id for s in actor.seats_with(CURATORS)]
    return (
        Q(**{f"{prefix}author_id": actor.user_id})
        | Q(**{f"{prefix}owner_id__in": curated})
        | Q(**{f"{prefix}audience_id__in": curated})
    )


def can_read_stats(user_or_actor) -> bool:
    """The training figures are aggregates the network publishes: anyone with a seat."""
    return bool(_as_actor(user_or_actor).seats)


def usable_q(training_class: TrainingClass, *, orgs: list[Organization] | None = None) -> Q:
    """The library resources ``training_class`` may use (see the module's docstring).

    ``orgs``: the host and the partners, when the caller has them already."""
    orgs = orgs if orgs is not None else [training_class.host, *training_class.partners.all()]
    host = training_class.host
    lineage = Organization.objects.filter(code__in=host.lineage_codes).values("pk")
    usable = Q(owner_id=host.pk) | Q(
        status=Status.PUBLISHED, scope__in=WIDENED, audience_id__in=lineage
    )
    outside = [o.pk for o in orgs if o.kind == OrganizationKind.EXTERNAL and o.pk != host.pk]
    if outside:
        usable |= Q(owner_id__in=outside, status=Status.PUBLISHED)
    return usable
