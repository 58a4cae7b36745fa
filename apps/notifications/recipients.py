"""Who each kind of event reaches (the table in ``docs/notifications.md``).

===================  ==============================================  =========================
kind                 reaches                                          about
===================  ==============================================  =========================
submitted            curators of the audience                         the submission
published, rejected  the author and the owner's curators              the resource
withdrawn            the author and the owner's curators              the resource
reused               the source's author and its owner's curators     the source
source_updated       each copy's author and its owner's curators      their copy
source_withdrawn     each copy's author and its owner's curators      their copy
site_lifecycle       the site's author and its owner's curators       the site
visit_requested      the site owner's curators (a department's       the site
                     submitters)
visit_decided        the host school's teachers and curators          the site
review_due,          the author and the owner's curators              the resource
review_overdue       (``reminders``: manage.py review_reminders)
recommended          curators of the municipal school (the owner's    the resource
                     network audience), the author and the owner's
                     curators
recommendation_      curators of the district that recommended it     the resource
declined
===================  ==============================================  =========================

The person who caused the event is not told about it. Nobody is told about a resource they
may not see (checked here, and again when the notification is read).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from apps.accounts.models import Membership, Role
from apps.sharing import versions
from apps.sharing.choices import Scope, Status
from apps.sharing.policy import audience_for

from .models import Kind
from .subjects import subject_for

CURATOR_ROLES = (Role.CURATOR, Role.ADMIN)


@dataclass(frozen=True)
class Addressee:
    user_id: int
    resource: object  # the resource this person is told about
    key: str  # the event key for this person's notification
    data: dict = field(default_factory=dict)  # what is particular to this person (their copy)


def _curators(org_ids) -> set[int]:
    return set(
        Membership.objects.filter(
            organization_id__in=list(org_ids), role__in=CURATOR_ROLES
        ).values_list("user_id", flat=True)
    )


def _members(org_ids, roles) -> set[int]:
    return set(
        Membership.objects.filter(organization_id__in=list(org_ids), role__in=roles).values_list(
            "user_id", flat=True
        )
    )


def _visible(resource, user_ids: set[int]) -> set[int]:
    """The users among ``user_ids`` who may see ``resource`` (one query per person)."""
    from django.contrib.auth import get_user_model

    model = type(resource)
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True)
    return {
        u.pk for u in users if model.objects.restrict(u, "view").filter(pk=resource.pk).exists()
    }


def addressees(event, resource) -> list[Addressee]:
    kind = event.kind
    found: list[Addressee] = []
    subject = subject_for(type(resource))
    if subject is not None:  # not a library resource: its app names the people (a call)
        people = set(subject.recipients(event, resource))
        people.discard(event.actor_id)
        return [Addressee(u, resource, event.key) for u in sorted(people)]
    if kind in (Kind.SOURCE_UPDATED, Kind.SOURCE_WITHDRAWN):
        copies = type(resource).objects.filter(source=resource).select_related("owner")
        if kind == Kind.SOURCE_UPDATED:  # those behind, unless they declined this version
            copies = copies.filter(versions.behind_q())
        for copy in copies:
            people = {copy.author_id} | _curators([copy.owner_id])
            people.discard(event.actor_id)
            data = {"from_version": copy.source_version, "to_version": resource.published_version}
            for user_id in _visible(copy, people):
                found.append(Addressee(user_id, copy, f"{event.key}:copy{copy.pk}", data))
        return found
    if kind == Kind.SUBMITTED:
        if resource.status != Status.PENDING:
            return []
        people = _curators([resource.audience_id])
    elif kind == Kind.VISIT_REQUESTED:
        people = _members([resource.owner_id], (*CURATOR_ROLES, Role.SUBMITTER))
    elif kind == Kind.VISIT_DECIDED:
        people = _members([event.data.get("host")], (*CURATOR_ROLES, Role.TEACHER))
    elif kind == Kind.RECOMMENDED:
        city = audience_for(resource.owner, Scope.NETWORK)
        people = _curators([city.pk, resource.owner_id]) | {resource.author_id}
    elif kind == Kind.RECOMMENDATION_DECLINED:
        people = _curators([event.data.get("district")])
    else:
        people = {resource.author_id} | _curators([resource.owner_id])
    people.discard(event.actor_id)
    return [Addressee(u, resource, event.key) for u in _visible(resource, people)]
