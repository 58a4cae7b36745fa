"""The joint meeting's rules, held here for every entry point (API, pages, admin, seed).

Reading: ``partners_for``, ``meetings_for``, ``plan_items_for`` (out of sight: 404). Writing:
the functions below, each checking the policy (403), the state (409) and the input (400
naming the field), and writing one audit event in the change's transaction. A contact
person's values never reach the audit: only that they changed (``[redacted]``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import Action
from apps.audit.recorder import diff, plain, record
from apps.classes import policy as class_policy
from apps.classes.models import TrainingClass
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.exceptions import (
    InvalidInput,
    InvalidTransition,
    ResourceNotFound,
)

from . import policy
from .models import (
    CONTACT_FIELDS,
    Decision,
    ItemStatus,
    Meeting,
    MeetingStatus,
    Partner,
    PlanItem,
    TrainingPlan,
)

PARTNER_FIELDS = (*CONTACT_FIELDS, "member", "member_since")
MEETING_FIELDS = ("title", "held_on", "attendee_names", "minutes", "status")
DECISION_FIELDS = ("text", "owner", "due_on", "done_on")
ITEM_FIELDS = ("title", "theme", "target_trainees", "trainee_count", "quarter")


def _row(obj, names) -> dict:
    return {
        name: plain(getattr(obj, f"{name}_id" if _is_fk(obj, name) else name)) for name in names
    }


def _is_fk(obj, name) -> bool:
    field = obj._meta.get_field(name)
    return field.many_to_one


def _audit(action: str, obj, *, org_id, user, before=None, after=None, extra=None) -> None:
    changes = diff(before, after, frozenset(CONTACT_FIELDS))
    changes.update(extra or {})
    record(
        action,
        model=type(obj),
        object_id=obj.pk,
        object_repr=str(obj),
        organization_id=org_id,
        changes=changes,
        user=user,
    )


def _required(errors: dict, name: str, value) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors[name] = [_("This field is required.")]


# ---- partners ----------------------------------------------------------------------------------


def departments_for(user) -> QuerySet[Organization]:
    """The partner departments a person may see (the directory): everyone in the network."""
    if not policy.in_network(user):
        return Organization.objects.none()
    return Organization.objects.filter(kind=OrganizationKind.DEPARTMENT).select_related(
        "parent", "partner"
    )


def department_get(user, pk) -> Organization:
    try:
        return departments_for(user).get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise ResourceNotFound() from None


def contact_ids(user, departments) -> set[int]:
    """Of ``departments``, those whose contact person ``user`` may read (no query)."""
    return {d.pk for d in departments if policy.may_read_contact(user, d)}


def partner_update(*, user, department: Organization, data: dict[str, Any]) -> Partner:
    """Set a department's contact person and membership (municipal curators)."""
    policy.check_record(user)
    if department.kind != OrganizationKind.DEPARTMENT:
        raise InvalidInput(errors={"organization": [_("Only a department is a partner.")]})
    with transaction.atomic():
        obj, created = Partner.objects.select_for_update().get_or_create(organization=department)
        before = None if created else _row(obj, PARTNER_FIELDS)
        for name in PARTNER_FIELDS:
            if name in data:
                value = data[name]
                setattr(obj, name, "" if value is None and name in CONTACT_FIELDS else value)
        errors: dict[str, list[str]] = {}
        if obj.member and not obj.member_since:
            errors["member_since"] = [_("A member has a date of joining.")]
        try:
            obj.full_clean(exclude=["organization"])
        except ValidationError as exc:
            errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
        if errors:
            raise InvalidInput(errors=errors)
        obj.save()
        _audit(
            Action.CREATE if created else Action.UPDATE,
            obj,
            org_id=department.pk,
            user=user,
            before=before,
            after=_row(obj, PARTNER_FIELDS),
        )
    return obj


# ---- meetings ----------------------------------------------------------------------------------


