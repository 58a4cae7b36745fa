"""Named write actions on shared resources: check, then execute, inside one transaction.

The API, the pages, the admin and the commands all call these; none of them
changes a resource's status, scope or version any other way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F, ProtectedError, RestrictedError
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import actor_for
from apps.organizations.models import Organization, OrganizationKind

from . import review, versions
from .actions import action
from .choices import Scope, Status
from .exceptions import ActionDenied, InvalidInput, InvalidTransition, ResourceNotFound
from .models import ReuseRecord, ReviewRecord, SharedResource
from .policy import audience_for, policy
from .registry import reviewable

# Sent inside the reuse transaction, after the copy is saved; other apps copy what they
# keep about a resource (attachments) without the sharing engine knowing about them.
resource_reused = Signal()


def _lock(model: type[SharedResource], pk, user) -> SharedResource:
    """Fetch ``pk`` for update through the user's reach; outside it, 404."""
    try:
        return (
            model.objects.restrict(user, "view")
            .select_for_update(of=("self",))
            .select_related("owner", "audience")
            .get(pk=pk)
        )
    except (model.DoesNotExist, ValueError, TypeError):
        raise ResourceNotFound() from None


def lock_for_write(
    model: type[SharedResource],
    pk,
    user,
    expected_version=None,
    check: Callable[[Any, SharedResource], None] | None = None,
) -> SharedResource:
    """For library services: the locked row, 404 outside reach, 412 on a stale version.

    ``check(actor, obj)``, a ``policy.check_*``, is run in the policy's order of refusals:
    its 403 before the 412, the 412 before its 409.
    """
    obj = _lock(model, pk, user)
    with _in_refusal_order(obj, expected_version):
        if check is not None:
            check(actor_for(user), obj)
    return obj


def _ensure_in_reach(obj: SharedResource, user) -> None:
    """After a write, inside the same transaction: the result must still be the user's to see."""
    if not type(obj).objects.restrict(user, "view").filter(pk=obj.pk).exists():
        raise ActionDenied(_("The result would be outside your reach."))


def _organization(code: str, field: str = "owner") -> Organization:
    org = Organization.objects.filter(code=code).first() if code else None
    if org is None:
        raise InvalidInput(errors={field: [str(_("Unknown organisation code."))]})
    return org


def _apply_content(obj: SharedResource, data: dict[str, Any]) -> dict[str, Any]:
    """Set plain content fields on ``obj``; return the related values to store after saving."""
    unknown = set(data) - set(obj.CONTENT_FIELDS) - set(obj.CONTENT_M2M) - set(obj.EXTRA_CONTENT)
    if unknown:
        raise InvalidInput(
            errors={
                name: [str(_("This field cannot be changed here."))] for name in sorted(unknown)
            }
        )
    for name in obj.CONTENT_FIELDS:
        if name in data:
            setattr(obj, name, data[name])
    if "title" in data and not str(data["title"] or "").strip():
        raise InvalidInput(errors={"title": [str(_("This field is required."))]})
    related = (*obj.CONTENT_M2M, *obj.EXTRA_CONTENT)
    return {name: data[name] for name in related if name in data}


def _set_related(obj: SharedResource, related: dict[str, Any], user) -> None:
    for name in obj.CONTENT_M2M:
        if name not in related:
            continue
        manager = getattr(obj, name)
        values = list(related[name])
        target = manager.model
        if issubclass(target, SharedResource):
            # Links to resources the editor cannot see are kept, not silently dropped.
            hidden = manager.exclude(pk__in=target.objects.restrict(user, "view").values("pk"))
            values += list(hidden)
        manager.set(values)
    extra = {name: related[name] for name in obj.EXTRA_CONTENT if name in related}
    if extra:
        obj.set_extra(extra, user=user)


def _save_content(obj: SharedResource) -> None:
    """Save a content write. A uniqueness rule of the library that the row breaks (a case's
    ``external_ref`` within its owner, even against a concurrent twin) becomes a field error
    named by the library (``SharedResource.uniqueness_errors``), not a server error; the
    savepoint keeps the surrounding transaction usable."""
    if not obj._meta.constraints:
        obj.save()
        return
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        errors = obj.uniqueness_errors()
        if not errors:
            raise
        raise InvalidInput(errors=errors) from None


def _check_library_rule(obj: SharedResource, action: str, scope: str | None = None) -> None:
    conflict = obj.sharing_conflict(action, scope)
    if conflict:
        raise InvalidTransition(conflict)


