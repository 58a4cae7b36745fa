"""Who may do what to a shared resource: the written policy, in one place.

Vocabulary
    owner     the organisation that owns the resource.
    scope     who a published resource is for, named relative to its owner (the ladder):
              private  仅本校  the owner's own members, and nobody else: not the schools
                               below the owner, not the curators above it;
              district 本区    the district school the owner is or belongs to, and every
                               school below that district school;
              network  全市    the municipal school, and every school and department below.
    audience  the organisation a scope names: private → the owner; district → the
              district school; network → the municipal school. For district and network
              the resource is open to the audience's whole subtree; for private only to
              the owner's members. The audience's curators review submissions.
    curators  members with role ``curator`` or ``admin`` (an admin is a curator
              who also manages members).

The table (tests/sharing/test_permission_matrix.py checks every cell against it)

    action    who                                                    from status
    --------  -----------------------------------------------------  ---------------------------
    view      any member of the owner;                               any
              anyone whose organisation is inside the audience;      published at district/network
              curators of a school above the owner;                  published at district/network
              curators of the audience                               pending
    create    admin, curator, teacher (schools) or submitter (depts)  → draft
              of the owner
    edit      the author (still holding a creating role in the       draft, rejected, withdrawn
              owner) or the owner's curators                           → draft
              … of a department-owned submission                     pending (stays pending),
                                                                     rejected → pending again
              curators of the audience                               published (stays published)
    delete    as edit of a draft, and never published               draft
    submit    as edit of a draft                                     draft, rejected → pending
    publish   curators of the audience of the requested scope        draft, pending, published
    reject    curators of the audience (a reason is required)        pending → rejected
    withdraw  curators of the owner or of the audience;              pending, published → withdrawn
              a department's author, for its own submission
    reuse     admin, curator or teacher of the receiving school,     published
              who can see the resource
    recommend curators of a district school above the owner (not     published at district,
              the district itself), with a note (向上推荐)            not yet recommended
                                                                     (stays published; now
                                                                     waits in the city's queue)
    decline   curators of the owner's network audience (the          published at district and
    (a recom- municipal school), with a reason                       recommended (stays
    mendation)                                                       published; the mark is
                                                                     cleared, the district told)
    manage    curators of the owner or of the audience               any (a site's lifecycle)
              … of a department-owned site: the audience's curators  pending (assessed in review),
              (the municipal school's); never the department itself  published
    rereview  curators of the owner or of the audience (复核; only    published (confirm: stays
              libraries whose entry says ``review``)                 published, new review-by
                                                                     date; draft → draft)

A recommendation waits in the municipal curators' review queue (``review``) beside the
pending submissions; they accept it with ``publish`` at network scope (the resource keeps
``recommended_by``: the district's credit beside the owner's) or decline it. A town may
still submit straight to network scope (docs/decisions.md).

Libraries may add a rule of their own on top (``SharedResource.sharing_conflict``):
an on-site teaching site must be admitted before it is shared beyond its owner or reused.
A school admits its own site before submitting it; a partner department submits its site
unadmitted (``TeachingSite.submit_on_create``: created and submitted at network scope), the
municipal curators assess and admit it while it is pending, and publish it once admitted.

Every change raises ``version`` by one. Refusals, in this order (the services check them
so): out of sight → 404; visible but the role does not allow it → 403; ``If-Match`` names
an older version → 412; allowed but wrong status → 409; then what the content lacks (an
incomplete submission) → 400. The role comes before the version (reloading would not
help someone the role does not allow); the version before the status (a status the caller
did not expect is most often the very change it has not read yet). (What a
request says without reading the resource — a body that does not parse, a token change
without ``If-Match`` (428) — is answered before any of these.)
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import Actor, actor_for
from apps.accounts.models import Role
from apps.organizations.models import Organization, OrganizationKind

from .choices import Scope, Status
from .exceptions import ActionDenied, InvalidInput, InvalidTransition
from .registry import reviewable

# Raised whenever the visibility rules change, so that lists cached under the old rules
# (``list_cache``: keyed by seats, not by what they could see) are never served again.
# 2: private scope is the owner's members only, no longer the owner's subtree.
VISIBILITY_RULES = 2

CURATORS = frozenset({Role.ADMIN, Role.CURATOR})
CREATORS = frozenset({Role.ADMIN, Role.CURATOR, Role.TEACHER, Role.SUBMITTER})
REUSERS = frozenset({Role.ADMIN, Role.CURATOR, Role.TEACHER})

EDITABLE = frozenset({Status.DRAFT, Status.REJECTED, Status.WITHDRAWN})
SUBMITTABLE = frozenset({Status.DRAFT, Status.REJECTED})
PUBLISHABLE = frozenset({Status.DRAFT, Status.PENDING, Status.PUBLISHED})
REJECTABLE = frozenset({Status.PENDING})
WITHDRAWABLE = frozenset({Status.PENDING, Status.PUBLISHED})
WIDENED_SCOPES = (Scope.DISTRICT, Scope.NETWORK)
# 向上推荐: recommended to the city by its district, not yet decided there.
RECOMMENDATION_WAITING = Q(
    status=Status.PUBLISHED, scope=Scope.DISTRICT, recommended_by__isnull=False
)

_AUDIENCE_KIND = {
    Scope.DISTRICT: OrganizationKind.DISTRICT,
    Scope.NETWORK: OrganizationKind.MUNICIPAL,
}


def audience_for(owner: Organization, scope: str) -> Organization:
    """The organisation whose subtree ``scope`` opens an ``owner``'s resource to."""
    if scope == Scope.PRIVATE:
        if owner.kind == OrganizationKind.DEPARTMENT:
            # A department has no curators: its own audience could never review anything.
            raise InvalidInput(
                errors={"scope": [str(_("A partner department submits to the whole network."))]}
            )
        return owner
    if scope not in _AUDIENCE_KIND:
        raise InvalidInput(errors={"scope": [str(_("Unknown scope."))]})
    if owner.kind == _AUDIENCE_KIND[scope] or owner.kind == OrganizationKind.PROVINCE:
        # The provincial school sits above every city: its widest audience is itself.
        return owner
    audience = (
        Organization.objects.filter(code__in=owner.lineage_codes, kind=_AUDIENCE_KIND[scope])
        .order_by("-depth")
        .first()
    )
    if audience is None:
        raise InvalidInput(
            errors={"scope": [str(_("This scope does not apply to the owning organisation."))]}
        )
    return audience


