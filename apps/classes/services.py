"""The rules of training classes, held here for every entry point (API, pages, admin, seed).

A class, its timetable (sessions with a course, lecturers and maybe a site visit), the site
owner's answer to a visit, evaluation codes and trainees' answers. Refusals follow the
platform's order: out of sight 404, role 403, ``If-Match`` 412, status 409, input 400; a
timetable clash is 409 and names what it clashes with (``ScheduleClash``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts.actor import Actor, actor_for
from apps.audit.models import Action
from apps.audit.recorder import record
from apps.courses.models import Course
from apps.faculty.models import Lecturer
from apps.notifications.delivery import emit
from apps.notifications.models import Kind
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.exceptions import (
    ActionDenied,
    InvalidInput,
    InvalidTransition,
    ResourceNotFound,
)
from apps.sharing.services import VersionMismatch
from apps.teaching_sites.models import Lifecycle, TeachingSite

from . import policy
from .exceptions import ScheduleClash
from .models import (
    ClassStatus,
    Evaluation,
    EvaluationCode,
    Session,
    SessionLecturer,
    SiteVisit,
    TrainingClass,
    VisitStatus,
)

CLASS_FIELDS = (
    "title",
    "class_type",
    "theme",
    "start_date",
    "end_date",
    "trainee_count",
    "cadre_level",
    "trainee_units",
    "venue",
)
LECTURER_OVERLAP = "session_lecturer_no_overlap"
SITE_OVERLAP = "site_visit_no_overlap"
MAX_CODES = 500
MAX_CLASS_DAYS = 366  # a class runs at most a year
MAX_SESSION = timedelta(hours=12)  # a session is a half-day or a day, never longer
# Letters and digits a trainee cannot misread on paper (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def _check_version(obj, expected_version) -> None:
    """``If-Match`` named an older version: the engine's 412 (``VersionMismatch``)."""
    if expected_version is not None and expected_version != obj.version:
        raise VersionMismatch(
            _("It has changed since you read it (now version %(v)s): reload and try again.")
            % {"v": obj.version}
        )


def _audit(action: str, obj, *, host_id: int, user, changes: dict | None = None) -> None:
    """One event in the audit trail, in the change's transaction (apps.audit)."""
    record(
        action,
        model=type(obj),
        object_id=obj.pk,
        object_repr=str(obj),
        organization_id=host_id,
        changes=changes or {},
        user=user,
    )


def _session_row(session: Session, lecturers, site, visitors) -> dict:
    return {
        "class": session.training_class_id,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "course": session.course_id,
        "course_version": session.course_version,
        "lecturers": [lecturer.pk for lecturer in lecturers],
        "site": site.pk if site is not None else None,
        "visitors": visitors,
        "note": session.note,
    }


# ---- reading ----------------------------------------------------------------------------------


def classes_for(user) -> Any:
    """The classes ``user`` may see (the one read path of every entry point)."""
    return TrainingClass.objects.filter(policy.visible_q(user))


def class_get(user, pk) -> TrainingClass:
    try:
        return classes_for(user).select_related("host", "theme").get(pk=pk)
    except (TrainingClass.DoesNotExist, ValueError, TypeError):
        raise ResourceNotFound() from None


def _lock_class(user, pk) -> TrainingClass:
    """The class, locked for the change, after the reach check (404 before anything else)."""
    obj = class_get(user, pk)
    return (
        TrainingClass.objects.select_for_update(of=("self",)).select_related("host").get(pk=obj.pk)
    )


def timetable(training_class: TrainingClass):
    """The class's sessions in order, with their course, lecturers and visit: four queries."""
    return training_class.sessions.select_related(
        "course", "visit", "visit__site", "visit__site__owner"
    ).prefetch_related("lecturers")


# ---- classes ----------------------------------------------------------------------------------