def meetings_for(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(policy.meetings_q(user))


def meeting_get(user, pk) -> Meeting:
    try:
        return (
            meetings_for(user)
            .select_related("convened_by")
            .prefetch_related(
                "attendees",
                Prefetch("decisions", queryset=Decision.objects.select_related("owner")),
            )
            .get(pk=pk)
        )
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise ResourceNotFound() from None


def _convenor() -> Organization:
    return Organization.objects.filter(kind=OrganizationKind.MUNICIPAL).order_by("path").first()


def _clean_attendees(attendees) -> None:
    for org in attendees or []:
        if org.kind == OrganizationKind.EXTERNAL:
            raise InvalidInput(
                errors={"attendees": [_("%(org)s is outside the network.") % {"org": org.name}]}
            )


def meeting_create(*, user, data: dict[str, Any]) -> Meeting:
    policy.check_record(user)
    errors: dict[str, list[str]] = {}
    _required(errors, "title", data.get("title"))
    _required(errors, "held_on", data.get("held_on"))
    if errors:
        raise InvalidInput(errors=errors)
    _clean_attendees(data.get("attendees"))
    obj = Meeting(convened_by=_convenor(), created_by=user if user.is_authenticated else None)
    for name in MEETING_FIELDS:
        if name in data:
            setattr(obj, name, data[name])
    with transaction.atomic():
        obj.save()
        if data.get("attendees"):
            obj.attendees.set(data["attendees"])
        after = _row(obj, MEETING_FIELDS)
        after["attendees"] = sorted(o.code for o in data.get("attendees") or [])
        _audit(Action.CREATE, obj, org_id=obj.convened_by_id, user=user, after=after)
    return obj


def meeting_update(*, user, pk, data: dict[str, Any]) -> Meeting:
    obj = meeting_get(user, pk)
    policy.check_record(user)
    errors: dict[str, list[str]] = {}
    for name in ("title", "held_on"):
        if name in data:
            _required(errors, name, data[name])
    if errors:
        raise InvalidInput(errors=errors)
    _clean_attendees(data.get("attendees"))
    with transaction.atomic():
        obj = Meeting.objects.select_for_update().get(pk=obj.pk)
        before = _row(obj, MEETING_FIELDS)
        before["attendees"] = sorted(obj.attendees.values_list("code", flat=True))
        for name in MEETING_FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        obj.save()
        if "attendees" in data:
            obj.attendees.set(data["attendees"] or [])
        after = _row(obj, MEETING_FIELDS)
        after["attendees"] = sorted(obj.attendees.values_list("code", flat=True))
        _audit(Action.UPDATE, obj, org_id=obj.convened_by_id, user=user, before=before, after=after)
    return obj


def decision_add(*, user, meeting_pk, data: dict[str, Any]) -> Decision:
    meeting = meeting_get(user, meeting_pk)
    policy.check_record(user)
    if meeting.status == MeetingStatus.CANCELLED:
        raise InvalidTransition(_("A cancelled meeting takes no decisions."))
    errors: dict[str, list[str]] = {}
    _required(errors, "text", data.get("text"))
    _required(errors, "owner", data.get("owner"))
    owner = data.get("owner")
    if owner is not None and owner.kind == OrganizationKind.EXTERNAL:
        errors["owner"] = [_("%(org)s is outside the network.") % {"org": owner.name}]
    if data.get("done_on") and data["done_on"] < meeting.held_on:
        errors["done_on"] = [_("A decision is done after the meeting that took it.")]
    if errors:
        raise InvalidInput(errors=errors)
    obj = Decision(meeting=meeting)
    for name in DECISION_FIELDS:
        if name in data:
            setattr(obj, name, data[name])
    with transaction.atomic():
        obj.save()
        _audit(
            Action.CREATE,
            obj,
            org_id=meeting.convened_by_id,
            user=user,
            after=_row(obj, (*DECISION_FIELDS, "meeting")),
        )
    return obj


def decision_get(user, pk) -> Decision:
    try:
        return (
            Decision.objects.filter(meeting__in=meetings_for(user))
            .select_related("meeting", "owner")
            .get(pk=pk)
        )
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise ResourceNotFound() from None


def decision_update(*, user, pk, data: dict[str, Any]) -> Decision:
    obj = decision_get(user, pk)
    policy.check_record(user)
    errors: dict[str, list[str]] = {}
    for name in ("text", "owner"):
        if name in data:
            _required(errors, name, data[name])
    done_on = data.get("done_on", obj.done_on)
    if done_on and done_on < obj.meeting.held_on:
        errors["done_on"] = [_("A decision is done after the meeting that took it.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        obj = Decision.objects.select_for_update().select_related("meeting").get(pk=obj.pk)
        before = _row(obj, DECISION_FIELDS)
        for name in DECISION_FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        obj.save()
        _audit(
            Action.UPDATE,
            obj,
            org_id=obj.meeting.convened_by_id,
            user=user,
            before=before,
            after=_row(obj, DECISION_FIELDS),
        )
    return obj


# ---- the plan ----------------------------------------------------------------------------------


def plans_for(user) -> QuerySet[TrainingPlan]:
    if not policy.in_network(user):
        return TrainingPlan.objects.none()
    return TrainingPlan.objects.all()


def plan_get(user, year) -> TrainingPlan:
    try:
        return plans_for(user).get(year=int(year))
    except (TrainingPlan.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ResourceNotFound() from None


def plan_items(user, plan: TrainingPlan) -> list[PlanItem]:
    """The plan's items with their meeting and the classes the reader may see: a fixed number
    of queries whatever the plan's size. ``item.visible_classes`` holds those classes;
    ``item.visible_meeting`` the meeting, or None when the reader may not open it."""
    seen_meetings = set(meetings_for(user).values_list("pk", flat=True))
    classes = TrainingClass.objects.filter(class_policy.visible_q(user)).select_related("host")
    items = list(
        plan.items.select_related("proposed_by", "theme", "meeting")
        .prefetch_related("domains", Prefetch("classes", queryset=classes, to_attr="seen"))
        .order_by("quarter", "id")
    )
    for item in items:
        item.visible_classes = item.seen
        item.visible_meeting = item.meeting if item.meeting_id in seen_meetings else None
    return items


def plan_create(*, user, year: int, data: dict[str, Any] | None = None) -> TrainingPlan:
    policy.check_record(user)
    data = data or {}
    if year is None or not 2000 <= int(year) <= 2100:
        raise InvalidInput(errors={"year": [_("A year between 2000 and 2100.")]})
    if TrainingPlan.objects.filter(year=year).exists():
        raise InvalidTransition(
            _("The plan for %(year)s exists already.") % {"year": year},
            errors={"year": [_("The plan for %(year)s exists already.") % {"year": year}]},
        )
    with transaction.atomic():
        obj = TrainingPlan.objects.create(
            year=year, title=data.get("title", ""), note=data.get("note", "")
        )
        _audit(
            Action.CREATE,
            obj,
            org_id=_convenor().pk,
            user=user,
            after={"year": year, "title": obj.title, "note": obj.note},
        )
    return obj


def item_get(user, pk) -> PlanItem:
    try:
        return (
            PlanItem.objects.filter(plan__in=plans_for(user))
            .select_related("plan", "proposed_by", "meeting", "theme")
            .get(pk=pk)
        )
    except (PlanItem.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ResourceNotFound() from None


def item_propose(*, user, plan: TrainingPlan, data: dict[str, Any]) -> PlanItem:
    """A proposed class, put forward by a department or a school."""
    errors: dict[str, list[str]] = {}
    _required(errors, "title", data.get("title"))
    _required(errors, "proposed_by", data.get("proposed_by"))
    if errors.get("proposed_by"):
        raise InvalidInput(errors=errors)
    policy.check_propose(user, data["proposed_by"])
    quarter = data.get("quarter")
    if quarter is not None and not 1 <= quarter <= 4:
        errors["quarter"] = [_("A quarter is 1 to 4.")]
    if errors:
        raise InvalidInput(errors=errors)
    obj = PlanItem(plan=plan)
    for name in (*ITEM_FIELDS, "proposed_by"):
        if name in data:
            setattr(obj, name, data[name])
    with transaction.atomic():
        obj.save()
        if data.get("domains"):
            obj.domains.set(data["domains"])
        after = _row(obj, (*ITEM_FIELDS, "proposed_by", "plan", "status"))
        after["domains"] = sorted(d.code for d in data.get("domains") or [])
        _audit(Action.CREATE, obj, org_id=obj.proposed_by_id, user=user, after=after)
    return obj


def item_update(*, user, pk, data: dict[str, Any]) -> PlanItem:
    obj = item_get(user, pk)
    policy.check_record(user)
    errors: dict[str, list[str]] = {}
    if "title" in data:
        _required(errors, "title", data["title"])
    quarter = data.get("quarter")
    if quarter is not None and not 1 <= quarter <= 4:
        errors["quarter"] = [_("A quarter is 1 to 4.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        obj = PlanItem.objects.select_for_update().get(pk=obj.pk)
        before = _row(obj, ITEM_FIELDS)
        for name in ITEM_FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        obj.save()
        if "domains" in data:
            obj.domains.set(data["domains"] or [])
        _audit(
            Action.UPDATE,
            obj,
            org_id=obj.proposed_by_id,
            user=user,
            before=before,
            after=_row(obj, ITEM_FIELDS),
        )
    return obj


def item_decide(*, user, pk, status: str, meeting: Meeting | None) -> PlanItem:
    """Approve an item into the plan, or decline it, at a meeting that was held."""
    obj = item_get(user, pk)
    policy.check_record(user)
    if status not in (ItemStatus.APPROVED, ItemStatus.DECLINED):
        raise InvalidInput(errors={"status": [_("Approve or decline.")]})
    if obj.status != ItemStatus.PROPOSED:
        raise InvalidTransition(_("This item has been decided already."))
    if meeting is None:
        raise InvalidInput(errors={"meeting": [_("An item is decided at a meeting.")]})
    if meeting.status != MeetingStatus.HELD:
        raise InvalidInput(errors={"meeting": [_("Only a meeting that was held decides.")]})
    with transaction.atomic():
        obj = PlanItem.objects.select_for_update().get(pk=obj.pk)
        if obj.status != ItemStatus.PROPOSED:
            raise InvalidTransition(_("This item has been decided already."))
        obj.status = status
        obj.meeting = meeting
        obj.save(update_fields=["status", "meeting"])
        _audit(
            Action.UPDATE,
            obj,
            org_id=obj.proposed_by_id,
            user=user,
            before={"status": ItemStatus.PROPOSED, "meeting": None},
            after={"status": status, "meeting": meeting.pk},
        )
    return obj


def item_link_classes(*, user, pk, classes: list[TrainingClass]) -> PlanItem:
    """The classes that carried an approved item out (all of them: the list replaces)."""
    obj = item_get(user, pk)
    policy.check_record(user)
    if obj.status != ItemStatus.APPROVED:
        raise InvalidTransition(_("Only an approved item is carried out by classes."))
    visible = set(
        TrainingClass.objects.filter(class_policy.visible_q(user))
        .filter(pk__in=[c.pk for c in classes])
        .values_list("pk", flat=True)
    )
    unseen = [c for c in classes if c.pk not in visible]
    if unseen:
        raise InvalidInput(errors={"classes": [_("No such class.")]})
    with transaction.atomic():
        obj = PlanItem.objects.select_for_update().get(pk=obj.pk)
        before = sorted(obj.classes.values_list("pk", flat=True))
        obj.classes.set(classes)
        after = sorted(c.pk for c in classes)
        if before != after:
            _audit(
                Action.UPDATE,
                obj,
                org_id=obj.proposed_by_id,
                user=user,
                extra={"classes": [before, after]},
            )
    return obj


def overdue_decisions(user) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(meeting__in=meetings_for(user))
        .filter(done_on__isnull=True, due_on__lt=timezone.localdate())
        .select_related("owner", "meeting")
    )