def _require_complete(obj: SharedResource) -> None:
    errors = obj.missing_for_submission()
    if errors:
        raise InvalidInput(_("The resource is not complete enough to be reviewed."), errors=errors)


@transaction.atomic
def resource_create(
    model: type[SharedResource], *, user, owner_code: str, data: dict[str, Any]
) -> SharedResource:
    """A new draft owned by ``owner_code``, authored by ``user``.

    When the library says a new resource goes straight to review (``submit_on_create``: a
    partner department's case), it is submitted at once, in the same transaction: two
    named actions, ``create`` then ``submit``, or nothing at all if either is refused
    (an incomplete case is refused whole). Every entry point (API, pages, admin, Excel
    import, commands) creates through here, so none of them needs to know the rule.
    """
    obj = _create_draft(model, user=user, owner_code=owner_code, data=data)
    scope = obj.submit_on_create()
    if scope is not None:
        obj = resource_submit(model, user=user, pk=obj.pk, scope=scope)
    return obj


@transaction.atomic
@action("create", creates=True)
def _create_draft(
    model: type[SharedResource], *, user, owner_code: str, data: dict[str, Any]
) -> SharedResource:
    owner = _organization(owner_code)
    if not policy.can_create(actor_for(user), owner):
        raise ActionDenied(_("You may not create resources for this organisation."))
    obj = model(owner=owner, author=user, audience=owner, scope=Scope.PRIVATE)
    m2m = _apply_content(obj, data)
    if not obj.title.strip():
        raise InvalidInput(errors={"title": [str(_("This field is required."))]})
    _save_content(obj)
    _set_related(obj, m2m, user)
    _ensure_in_reach(obj, user)
    return obj


@transaction.atomic
@action("update")
def resource_update(
    model: type[SharedResource], *, user, pk, data: dict[str, Any], expected_version=None
) -> SharedResource:
    """Edit content. Rejected or withdrawn resources return to draft; published ones stay."""
    obj = _lock(model, pk, user)
    with _in_refusal_order(obj, expected_version):
        policy.check_edit(actor_for(user), obj)
    m2m = _apply_content(obj, data)
    resubmit = obj.status == Status.REJECTED and obj.owner.kind == OrganizationKind.DEPARTMENT
    if resubmit:
        # A partner department's correction of a rejected case goes straight back to review.
        obj.status, obj.rejection_reason, obj.submitted_at = Status.PENDING, "", timezone.now()
        obj.resubmitted = True  # observers announce it as a submission
    elif obj.status in (Status.REJECTED, Status.WITHDRAWN):
        obj.status = Status.DRAFT
    obj.version = F("version") + 1
    _save_content(obj)
    _set_related(obj, m2m, user)
    obj.refresh_from_db(fields=["version"])
    if obj.status == Status.PENDING:
        _require_complete(obj)
    if obj.status == Status.PUBLISHED:
        # An edit of a published resource is a new published version: kept, and its copies
        # are told (``versions``).
        versions.keep_published(obj, user)
    _ensure_in_reach(obj, user)
    return obj


def _in_use_message(error: ProtectedError | RestrictedError) -> str:
    """Who still uses a resource, named by their app and model ("Training classes
    (sessions)"): the engine knows no app above it, the rows' own metadata says it."""
    objects = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
    users: dict[str, set[str]] = {}
    for row in objects:
        meta = row._meta
        users.setdefault(str(meta.app_config.verbose_name), set()).add(
            str(meta.verbose_name_plural)
        )
    named = "; ".join(f"{app} ({', '.join(sorted(kinds))})" for app, kinds in sorted(users.items()))
    return _(
        "It is still used by %(users)s, so it cannot be deleted; take it out of there first."
    ) % {"users": named or _("other records")}


@transaction.atomic
@action("delete")
def resource_delete(model: type[SharedResource], *, user, pk, expected_version=None) -> None:
    obj = _lock(model, pk, user)
    with _in_refusal_order(obj, expected_version):
        policy.check_delete(actor_for(user), obj)
    try:
        obj.delete()
    except (ProtectedError, RestrictedError) as exc:
        # Rows of other apps that must not lose it (a class timetable's session, seat or
        # visit; a course's teaching group) hold it: refused whole, nothing deleted. Django
        # raises before any row is deleted, so the transaction is still usable.
        raise InvalidTransition(_in_use_message(exc)) from None