def _clean_class(obj: TrainingClass, partners: list[Organization] | None) -> None:
    errors: dict[str, list[str]] = {}
    if not (obj.title or "").strip():
        errors["title"] = [_("This field is required.")]
    if obj.start_date and obj.end_date and obj.end_date < obj.start_date:
        errors["end_date"] = [_("The last day cannot come before the first.")]
    elif obj.start_date and obj.end_date and (obj.end_date - obj.start_date).days >= MAX_CLASS_DAYS:
        errors["end_date"] = [_("A class runs at most %(n)s days.") % {"n": MAX_CLASS_DAYS}]
    if obj.trainee_count is None or obj.trainee_count < 1:
        errors["trainee_count"] = [_("A class has at least one trainee.")]
    if partners is not None:
        for org in partners:
            if not org.is_school:
                errors["partners"] = [_("%(org)s is not a school.") % {"org": org.name}]
            elif org.pk == obj.host_id:
                errors["partners"] = [_("The host school cannot also be a partner.")]
    if errors:
        raise InvalidInput(errors=errors)


def class_create(*, user, host: Organization, data: dict[str, Any]) -> TrainingClass:
    """A new class, planned. ``data``: the class fields, ``partners`` and ``domains``."""
    actor = actor_for(user)
    if not policy.can_create(actor, host):
        raise ActionDenied(_("Only teachers and curators of the host school may create a class."))
    partners = data.get("partners")
    obj = TrainingClass(host=host, created_by=user if user.is_authenticated else None)
    for name in CLASS_FIELDS:
        if name in data:
            setattr(obj, name, data[name])
    _clean_class(obj, partners)
    with transaction.atomic():
        obj.save()
        if partners:
            obj.partners.set(partners)
        if data.get("domains"):
            obj.domains.set(data["domains"])
        _audit(Action.CREATE, obj, host_id=host.pk, user=user, changes=_class_row(obj, data))
    return obj


def _class_row(obj: TrainingClass, data: dict) -> dict:
    row = {name: getattr(obj, f"{name}_id" if name == "theme" else name) for name in CLASS_FIELDS}
    if "partners" in data:
        row["partners"] = [org.code for org in data["partners"] or []]
    if "domains" in data:
        row["domains"] = [getattr(d, "code", d) for d in data["domains"] or []]
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}


def class_update(
    *, user, pk, data: dict[str, Any], expected_version: int | None = None
) -> TrainingClass:
    with transaction.atomic():
        obj = _lock_class(user, pk)
        policy.check_edit(user, obj)
        _check_version(obj, expected_version)
        for name in CLASS_FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        partners = data.get("partners")
        _clean_class(obj, partners)
        outside = obj.sessions.filter(
            Q(starts_at__date__lt=obj.start_date) | Q(starts_at__date__gt=obj.end_date)
        )
        if ("start_date" in data or "end_date" in data) and outside.exists():
            raise InvalidInput(
                errors={"start_date": [_("Some sessions would fall outside the class's days.")]}
            )
        obj.version += 1
        obj.save()
        if partners is not None:
            obj.partners.set(partners)
        if "domains" in data:
            obj.domains.set(data["domains"] or [])
        changed = {k: v for k, v in _class_row(obj, data).items() if k in data}
        _audit(Action.UPDATE, obj, host_id=obj.host_id, user=user, changes=changed)
    return obj


def class_move(*, user, pk, status: str, expected_version: int | None = None) -> TrainingClass:
    """planned → running → finished → archived, by the host's curators."""
    if status not in ClassStatus.values:
        raise InvalidInput(errors={"status": [_("Unknown status.")]})
    with transaction.atomic():
        obj = _lock_class(user, pk)
        actor = actor_for(user)
        if not actor.has_role(obj.host_id, policy.CURATORS):
            raise ActionDenied(_("Only the host school's curators may change a class's status."))
        _check_version(obj, expected_version)
        policy.check_move(actor, obj, status)
        before = obj.status
        obj.status = status
        obj.version += 1
        obj.save(update_fields=["status", "version", "updated_at"])
        _audit(
            Action.UPDATE, obj, host_id=obj.host_id, user=user, changes={"status": [before, status]}
        )
    return obj


def class_delete(*, user, pk, expected_version: int | None = None) -> None:
    """A planned class with no evaluations may be deleted; any other is archived instead."""
    with transaction.atomic():
        obj = _lock_class(user, pk)
        policy.check_edit(user, obj)
        _check_version(obj, expected_version)
        if obj.status != ClassStatus.PLANNED:
            raise InvalidTransition(_("Only a planned class can be deleted; archive it instead."))
        if Evaluation.objects.filter(session__training_class=obj).exists():
            raise InvalidTransition(
                _("Trainees have evaluated this class: it stays on record; archive it instead.")
            )
        _audit(Action.DELETE, obj, host_id=obj.host_id, user=user)
        obj.delete()


