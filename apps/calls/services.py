"""The rules of calls for contributions (征集), held here for every entry point (API, pages,
admin, seed, the gap map's "call for it" button).

A call is published open (the invitees are told at once) and is closed by its publisher; an
answer is a library resource of an invited organisation, recorded once per resource, in the
same transaction that creates the resource when it is made for the call. Refusals follow the
platform's order: out of sight 404, role 403, ``If-Match`` 412, status 409, input 400.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.actor import actor_for
from apps.audit.models import Action
from apps.audit.recorder import record
from apps.notifications.delivery import emit
from apps.notifications.models import Kind
from apps.organizations.models import Organization
from apps.sharing.exceptions import (
    ActionDenied,
    InvalidInput,
    InvalidTransition,
    ResourceNotFound,
)
from apps.sharing.registry import find_library, libraries
from apps.sharing.services import VersionMismatch
from apps.taxonomy.models import ThematicDomain

from . import policy
from .models import Call, CallAnswer, CallReminder, CallStatus

# The brief says "lecturers" where the registry's key is "faculty": both are understood.
KIND_ALIASES = {"lecturers": "faculty"}
MAX_TOPIC = 200


def local_today() -> datetime.date:
    return timezone.localdate()


# ---- reading ----------------------------------------------------------------------------------


def calls_for(user) -> Any:
    """The calls ``user`` may see (the one read path of every entry point)."""
    return Call.objects.filter(policy.visible_q(user))


def call_get(user, pk) -> Call:
    try:
        return calls_for(user).select_related("organization").get(pk=pk)
    except (Call.DoesNotExist, ValueError, TypeError):
        raise ResourceNotFound() from None


def _lock(user, pk) -> Call:
    call = call_get(user, pk)
    return (
        Call.objects.select_for_update(of=("self",)).select_related("organization").get(pk=call.pk)
    )


def kind_choices() -> list[tuple[str, Any]]:
    """The kinds of resource a call may want: the registry's libraries, in menu order."""
    return [(library.key, library.label) for library in libraries()]


@dataclass
class Invitee:
    """One invited organisation and how it stands: answered, late (past due, nothing yet) or
    waiting."""

    organization: Organization
    answers: list[CallAnswer]
    state: str  # answered | late | waiting

    @property
    def answered(self) -> bool:
        return self.state == "answered"


def invitees(call: Call, *, on: datetime.date | None = None) -> list[Invitee]:
    """The call's invitees with their answers: two queries."""
    on = on or local_today()
    answers: dict[int, list[CallAnswer]] = {}
    for answer in call.answers.all().order_by("answered_at", "id"):
        answers.setdefault(answer.organization_id, []).append(answer)
    rows = []
    for org in call.invited.all().order_by("path"):
        mine = answers.get(org.pk, [])
        if mine:
            state = "answered"
        elif call.due_on < on:
            state = "late"
        else:
            state = "waiting"
        rows.append(Invitee(org, mine, state))
    return rows


def invitee_shown(user, call: Call) -> Callable[[int], bool]:
    """Whether ``user`` may see that an organisation (by id) is invited and how it stands:
    every invitee for the publisher's members and the curators above
    (``policy.sees_all_invitees``), an invitee's own otherwise. No query."""
    if policy.sees_all_invitees(user, call):
        return lambda org_id: True
    mine = actor_for(user).org_ids
    return lambda org_id: org_id in mine


def invitees_for(user, call: Call) -> list[Invitee]:
    """The invitees ``user`` may see the status of (``invitee_shown``)."""
    shown = invitee_shown(user, call)
    return [row for row in invitees(call) if shown(row.organization.pk)]


def readable_answers(user, answers: Iterable[CallAnswer]) -> set[tuple[str, int]]:
    """The answering resources ``user`` may open, as (library, id): one query per library."""
    wanted: dict[str, set[int]] = {}
    for answer in answers:
        wanted.setdefault(answer.library, set()).add(answer.object_id)
    found: set[tuple[str, int]] = set()
    for library in libraries():
        ids = wanted.get(library.key)
        if not ids:
            continue
        visible = library.model.objects.restrict(user, "view").filter(pk__in=ids)
        found |= {(library.key, pk) for pk in visible.values_list("pk", flat=True)}
    return found


# ---- checking input ---------------------------------------------------------------------------