@transaction.atomic
@action("submit")
def resource_submit(
    model: type[SharedResource], *, user, pk, scope: str, expected_version=None
) -> SharedResource:
    """Send a draft for review at ``scope``: it waits for the audience's curators."""
    obj = _lock(model, pk, user)
    with _in_refusal_order(obj, expected_version):
        policy.check_submit(actor_for(user), obj)
    audience = audience_for(obj.owner, scope)
    _check_library_rule(obj, "submit", scope)
    _require_complete(obj)
    obj.status, obj.scope, obj.audience = Status.PENDING, scope, audience
    obj.rejection_reason = ""
    obj.submitted_at = timezone.now()
    return _save_transition(obj)


@transaction.atomic
@action("publish")
def resource_publish(
    model: type[SharedResource], *, user, pk, scope: str, expected_version=None
) -> SharedResource:
    """Publish at ``scope``: the audience's curators decide; widening a published one is allowed."""
    obj = _lock(model, pk, user)
    audience = audience_for(obj.owner, scope)
    with _in_refusal_order(obj, expected_version):
        policy.check_publish(actor_for(user), obj, audience)
    _check_library_rule(obj, "publish", scope)
    _require_complete(obj)
    if scope != Scope.NETWORK and not policy.is_recommendation_waiting(obj):
        # A district's credit is for reaching the city: published anywhere narrower (again),
        # the resource keeps no recommendation. A waiting one stays while it stays at district.
        _clear_recommendation(obj)
    now = timezone.now()
    obj.status, obj.scope, obj.audience = Status.PUBLISHED, scope, audience
    obj.rejection_reason = ""
    obj.reviewed_by = user
    obj.published_at = now
    obj.first_published_at = obj.first_published_at or now
    if obj.review_by is None and reviewable(model):
        obj.review_by = review.default_review_by(model)  # 待复核: today + the library's interval
    obj = _save_transition(obj)
    versions.keep_published(obj, user)
    return obj


@transaction.atomic
@action("reject")
def resource_reject(
    model: type[SharedResource], *, user, pk, reason: str, expected_version=None
) -> SharedResource:
    obj = _lock(model, pk, user)
    with _in_refusal_order(obj, expected_version):
        policy.check_reject(actor_for(user), obj)
    if not (reason or "").strip():
        raise InvalidInput(errors={"reason": [str(_("Say why, so the author can fix it."))]})
    obj.status = Status.REJECTED
    obj.rejection_reason = reason.strip()
    obj.reviewed_by = user
    return _save_transition(obj)


@transaction.atomic
@action("withdraw")
def resource_withdraw(
    model: type[SharedResource], *, user, pk, expected_version=None
) -> SharedResource:
    obj = _lock(model, pk, user)
    with _in_refusal_order(obj, expected_version):
        policy.check_withdraw(actor_for(user), obj)
    if policy.is_recommendation_waiting(obj):
        _clear_recommendation(obj)  # a withdrawn resource is no longer recommended to the city
    obj.status = Status.WITHDRAWN
    return _save_transition(obj)


@transaction.atomic
@action("recommend")
def resource_recommend(
    model: type[SharedResource], *, user, pk, note: str, expected_version=None
) -> SharedResource:
    """向上推荐: a district's curator recommends a town's resource, published to the district, to
    the city. It stays published at district scope and waits in the municipal curators' review
    queue; their ``publish`` at network scope accepts it (the district's credit stays)."""
    obj = _lock(model, pk, user)
    actor = actor_for(user)
    with _in_refusal_order(obj, expected_version):
        policy.check_recommend(actor, obj)
    note = (note or "").strip()
    if not note:
        raise InvalidInput(
            errors={"note": [str(_("Say why the city should share it, with a short note."))]}
        )
    seat = policy.recommending_seat(actor, obj)
    obj.recommended_by_id = seat.org_id
    obj.recommended_by_user = user
    obj.recommended_at = timezone.now()
    obj.recommendation_note = note
    return _save_transition(obj)


@transaction.atomic
@action("decline_recommendation")
def resource_decline_recommendation(
    model: type[SharedResource], *, user, pk, reason: str, expected_version=None
) -> SharedResource:
    """The city declines a district's recommendation, saying why: the resource stays
    published to its district, the mark is cleared (the district may recommend it again)
    and the district's curators are told the reason."""
    obj = _lock(model, pk, user)
    with _in_refusal_order(obj, expected_version):
        policy.check_decline_recommendation(actor_for(user), obj)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(errors={"reason": [str(_("Say why, so the district knows."))]})
    obj.declined_recommendation = {
        "district": obj.recommended_by_id,
        "district_name": obj.recommended_by.name,
        "reason": reason,
    }
    _clear_recommendation(obj)
    return _save_transition(obj)