# ---- the timetable ----------------------------------------------------------------------------


@dataclass
class SessionInput:
    starts_at: datetime
    ends_at: datetime
    course: int
    lecturers: list[int]
    site: int | None = None
    visitors: int | None = None
    note: str = ""


def _usable(model, training_class, pks, field: str, orgs):
    """The rows of ``model`` named by ``pks`` that the class may use, else 400 naming ``field``."""
    pks = list(dict.fromkeys(pks))
    rows = {
        row.pk: row
        for row in model.objects.filter(pk__in=pks).filter(
            policy.usable_q(training_class, orgs=orgs)
        )
    }
    missing = [pk for pk in pks if pk not in rows]
    if missing:
        raise InvalidInput(
            errors={
                field: [
                    _(
                        "Not one the host school may use (its own, or published to an audience"
                        " that contains it): %(ids)s."
                    )
                    % {"ids": ", ".join(str(pk) for pk in missing)}
                ]
            }
        )
    return [rows[pk] for pk in pks]


def _when(value: datetime) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def _clash(actor: Actor, kind: str, session: Session, name: str) -> ScheduleClash:
    cls = session.training_class
    visible = policy.can_view(actor, cls)
    where = (
        _("“%(title)s” (%(host)s)") % {"title": cls.title, "host": cls.host.name}
        if visible
        else _("a class of %(host)s") % {"host": cls.host.name}
    )
    when = {
        "start": _when(session.starts_at),
        "end": timezone.localtime(session.ends_at).strftime("%H:%M"),
    }
    if kind == "lecturer":
        message = _("%(name)s already teaches in %(where)s, %(start)s–%(end)s.") % {
            "name": name,
            "where": where,
            **when,
        }
        field = "lecturers"
    else:
        message = _("%(name)s is already booked by %(where)s, %(start)s–%(end)s.") % {
            "name": name,
            "where": where,
            **when,
        }
        field = "site"
    clash = {
        "kind": kind,
        "name": name,
        "class": cls.pk if visible else None,
        "class_title": cls.title if visible else None,
        "host": cls.host.name,
        "session": session.pk if visible else None,
        "starts_at": timezone.localtime(session.starts_at).isoformat(),
        "ends_at": timezone.localtime(session.ends_at).isoformat(),
    }
    return ScheduleClash(message, errors={field: [message]}, clash=clash)