def reach(status: str, scope: str, audience_id: int | None) -> tuple[int | None, bool]:
    """Who besides its owner's members sees a resource in this state (the policy's
    ``_visible``): the audience whose whole subtree does (published beyond its owner; else
    None), and whether curators above the owner do (then, or while it is pending)."""
    if status == Status.PUBLISHED and scope in WIDENED_SCOPES:
        return audience_id, True
    return None, status == Status.PENDING


# Who will see a resource at each scope, with the audience named (the pages' scope choices).
SCOPE_AUDIENCES = {
    Scope.PRIVATE: _("Own school only (%(org)s)"),
    Scope.DISTRICT: _("District (%(org)s and the schools below it)"),
    Scope.NETWORK: _("Whole city (%(org)s and every school and department below it)"),
}


def scope_choice(scope: str, audience_name: str) -> tuple[str, str]:
    """``(scope, label)``: the label says who will see the resource."""
    return scope, str(SCOPE_AUDIENCES[scope] % {"org": audience_name})


def scope_choices(owner: Organization) -> list[tuple[str, str]]:
    """The scopes an ``owner``'s resource may ask for, each saying who will see it (one query).

    A department has no private scope (it submits to the whole network); a scope with no
    audience above the owner (district for the municipal school) is left out.
    """
    lineage = {
        org.kind: org
        for org in Organization.objects.filter(code__in=owner.lineage_codes).order_by("depth")
    }
    choices = []
    if owner.kind != OrganizationKind.DEPARTMENT:
        choices.append(scope_choice(Scope.PRIVATE, owner.name))
    for scope in WIDENED_SCOPES:
        if owner.kind == OrganizationKind.PROVINCE:
            audience = owner
        else:
            audience = lineage.get(_AUDIENCE_KIND[scope])
        if audience is not None:
            choices.append(scope_choice(scope, audience.name))
    return choices