def _clear_recommendation(obj: SharedResource) -> None:
    obj.recommended_by = None
    obj.recommended_by_user = None
    obj.recommended_at = None
    obj.recommendation_note = ""


@transaction.atomic
def resource_reuse(model: type[SharedResource], *, user, pk, target_code: str) -> SharedResource:
    """Copy a published resource into ``target_code``'s drafts, linked to its source version.

    A repeat — the same user reusing the same version of the same resource into the same
    school while the copy it made still exists — is not a second reuse: it returns that copy
    (``reused_before`` set on it) and changes and records nothing. The source row is locked
    before the look-up, so repeats sent at the same moment queue and find the first one's
    copy. A colleague's reuse into the same school, or a newer version, makes a new copy.
    """
    target = _organization(target_code)
    obj = _lock(model, pk, user)
    policy.check_reuse(actor_for(user), obj, target)
    _check_library_rule(obj, "reuse")
    earlier = (
        model.objects.filter(source=obj, source_version=obj.version, owner=target, author=user)
        .order_by("pk")
        .first()
    )
    if earlier is not None:
        earlier.reused_before = True
        return earlier
    return _reuse_copy(model, user=user, pk=obj.pk, source=obj, target=target)


@transaction.atomic
@action("reuse", creates=True)
def _reuse_copy(
    model: type[SharedResource], *, user, pk, source: SharedResource, target: Organization
) -> SharedResource:
    """The reuse itself (checked and locked by ``resource_reuse``): the copy, its record."""
    obj = source
    copy = model(
        owner=target,
        author=user,
        audience=target,
        scope=Scope.PRIVATE,
        source=obj,
        source_version=obj.version,
        **{
            name: getattr(obj, name)
            for name in obj.CONTENT_FIELDS
            if name not in obj.NOT_COPIED_ON_REUSE
        },
    )
    copy.save()
    for name in obj.CONTENT_M2M:
        getattr(copy, name).set(getattr(obj, name).all())
    obj.copy_extra_to(copy)
    resource_reused.send(sender=model, source=obj, copy=copy)
    model.objects.filter(pk=obj.pk).update(reuse_count=F("reuse_count") + 1)
    ReuseRecord.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        source_id=obj.pk,
        source_version=obj.version,
        source_owner_id=obj.owner_id,
        copy_id=copy.pk,
        organization=target,
        user=user,
    )
    _ensure_in_reach(copy, user)
    return copy


@transaction.atomic
@action("sync")
def resource_sync(
    model: type[SharedResource],
    *,
    user,
    pk,
    accept: list[str] | None = None,
    decline: bool = False,
    to_version: int | None = None,
    expected_version=None,
) -> SharedResource:
    """Bring a reuse copy in step with its source's newest published version (同步).

    ``accept``: the fields to take from that version; every other field keeps the copy's
    value, local edits included. The copy then records the new source version and raises
    its own. ``decline``: take nothing and stop showing that version (a newer one shows
    again); the copy's content and version stay as they are. Only who may edit the copy may
    sync it, and only from a source they may still see. ``to_version``: the source version
    the user compared with; when the source has published another since, nothing changes
    (``SourceMoved``, 409) and they read the comparison again.
    """
    obj = _lock(model, pk, user)
    with _in_refusal_order(obj, expected_version):
        policy.check_edit(actor_for(user), obj)
    if decline and accept:
        raise InvalidInput(
            errors={"decline": [str(_("Either accept fields or decline, not both."))]}
        )
    if not decline and not accept:
        raise InvalidInput(errors={"accept": [str(_("Name the fields to take, or decline."))]})
    allowed = versions.synced_fields(model)
    unknown = [name for name in accept or () if name not in allowed]
    if unknown:
        raise InvalidInput(
            errors={"accept": [str(_("Unknown field: %(names)s.") % {"names": ", ".join(unknown)})]}
        )
    source = (
        model.objects.restrict(user, "view").filter(pk=obj.source_id).first()
        if obj.source_id
        else None
    )
    if source is None:
        raise InvalidTransition(_("This resource is not a copy of a source you can see."))
    if to_version is not None and source.published_version != to_version:
        raise SourceMoved(
            _(
                "The source's newest published version is now %(newest)s, not the version "
                "%(compared)s you compared with: read the comparison again, then choose."
            )
            % {"newest": source.published_version or 0, "compared": to_version}
        )
    update = versions.source_update(obj, source.status, source.published_version)
    if update is None:
        raise InvalidTransition(_("Its source has no newer published version to take."))
    if decline:
        obj.source_declined_version = update["to_version"]
        obj.save(update_fields=["source_declined_version", "updated_at"])
        return obj
    upstream = versions.diff(obj, source).upstream_content
    # Only what the newest version kept: a field it does not hold keeps the copy's value.
    names = [name for name in allowed if name in accept and name in upstream]
    versions.apply_fields(obj, upstream, names)
    if "title" in names and not str(obj.title or "").strip():
        raise InvalidInput(errors={"title": [str(_("This field is required."))]})
    obj.source_version = update["to_version"]
    obj.source_declined_version = None
    if obj.status in (Status.REJECTED, Status.WITHDRAWN):
        obj.status = Status.DRAFT
    obj.version = F("version") + 1
    _save_content(obj)
    versions.apply_related(obj, upstream, names)
    obj.refresh_from_db(fields=["version"])
    if obj.status == Status.PENDING:
        _require_complete(obj)
    if obj.status == Status.PUBLISHED:
        versions.keep_published(obj, user)
    _ensure_in_reach(obj, user)
    return obj