def _lecturer_clash(lecturer_ids, starts_at, ends_at, exclude_session=None):
    rows = SessionLecturer.objects.filter(
        lecturer_id__in=lecturer_ids, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude_session is not None:
        rows = rows.exclude(session_id=exclude_session)
    return (
        rows.select_related("lecturer", "session__training_class__host")
        .order_by("starts_at", "id")
        .first()
    )


def _site_clash(site_id, starts_at, ends_at, exclude_session=None):
    rows = SiteVisit.objects.filter(
        site_id=site_id, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exclude(status=VisitStatus.DECLINED)
    if exclude_session is not None:
        rows = rows.exclude(session_id=exclude_session)
    return (
        rows.select_related("site", "session__training_class__host").order_by("starts_at").first()
    )


def _violates(exc: IntegrityError, constraint: str) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) == "23P01" and constraint in str(exc)


def _clean_slot(training_class: TrainingClass, data: SessionInput) -> None:
    errors: dict[str, list[str]] = {}
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = [_("A session ends after it starts.")]
    elif data.ends_at - data.starts_at > MAX_SESSION:
        errors["ends_at"] = [_("A session lasts at most 12 hours.")]
    day = timezone.localtime(data.starts_at).date()
    if not training_class.start_date <= day <= training_class.end_date:
        errors["starts_at"] = [
            _("The class runs from %(start)s to %(end)s.")
            % {"start": training_class.start_date, "end": training_class.end_date}
        ]
    elif (
        "ends_at" not in errors
        and timezone.localtime(data.ends_at).date() > training_class.end_date
    ):
        errors["ends_at"] = [
            _("The class's last day is %(end)s.") % {"end": training_class.end_date}
        ]
    if not data.lecturers:
        errors["lecturers"] = [_("Name at least one lecturer.")]
    if errors:
        raise InvalidInput(errors=errors)


def _write_seats(actor, session: Session, lecturers: list[Lecturer]) -> None:
    """The session's lecturers, each holding its slot; a clash (checked here, and by PostgreSQL
    for two requests at once) is a 409 that names it."""
    for lecturer in lecturers:
        row = _lecturer_clash([lecturer.pk], session.starts_at, session.ends_at, session.pk)
        if row is not None:
            raise _clash(actor, "lecturer", row.session, row.lecturer.title)
    try:
        with transaction.atomic():
            SessionLecturer.objects.bulk_create(
                SessionLecturer(
                    session=session,
                    lecturer=lecturer,
                    starts_at=session.starts_at,
                    ends_at=session.ends_at,
                )
                for lecturer in lecturers
            )
    except IntegrityError as exc:
        if not _violates(exc, LECTURER_OVERLAP):
            raise
        row = _lecturer_clash(
            [lecturer.pk for lecturer in lecturers], session.starts_at, session.ends_at, session.pk
        )
        raise (
            _clash(actor, "lecturer", row.session, row.lecturer.title)
            if row
            else ScheduleClash(errors={"lecturers": [str(ScheduleClash.default_message)]})
        ) from exc


def _write_visit(actor, session: Session, site: TeachingSite, visitors: int, *, user) -> SiteVisit:
    row = _site_clash(site.pk, session.starts_at, session.ends_at, session.pk)
    if row is not None:
        raise _clash(actor, "site", row.session, site.title)
    try:
        with transaction.atomic():
            visit = SiteVisit.objects.create(
                session=session,
                site=site,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                visitors=visitors,
            )
    except IntegrityError as exc:
        if not _violates(exc, SITE_OVERLAP):
            raise
        row = _site_clash(site.pk, session.starts_at, session.ends_at, session.pk)
        raise (
            _clash(actor, "site", row.session, site.title)
            if row
            else ScheduleClash(errors={"site": [str(ScheduleClash.default_message)]})
        ) from exc
    _announce(Kind.VISIT_REQUESTED, visit, user=user)
    return visit


def _announce(kind: str, visit: SiteVisit, *, user) -> None:
    """Tell the site's owner of a request, or the host of the answer (apps.notifications:
    a job written in this transaction)."""
    training_class = visit.session.training_class
    data = {
        "school": training_class.host.name,
        "host": training_class.host_id,
        "class": training_class.pk,
        "session": visit.session_id,
        "when": _when(visit.starts_at),
        "visitors": visit.visitors,
    }
    if kind == Kind.VISIT_DECIDED:
        data.update(confirmed=visit.status == VisitStatus.CONFIRMED, reason=visit.reason)
    emit(kind, visit.site, user=user, data=data, key=f"{kind}:visit{visit.pk}")


def _resolve(training_class: TrainingClass, data: SessionInput):
    orgs = [training_class.host, *training_class.partners.all()]
    (course,) = _usable(Course, training_class, [data.course], "course", orgs)
    lecturers = _usable(Lecturer, training_class, data.lecturers, "lecturers", orgs)
    site = None
    visitors = None
    if data.site is not None:
        (site,) = _usable(TeachingSite, training_class, [data.site], "site", orgs)
        own = site.owner_id == training_class.host_id
        if site.lifecycle == Lifecycle.RETIRED or (
            not own and site.lifecycle != Lifecycle.ADMITTED
        ):
            raise InvalidInput(errors={"site": [_("Only admitted sites can be visited.")]})
        visitors = data.visitors or training_class.trainee_count
        if site.capacity and visitors > site.capacity:
            raise InvalidInput(
                errors={
                    "visitors": [
                        _("%(site)s takes at most %(n)s visitors at a time.")
                        % {"site": site.title, "n": site.capacity}
                    ]
                }
            )
    return course, lecturers, site, visitors


def session_add(*, user, class_pk, data: SessionInput) -> Session:
    """A session on the class's timetable; a site visit in it asks the site's owner."""
    actor = actor_for(user)
    with transaction.atomic():
        training_class = _lock_class(user, class_pk)
        policy.check_edit(actor, training_class)
        _clean_slot(training_class, data)
        course, lecturers, site, visitors = _resolve(training_class, data)
        session = Session.objects.create(
            training_class=training_class,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            course=course,
            course_version=course.version,
            note=data.note or "",
        )
        _write_seats(actor, session, lecturers)
        if site is not None:
            _write_visit(actor, session, site, visitors, user=user)
        _audit(
            Action.CREATE,
            session,
            host_id=training_class.host_id,
            user=user,
            changes=_session_row(session, lecturers, site, visitors),
        )
    return session


def session_get(user, class_pk, pk) -> Session:
    training_class = class_get(user, class_pk)
    try:
        return timetable(training_class).get(pk=pk)
    except (Session.DoesNotExist, ValueError, TypeError):
        raise ResourceNotFound() from None


def session_update(
    *, user, class_pk, pk, data: SessionInput, expected_version: int | None = None
) -> Session:
    """Replace a session's slot, course, lecturers and visit. A visit whose site or time
    changes asks the site's owner again."""
    actor = actor_for(user)
    with transaction.atomic():
        training_class = _lock_class(user, class_pk)
        try:
            session = Session.objects.select_for_update().get(pk=pk, training_class=training_class)
        except (Session.DoesNotExist, ValueError, TypeError):
            raise ResourceNotFound() from None
        policy.check_edit(actor, training_class)
        _check_version(session, expected_version)
        _clean_slot(training_class, data)
        course, lecturers, site, visitors = _resolve(training_class, data)
        old_visit = SiteVisit.objects.filter(session=session).first()
        slot_changed = (session.starts_at, session.ends_at) != (data.starts_at, data.ends_at)
        taught_by = set(session.teaching.values_list("lecturer_id", flat=True))
        rated_changed = (
            slot_changed
            or session.course_id != course.pk
            or taught_by != {lecturer.pk for lecturer in lecturers}
        )
        if rated_changed and session.evaluations.exists():
            raise InvalidTransition(
                _(
                    "Trainees have evaluated this session: its time, course and lecturers stay"
                    " as they were rated."
                )
            )
        session.starts_at, session.ends_at = data.starts_at, data.ends_at
        if session.course_id != course.pk:
            session.course, session.course_version = course, course.version
        session.note = data.note or ""
        session.version += 1
        session.save()
        SessionLecturer.objects.filter(session=session).delete()
        _write_seats(actor, session, lecturers)
        keep = (
            old_visit is not None
            and site is not None
            and old_visit.site_id == site.pk
            and not slot_changed
        )
        if keep:
            if old_visit.visitors != visitors:
                old_visit.visitors = visitors
                old_visit.save(update_fields=["visitors"])
        else:
            if old_visit is not None:
                old_visit.delete()
            if site is not None:
                _write_visit(actor, session, site, visitors, user=user)
        _audit(
            Action.UPDATE,
            session,
            host_id=training_class.host_id,
            user=user,
            changes=_session_row(session, lecturers, site, visitors),
        )
    return session_get(user, class_pk, pk)


def session_remove(*, user, class_pk, pk, expected_version: int | None = None) -> None:
    with transaction.atomic():
        training_class = _lock_class(user, class_pk)
        try:
            session = Session.objects.select_for_update().get(pk=pk, training_class=training_class)
        except (Session.DoesNotExist, ValueError, TypeError):
            raise ResourceNotFound() from None
        policy.check_edit(user, training_class)
        _check_version(session, expected_version)
        if session.evaluations.exists():
            raise InvalidTransition(_("Trainees have evaluated this session: it stays on record."))
        _audit(Action.DELETE, session, host_id=training_class.host_id, user=user)
        session.delete()


# ---- site visits ------------------------------------------------------------------------------


def visits_for_site(user, site: TeachingSite):
    """A site's calendar: its owner's members see every visit (and which class asks)."""
    if not policy.can_see_site_calendar(user, site):
        return SiteVisit.objects.none()
    return SiteVisit.objects.filter(site=site).select_related(
        "session__training_class__host", "session__course"
    )


def visits_to_decide(user):
    """Visits asked of the sites this person answers for, oldest first."""
    actor = actor_for(user)
    owners = [s.org_id for s in actor.seats_with(policy.SITE_DECIDERS)]
    return (
        SiteVisit.objects.filter(site__owner_id__in=owners)
        .select_related("site", "session__training_class__host", "session__course")
        .order_by("starts_at")
    )


def visit_decide(*, user, pk, confirm: bool, reason: str = "") -> SiteVisit:
    """The site owner confirms a visit, or declines it with a reason (which frees the slot)."""
    with transaction.atomic():
        visit = (
            SiteVisit.objects.select_for_update(of=("self",))
            .select_related("site", "session__training_class__host")
            .filter(pk=pk)
            .first()
        )
        if visit is None or not policy.can_see_site_calendar(user, visit.site):
            raise ResourceNotFound()
        if not policy.can_decide_visit(user, visit.site):
            raise ActionDenied(_("Only the site owner's curators may answer a visit request."))
        if visit.status != VisitStatus.REQUESTED:
            raise InvalidTransition(_("This visit has already been answered."))
        if not confirm and not (reason or "").strip():
            raise InvalidInput(errors={"reason": [_("Say why the visit is declined.")]})
        visit.status = VisitStatus.CONFIRMED if confirm else VisitStatus.DECLINED
        visit.reason = (reason or "").strip()
        visit.decided_by = user
        visit.decided_at = timezone.now()
        visit.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        _audit(
            Action.UPDATE,
            visit,
            host_id=visit.site.owner_id,
            user=user,
            changes={"status": [VisitStatus.REQUESTED, visit.status], "reason": visit.reason},
        )
        _announce(Kind.VISIT_DECIDED, visit, user=user)
    return visit


# ---- evaluations ------------------------------------------------------------------------------


def codes_issue(*, user, class_pk, count: int) -> list[EvaluationCode]:
    """``count`` new one-time codes for the class's trainees (at most 500 at a time)."""
    if not isinstance(count, int) or not 1 <= count <= MAX_CODES:
        raise InvalidInput(
            errors={"count": [_("Between 1 and %(n)s codes at a time.") % {"n": MAX_CODES}]}
        )
    with transaction.atomic():
        training_class = _lock_class(user, class_pk)
        policy.check_edit(user, training_class)
        fresh: set[str] = set()
        while len(fresh) < count:  # new codes, none already given to any class
            wanted = {_new_code() for _n in range(count - len(fresh))} - fresh
            taken = set(
                EvaluationCode.objects.filter(code__in=wanted).values_list("code", flat=True)
            )
            fresh |= wanted - taken
        codes = [EvaluationCode(training_class=training_class, code=code) for code in sorted(fresh)]
        EvaluationCode.objects.bulk_create(codes)
        _audit(
            Action.UPDATE,
            training_class,
            host_id=training_class.host_id,
            user=user,
            changes={"evaluation_codes_issued": count},
        )
    return codes


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def code_lookup(code: str) -> EvaluationCode:
    """The code a trainee typed (or scanned), any case and spacing; 404 when unknown."""
    cleaned = "".join((code or "").split()).upper()
    found = (
        EvaluationCode.objects.select_related("training_class")
        .filter(code=cleaned)
        .exclude(training_class__status=ClassStatus.ARCHIVED)
        .first()
    )
    if found is None:
        raise ResourceNotFound(_("This evaluation code is not valid."))
    return found


def evaluation_submit(*, code: str, session_pk, content, delivery, comment: str = "") -> Evaluation:
    """One code rates one session once, anonymously, on content and delivery (1–5)."""
    found = code_lookup(code)
    session = Session.objects.filter(
        pk=session_pk, training_class_id=found.training_class_id
    ).first()
    if session is None:
        raise ResourceNotFound()
    errors = {}
    for name, value in (("content", content), ("delivery", delivery)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            errors[name] = [_("A rating from 1 to 5.")]
    if len(comment or "") > 1000:
        errors["comment"] = [_("At most 1000 characters.")]
    if session.starts_at > timezone.now():
        raise InvalidTransition(_("This session has not taken place yet."))
    if errors:
        raise InvalidInput(errors=errors)
    try:
        with transaction.atomic():
            return Evaluation.objects.create(
                session=session,
                code=found,
                content=content,
                delivery=delivery,
                comment=(comment or "").strip(),
            )
    except IntegrityError:
        raise InvalidTransition(_("This code has already answered for this session.")) from None


def host_choices(user) -> Any:
    """The schools ``user`` may create a class for."""
    return Organization.objects.filter(pk__in=policy.hosts_for(user)).exclude(
        kind=OrganizationKind.DEPARTMENT
    )