class SharingPolicy:
    """Answers "may this user do X (to this object)?" and "which objects?"."""

    # ---- which objects -------------------------------------------------------------------

    def filter_for(self, user_or_actor, action: str = "view") -> Q:
        actor = _as_actor(user_or_actor)
        if actor.is_anonymous or not actor.seats:
            return Q(pk__in=[])
        if action == "view":
            return self._visible(actor)
        if action == "review":
            q = Q(status=Status.PENDING, audience_id__in=self._curated_org_ids(actor))
            return q | self._recommendations_for(actor)
        if action == "reuse":
            if not actor.seats_with(REUSERS):
                return Q(pk__in=[])
            return Q(status=Status.PUBLISHED) & self._visible(actor)
        raise ValueError(f"No query form for action {action!r}")

    def _visible(self, actor: Actor) -> Q:
        q = Q(owner_id__in=actor.org_ids)  # the owner's members: private scope included
        q |= Q(status=Status.PUBLISHED, scope__in=WIDENED_SCOPES, audience_id__in=actor.lineage_ids)
        curated = actor.seats_with(CURATORS)
        if curated:
            below = Q()
            for seat in curated:
                below |= Q(path__startswith=seat.org_path)
            q |= Q(
                status=Status.PUBLISHED,
                scope__in=WIDENED_SCOPES,
                owner_id__in=Organization.objects.filter(below).values("pk"),
            )
            q |= Q(status=Status.PENDING, audience_id__in=self._curated_org_ids(actor))
        return q

    @staticmethod
    def _recommendations_for(actor: Actor) -> Q:
        """Recommendations waiting for the actor's decision: the resources of schools below a
        municipal school the actor curates, recommended to it by their district."""
        below = Q()
        for seat in actor.seats_with(CURATORS):
            if seat.org_kind == OrganizationKind.MUNICIPAL:
                below |= Q(path__startswith=seat.org_path)
        if not below:
            return Q(pk__in=[])
        return Q(
            RECOMMENDATION_WAITING,
            owner_id__in=Organization.objects.filter(below).values("pk"),
        )

    @staticmethod
    def _curated_org_ids(actor: Actor) -> list[int]:
        return [s.org_id for s in actor.seats_with(CURATORS)]

    # ---- one object ----------------------------------------------------------------------

    def can_view(self, actor: Actor, obj) -> bool:
        if actor.is_anonymous:
            return False
        if obj.owner_id in actor.org_ids:
            return True
        if obj.status == Status.PUBLISHED and obj.scope in WIDENED_SCOPES:
            if obj.audience.code in actor.lineage_codes:
                return True
            if any(obj.owner.path.startswith(s.org_path) for s in actor.seats_with(CURATORS)):
                return True
        return obj.status == Status.PENDING and actor.has_role(obj.audience_id, CURATORS)

    def can_create(self, actor: Actor, owner: Organization) -> bool:
        return actor.has_role(owner.pk, CREATORS)

    def _is_drafter(self, actor: Actor, obj) -> bool:
        """The author (still creating in the owner) or the owner's curators."""
        if actor.has_role(obj.owner_id, CURATORS):
            return True
        return obj.author_id == actor.user_id and actor.has_role(obj.owner_id, CREATORS)

    @staticmethod
    def _department_owned(obj) -> bool:
        return obj.owner.kind == OrganizationKind.DEPARTMENT

    def check_edit(self, actor: Actor, obj) -> None:
        if obj.status == Status.PUBLISHED:
            if not actor.has_role(obj.audience_id, CURATORS):
                raise ActionDenied(
                    _("Only curators of the audience may edit a published resource.")
                )
            return
        if not self._is_drafter(actor, obj):
            raise ActionDenied(_("Only the author or the owner's curators may edit this resource."))
        if obj.status == Status.PENDING and self._department_owned(obj):
            return  # a partner department corrects its submission while it waits
        if obj.status not in EDITABLE:
            raise InvalidTransition(_("A resource under review cannot be edited."))

    def check_delete(self, actor: Actor, obj) -> None:
        if not self._is_drafter(actor, obj):
            raise ActionDenied(
                _("Only the author or the owner's curators may delete this resource.")
            )
        if obj.status != Status.DRAFT or obj.first_published_at is not None:
            raise InvalidTransition(
                _("Only drafts that were never published may be deleted; withdraw it instead.")
            )

    def check_submit(self, actor: Actor, obj) -> None:
        if not self._is_drafter(actor, obj):
            raise ActionDenied(
                _("Only the author or the owner's curators may submit this resource.")
            )
        if obj.status not in SUBMITTABLE:
            raise InvalidTransition(_("Only drafts and rejected resources can be submitted."))

    def check_publish(self, actor: Actor, obj, audience: Organization) -> None:
        if not actor.has_role(audience.pk, CURATORS):
            raise ActionDenied(
                _("Only curators of %(org)s may publish at this scope.") % {"org": audience.name}
            )
        if obj.status not in PUBLISHABLE:
            raise InvalidTransition(_("Rejected or withdrawn resources must be edited first."))

    def check_reject(self, actor: Actor, obj) -> None:
        if not actor.has_role(obj.audience_id, CURATORS):
            raise ActionDenied(_("Only curators of the audience may reject this submission."))
        if obj.status not in REJECTABLE:
            raise InvalidTransition(_("Only pending submissions can be rejected."))

    def check_withdraw(self, actor: Actor, obj) -> None:
        if not (
            actor.has_role(obj.owner_id, CURATORS)
            or actor.has_role(obj.audience_id, CURATORS)
            or (self._department_owned(obj) and self._is_drafter(actor, obj))
        ):
            raise ActionDenied(_("Only curators of the owner or the audience may withdraw it."))
        if obj.status not in WITHDRAWABLE:
            raise InvalidTransition(_("Only pending or published resources can be withdrawn."))

    def check_manage(self, actor: Actor, obj) -> None:
        """Housekeeping beside the workflow (a site's lifecycle): owner or audience curators."""
        if not (
            actor.has_role(obj.owner_id, CURATORS) or actor.has_role(obj.audience_id, CURATORS)
        ):
            raise ActionDenied(_("Only curators of the owner or the audience may manage it."))

    def check_rereview(self, actor: Actor, obj) -> None:
        """复核 of a reviewable library's published item: as ``manage``, published only."""
        if not (
            actor.has_role(obj.owner_id, CURATORS) or actor.has_role(obj.audience_id, CURATORS)
        ):
            raise ActionDenied(_("Only curators of the owner or the audience may re-review it."))
        if obj.status != Status.PUBLISHED:
            raise InvalidTransition(_("Only published resources can be re-reviewed."))

    def check_reuse(self, actor: Actor, obj, target: Organization) -> None:
        if not actor.has_role(target.pk, REUSERS):
            raise ActionDenied(_("You may only reuse into a school where you teach or curate."))
        if obj.status != Status.PUBLISHED:
            raise InvalidTransition(_("Only published resources can be reused."))

    @staticmethod
    def is_recommendation_waiting(obj) -> bool:
        return (
            obj.status == Status.PUBLISHED
            and obj.scope == Scope.DISTRICT
            and obj.recommended_by_id is not None
        )

    @staticmethod
    def recommending_seat(actor: Actor, obj):
        """The actor's curator seat in a district school above ``obj``'s owner, or None."""
        for seat in actor.seats_with(CURATORS):
            if (
                seat.org_kind == OrganizationKind.DISTRICT
                and seat.org_id != obj.owner_id
                and obj.owner.path.startswith(seat.org_path)
            ):
                return seat
        return None

    def check_recommend(self, actor: Actor, obj) -> None:
        if self.recommending_seat(actor, obj) is None:
            raise ActionDenied(
                _("Only curators of a district school above the owner may recommend it.")
            )
        if obj.status != Status.PUBLISHED or obj.scope != Scope.DISTRICT:
            raise InvalidTransition(
                _("Only a resource published to its district can be recommended to the city.")
            )
        if obj.recommended_by_id is not None:
            raise InvalidTransition(_("This resource has already been recommended to the city."))

    @staticmethod
    def _curates_network_of(actor: Actor, obj) -> bool:
        return any(
            seat.org_kind == OrganizationKind.MUNICIPAL and obj.owner.path.startswith(seat.org_path)
            for seat in actor.seats_with(CURATORS)
        )

    def check_decline_recommendation(self, actor: Actor, obj) -> None:
        if not self._curates_network_of(actor, obj):
            raise ActionDenied(
                _("Only curators of the municipal school may decline a recommendation.")
            )
        if not self.is_recommendation_waiting(obj):
            raise InvalidTransition(_("No recommendation of this resource is waiting."))

    def publishable_scopes(self, actor: Actor, obj) -> list[str]:
        """Scopes at which ``actor`` may publish ``obj``, worked out from the seats alone.

        (The same answer as ``check_publish`` with ``audience_for``, without a query per
        scope, so a review queue of any length costs the same.)
        """
        return [scope for scope, _label in self.publish_choices(actor, obj)]

    def publish_choices(self, actor: Actor, obj) -> list[tuple[str, str]]:
        """``publishable_scopes`` with labels that name who will see the resource."""
        if obj.status not in PUBLISHABLE:
            return []
        audiences: dict[str, str] = {}
        for seat in actor.seats_with(CURATORS):
            if seat.org_id == obj.owner_id:
                audiences[Scope.PRIVATE] = seat.org_name
                if seat.org_kind == OrganizationKind.PROVINCE:  # its own widest audience
                    audiences.update(dict.fromkeys(WIDENED_SCOPES, seat.org_name))
            above = obj.owner.path.startswith(seat.org_path)
            if above and seat.org_kind == OrganizationKind.DISTRICT:
                audiences[Scope.DISTRICT] = seat.org_name
            if above and seat.org_kind == OrganizationKind.MUNICIPAL:
                audiences[Scope.NETWORK] = seat.org_name
        return [scope_choice(s, audiences[s]) for s in Scope.values if s in audiences]

    def allowed_actions(self, actor: Actor, obj) -> list[str]:
        """The actions the pages and the API offer on ``obj`` (publish at its current scope)."""
        checks = {
            "edit": lambda: self.check_edit(actor, obj),
            "delete": lambda: self.check_delete(actor, obj),
            "submit": lambda: self.check_submit(actor, obj),
            "reject": lambda: self.check_reject(actor, obj),
            "withdraw": lambda: self.check_withdraw(actor, obj),
            "recommend": lambda: self.check_recommend(actor, obj),
            "decline_recommendation": lambda: self.check_decline_recommendation(actor, obj),
        }
        allowed = []
        for name, check in checks.items():
            try:
                check()
            except (ActionDenied, InvalidTransition):
                continue
            allowed.append(name)
        if self.publishable_scopes(actor, obj):
            allowed.append("publish")
        if obj.status == Status.PUBLISHED and actor.seats_with(REUSERS):
            allowed.append("reuse")
        if reviewable(type(obj)):
            try:
                self.check_rereview(actor, obj)
            except (ActionDenied, InvalidTransition):
                pass
            else:
                allowed.append("rereview")
        return allowed


def _as_actor(user_or_actor) -> Actor:
    if isinstance(user_or_actor, Actor):
        return user_or_actor
    return actor_for(user_or_actor)


policy = SharingPolicy()