def _clean_kinds(kinds, errors: dict) -> list[str]:
    known = [library.key for library in libraries()]
    cleaned: list[str] = []
    for kind in kinds or []:
        key = KIND_ALIASES.get(str(kind), str(kind))
        if key not in known:
            errors["kinds"] = [
                _("Unknown kind of resource: %(kind)s (one of %(known)s).")
                % {"kind": kind, "known": ", ".join(known)}
            ]
            return []
        if key not in cleaned:
            cleaned.append(key)
    if not cleaned:
        errors["kinds"] = [_("Name at least one kind of resource.")]
    return sorted(cleaned, key=known.index)


def _clean_domains(domains, errors: dict) -> list[ThematicDomain]:
    items = list(domains or [])
    ids = [getattr(d, "pk", d) for d in items]
    try:
        found = {d.pk: d for d in ThematicDomain.objects.filter(pk__in=ids)}
    except (ValueError, TypeError):
        found = {}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        errors["domains"] = [_("Unknown thematic domain: %(ids)s.") % {"ids": ", ".join(missing)}]
        return []
    return [found[pk] for pk in dict.fromkeys(ids)]


def _clean_invited(organization: Organization, invited, errors: dict) -> list[Organization]:
    items = list(invited or [])
    ids = [getattr(o, "pk", o) for o in items]
    if not ids:
        errors["invited"] = [_("Invite at least one department or school.")]
        return []
    try:
        found = {
            o.pk: o
            for o in Organization.objects.filter(pk__in=ids).filter(
                policy.invitable_q(organization)
            )
        }
    except (ValueError, TypeError):
        found = {}
    outside = [
        str(getattr(o, "name", o)) for o, pk in zip(items, ids, strict=True) if pk not in found
    ]
    if outside:
        errors["invited"] = [
            _("Only departments and schools under %(org)s may be invited, not: %(names)s.")
            % {"org": organization.name, "names": ", ".join(outside)}
        ]
        return []
    return [found[pk] for pk in dict.fromkeys(ids)]


def _clean_text(topic, description, errors: dict) -> tuple[str, str]:
    topic = (topic or "").strip()
    if not topic:
        errors["topic"] = [_("This field is required.")]
    elif len(topic) > MAX_TOPIC:
        errors["topic"] = [_("At most %(n)s characters.") % {"n": MAX_TOPIC}]
    return topic, (description or "").strip()


def _clean_due(due_on, errors: dict, *, was: datetime.date | None = None) -> datetime.date | None:
    if not isinstance(due_on, datetime.date):
        errors["due_on"] = [_("A date is required.")]
        return None
    if due_on < local_today() and due_on != was:
        errors["due_on"] = [_("The due date cannot be in the past.")]
    return due_on


def _row(call: Call, domains=None, invited=None) -> dict:
    row = {
        "organization": call.organization_id,
        "topic": call.topic,
        "description": call.description,
        "kinds": list(call.kinds),
        "due_on": call.due_on.isoformat() if call.due_on else None,
        "status": call.status,
    }
    if domains is not None:
        row["domains"] = [d.code for d in domains]
    if invited is not None:
        row["invited"] = [o.code for o in invited]
    return row


def _audit(action: str, obj, *, organization_id: int, user, changes: dict | None = None) -> None:
    record(
        action,
        model=type(obj),
        object_id=obj.pk,
        object_repr=str(obj),
        organization_id=organization_id,
        changes=changes or {},
        user=user,
    )


def _invite(call: Call, organizations: list[Organization], *, user) -> None:
    """Tell the invitees, after the commit (one notification per person)."""
    if not organizations:
        return
    emit(
        Kind.CALL_INVITED,
        call,
        user=user,
        actor_name=call.organization.name,
        data={
            "organizations": [o.pk for o in organizations],
            "publisher": call.organization.name,
            "due_on": call.due_on.isoformat(),
        },
        key=f"call_invited:calls.call:{call.pk}:v{call.version}",
    )


# ---- changing ---------------------------------------------------------------------------------