REREVIEW_OUTCOMES = ("confirm", "draft")


@transaction.atomic
@action("rereview")
def resource_rereview(
    model: type[SharedResource],
    *,
    user,
    pk,
    outcome: str,
    review_by=None,
    note: str = "",
    expected_version=None,
) -> SharedResource:
    """复核 a reviewable library's published item (docs/review-dates.md).

    ``confirm``: it stays published with a new review-by date (``review_by``, which must be
    after today, or today + the library's interval). ``draft``: it goes back to draft for
    rework, its date cleared (the next publish sets a new one); its published versions and
    its copies are untouched. Either way a ``ReviewRecord`` keeps who, when, both dates and
    the note. Curators of the owner or of the audience only.
    """
    if not reviewable(model):
        raise ResourceNotFound()
    obj = _lock(model, pk, user)
    with _in_refusal_order(obj, expected_version):
        policy.check_rereview(actor_for(user), obj)
    if outcome not in REREVIEW_OUTCOMES:
        raise InvalidInput(errors={"outcome": [str(_("Choose confirm or draft."))]})
    note = (note or "").strip()
    old = obj.review_by
    if outcome == "confirm":
        today = timezone.localdate()
        if review_by is not None and review_by <= today:
            raise InvalidInput(errors={"review_by": [str(_("Choose a date after today."))]})
        obj.review_by = review_by or review.default_review_by(model, today)
    else:
        if review_by is not None:
            raise InvalidInput(
                errors={"review_by": [str(_("A date is only given when confirming."))]}
            )
        obj.status = Status.DRAFT
        obj.review_by = None
    ReviewRecord.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=obj.pk,
        user=user,
        outcome=outcome,
        old_review_by=old,
        new_review_by=obj.review_by,
        note=note,
    )
    return _save_transition(obj)


def reuse_records_for(obj: SharedResource) -> models.QuerySet[ReuseRecord]:
    return ReuseRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), source_id=obj.pk
    ).select_related("organization", "user")


def _save_transition(obj: SharedResource) -> SharedResource:
    obj.version = F("version") + 1
    obj.save()
    obj.refresh_from_db(fields=["version"])
    return obj


class VersionMismatch(InvalidInput):
    """``If-Match`` named an older version: someone else changed the resource first."""

    status_code = 412
    default_message = _("The resource was changed by someone else; reload it and try again.")


class SourceMoved(InvalidTransition):
    """A sync named the source version the user compared with (``to_version``), and the
    source has published another since: the choice was made on a diff that is no more."""


def _check_version(obj: SharedResource, expected_version) -> None:
    if expected_version is not None and int(expected_version) != obj.version:
        raise VersionMismatch()


@contextmanager
def _in_refusal_order(obj: SharedResource, expected_version) -> Iterator[None]:
    """Around a ``policy.check_*``: refusals in the policy's order (its docstring, "Refusals").

    The role is judged first (403), then a stale ``If-Match`` (412), then the status (409):
    a conflict with the status is most often the very change the caller has not read yet,
    so it must not hide that the caller's version is stale.
    """
    try:
        yield
    except InvalidTransition:
        _check_version(obj, expected_version)
        raise
    _check_version(obj, expected_version)