def call_create(
    *,
    user,
    organization: Organization,
    topic: str,
    description: str = "",
    domains=(),
    kinds,
    invited,
    due_on,
) -> Call:
    """A new call, open at once; its invitees are told."""
    actor = actor_for(user)
    if not policy.can_publish(actor, organization):
        raise ActionDenied(
            _(
                "Only curators of the municipal school or of a district school may publish a"
                " call, for their own school."
            )
        )
    errors: dict[str, list[str]] = {}
    topic, description = _clean_text(topic, description, errors)
    kinds = _clean_kinds(kinds, errors)
    domains = _clean_domains(domains, errors)
    invited = _clean_invited(organization, invited, errors)
    due_on = _clean_due(due_on, errors)
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        call = Call.objects.create(
            organization=organization,
            topic=topic,
            description=description,
            kinds=kinds,
            due_on=due_on,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        call.domains.set(domains)
        call.invited.set(invited)
        _audit(
            Action.CREATE,
            call,
            organization_id=organization.pk,
            user=user,
            changes=_row(call, domains, invited),
        )
        _invite(call, invited, user=user)
    return call


def call_update(*, user, pk, data: dict[str, Any], expected_version: int | None = None) -> Call:
    """Change an open call's topic, description, domains, kinds, invitees or due date.

    Invitees who have answered cannot be taken off; newly invited ones are told."""
    with transaction.atomic():
        call = _lock(user, pk)
        if not policy.can_edit(user, call):
            raise ActionDenied(_("Only the publishing school's curators may change this call."))
        if expected_version is not None and expected_version != call.version:
            raise VersionMismatch(
                _("It has changed since you read it (now version %(v)s): reload and try again.")
                % {"v": call.version}
            )
        if call.status != CallStatus.OPEN:
            raise InvalidTransition(_("A closed call cannot be changed."))
        errors: dict[str, list[str]] = {}
        topic, description = _clean_text(
            data.get("topic", call.topic), data.get("description", call.description), errors
        )
        kinds = _clean_kinds(data["kinds"], errors) if "kinds" in data else call.kinds
        domains = _clean_domains(data["domains"], errors) if "domains" in data else None
        invited = (
            _clean_invited(call.organization, data["invited"], errors)
            if "invited" in data
            else None
        )
        due_on = _clean_due(data["due_on"], errors, was=call.due_on) if "due_on" in data else None
        before = set(call.invited.values_list("pk", flat=True))
        if invited is not None and "invited" not in errors:
            answered = set(call.answers.values_list("organization_id", flat=True))
            dropped = answered - {o.pk for o in invited}
            if dropped:
                names = Organization.objects.filter(pk__in=dropped).values_list("name", flat=True)
                errors["invited"] = [
                    _("These have answered and stay invited: %(names)s.")
                    % {"names": ", ".join(names)}
                ]
        if errors:
            raise InvalidInput(errors=errors)
        call.topic, call.description, call.kinds = topic, description, kinds
        if due_on is not None:
            call.due_on = due_on
        call.version += 1
        call.save()
        if domains is not None:
            call.domains.set(domains)
        if invited is not None:
            call.invited.set(invited)
        changes = {
            k: v
            for k, v in _row(call, domains, invited).items()
            if k in data and k != "organization"
        }
        _audit(
            Action.UPDATE, call, organization_id=call.organization_id, user=user, changes=changes
        )
        if invited is not None:
            _invite(call, [o for o in invited if o.pk not in before], user=user)
    return call


def call_close(*, user, pk, expected_version: int | None = None) -> Call:
    """The publisher closes the call: no more answers are taken."""
    with transaction.atomic():
        call = _lock(user, pk)
        if not policy.can_edit(user, call):
            raise ActionDenied(_("Only the publishing school's curators may close this call."))
        if expected_version is not None and expected_version != call.version:
            raise VersionMismatch(
                _("It has changed since you read it (now version %(v)s): reload and try again.")
                % {"v": call.version}
            )
        if call.status != CallStatus.OPEN:
            raise InvalidTransition(_("This call is already closed."))
        call.status = CallStatus.CLOSED
        call.closed_at = timezone.now()
        call.version += 1
        call.save(update_fields=["status", "closed_at", "version", "updated_at"])
        _audit(
            Action.UPDATE,
            call,
            organization_id=call.organization_id,
            user=user,
            changes={"status": [CallStatus.OPEN, CallStatus.CLOSED]},
        )
    return call


# ---- answering --------------------------------------------------------------------------------


def _call_error(message) -> InvalidInput:
    return InvalidInput(errors={"call": [message]})


def call_for_answer(user, call_id, *, kind: str, owner: Organization | None = None) -> Call:
    """The call ``user`` means to answer with a new ``kind`` resource of ``owner``, checked
    before the resource is made; any refusal is a 400 naming ``call`` (what the page and the
    API show beside the field)."""
    try:
        call = call_get(user, int(call_id))
    except (ResourceNotFound, ValueError, TypeError):
        raise _call_error(_("No such call for contributions.")) from None
    _check_answerable(user, call, kind=kind, owner_id=owner.pk if owner is not None else None)
    return call


def _check_answerable(user, call: Call, *, kind: str, owner_id: int | None) -> None:
    if call.status != CallStatus.OPEN:
        raise _call_error(_("This call is closed: it takes no more answers."))
    if kind not in call.kinds:
        raise _call_error(_("This call does not ask for this kind of resource."))
    invited = set(call.invited.values_list("pk", flat=True))
    if owner_id is not None and owner_id not in invited:
        raise _call_error(_("The resource's owner is not invited to this call."))
    if not policy.answering_orgs(user, call, invited):
        raise _call_error(_("You do not answer this call for an invited organisation."))


def answer_record(*, call: Call, resource, user) -> CallAnswer:
    """Record ``resource`` as an answer to ``call``; the same resource twice is one answer."""
    library = find_library(type(resource))
    if library is None:
        raise _call_error(_("Only a library resource can answer a call."))
    if not policy.can_view(user, call):
        raise _call_error(_("No such call for contributions."))
    if not library.model.objects.restrict(user, "view").filter(pk=resource.pk).exists():
        raise ResourceNotFound()
    existing = CallAnswer.objects.filter(
        call=call, library=library.key, object_id=resource.pk
    ).first()
    if existing is not None:
        return existing
    _check_answerable(user, call, kind=library.key, owner_id=resource.owner_id)
    actor = actor_for(user)
    if not actor.has_role(resource.owner_id, policy.ANSWERERS):
        raise ActionDenied(_("Only members of the resource's owner may give it in answer."))
    try:
        with transaction.atomic():
            answer = CallAnswer.objects.create(
                call=call,
                organization_id=resource.owner_id,
                library=library.key,
                object_id=resource.pk,
                title=str(resource)[:200],
                answered_by=user if getattr(user, "is_authenticated", False) else None,
            )
            _audit(
                Action.CREATE,
                answer,
                organization_id=resource.owner_id,
                user=user,
                changes={
                    "call": call.pk,
                    "library": library.key,
                    "object_id": resource.pk,
                    "late": call.due_on < local_today(),
                },
            )
    except IntegrityError:  # the same resource, recorded by a request at the same moment
        return CallAnswer.objects.get(call=call, library=library.key, object_id=resource.pk)
    return answer


def answer_options(user, *, select_related=()) -> list[Call]:
    """The open calls ``user`` may answer (for one of their invited organisations)."""
    actor = actor_for(user)
    orgs = sorted(s.org_id for s in actor.seats_with(policy.ANSWERERS))
    if not orgs:
        return []
    invited = Call.invited.through.objects.filter(organization_id__in=orgs).values("call_id")
    return list(
        Call.objects.filter(status=CallStatus.OPEN, pk__in=invited)
        .select_related(*select_related)
        .order_by("due_on", "id")
    )


# ---- reminders --------------------------------------------------------------------------------


def remind_late(*, today: datetime.date | None = None) -> int:
    """Tell every invitee of an open call that is past due and has not answered; at most one
    reminder per invitee, call and day (a second run the same day sends nothing). Returns how
    many reminders were sent."""
    day = today or local_today()
    late = Call.objects.filter(status=CallStatus.OPEN, due_on__lt=day).select_related(
        "organization"
    )
    sent = 0
    for call in late:
        answered = CallAnswer.objects.filter(call=call).values("organization_id")
        reminded = CallReminder.objects.filter(call=call, day=day).values("organization_id")
        waiting = list(
            call.invited.exclude(Q(pk__in=answered) | Q(pk__in=reminded)).order_by("path")
        )
        for org in waiting:
            with transaction.atomic():
                _, created = CallReminder.objects.get_or_create(
                    call=call, organization=org, day=day
                )
                if not created:
                    continue
                emit(
                    Kind.CALL_LATE,
                    call,
                    actor_name=call.organization.name,
                    data={
                        "organizations": [org.pk],
                        "organization": org.name,
                        "due_on": call.due_on.isoformat(),
                    },
                    key=f"call_late:calls.call:{call.pk}:{org.pk}:{day.isoformat()}",
                )
                sent += 1
    return sent


# ---- notifications ----------------------------------------------------------------------------


def notification_recipients(event, call: Call) -> set[int]:
    """Who is told: the named organisations' curators, admins and submitters (a department's
    people) — the people who answer."""
    from apps.accounts.models import Membership

    org_ids = event.data.get("organizations") or []
    return set(
        Membership.objects.filter(
            organization_id__in=org_ids, role__in=policy.ANSWERERS - {"teacher"}
        ).values_list("user_id", flat=True)
    )
