"""The training classes' pages (班次): the list, the class form, the timetable (课表) with its
session forms and status buttons, the printable timetable and its .xlsx.

Every page reads through ``services.classes_for`` / ``class_get`` (out of reach: 404) and
writes through the services (apps.classes.services), like the API; a refusal is shown beside
the field it names, the input kept, with the refusal's status code.
"""

from __future__ import annotations

import re
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.classes import policy, services
from apps.classes.exceptions import ScheduleClash
from apps.classes.models import ClassStatus, Session, SessionLecturer, TrainingClass
from apps.classes.timetable_sheet import timetable_workbook
from apps.sharing.exceptions import (
    ActionDenied,
    InvalidTransition,
    ResourceNotFound,
    SharingError,
)

from .class_forms import (
    COURSE,
    LECTURER,
    SESSION_FIELD_OF,
    ClassForm,
    SessionForm,
    class_days,
)

PAGE_SIZE = 20
YEARS = (1900, 2100)  # the years a list filters by, as the API's ``year`` accepts


def _get(user, pk) -> TrainingClass:
    try:
        return services.class_get(user, pk)
    except ResourceNotFound:
        raise Http404 from None


def _apply_errors(form, exc: SharingError, renamed: dict | None = None) -> None:
    """The services' refusal beside the fields it names (else above the form)."""
    renamed = renamed or {}
    if isinstance(exc, ScheduleClash):
        form.clash = exc.clash  # the template links to the class it clashes with, if visible
    for field, field_errors in (exc.errors or {}).items():
        name = renamed.get(field, field)
        name = name if name in form.fields else None
        for message in field_errors:
            form.add_error(name, message)
    if not exc.errors:
        form.add_error(None, str(exc.message))


def _kept_for_another_try(form, version: int) -> None:
    """Someone saved in between: the input stays, now against the version just read, so that
    saving again (after a look at the other change) overwrites it knowingly."""
    form.data = form.data.copy()
    form.data["version"] = version


def _status_of(exc: SharingError) -> int:
    return getattr(exc, "status_code", 400)


# ---- the list ---------------------------------------------------------------------------------


@login_required
def class_list(request):
    """The classes the reader may see, newest first, by year and status, a page at a time."""
    classes = services.classes_for(request.user)
    years = [d.year for d in classes.dates("start_date", "year", order="DESC")]
    year = request.GET.get("year", "").strip()
    status = request.GET.get("status", "")
    if not (re.fullmatch(r"[0-9]{4}", year) and YEARS[0] <= int(year) <= YEARS[1]):
        year = ""  # not a year (the API's bounds): no year filter, rather than a 500
    if year:
        classes = classes.filter(start_date__year=int(year))
    if status in ClassStatus.values:
        classes = classes.filter(status=status)
    page = Paginator(
        classes.select_related("host", "theme").order_by("-start_date", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "web/classes/class_list.html",
        {
            "page": page,
            "years": years,
            "year": year,
            "status": status,
            "statuses": ClassStatus.choices,
            "query": params.urlencode(),
            "can_create": bool(policy.hosts_for(request.user)),
        },
    )


# ---- create and edit --------------------------------------------------------------------------


@login_required
def class_create(request):
    if not policy.hosts_for(request.user):
        raise PermissionDenied(_("Only teachers and curators of a school may create a class."))
    form = ClassForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.class_create(
                user=request.user,
                host=form.cleaned_data["host"],
                data=form.data_for_services(),
            )
        except SharingError as exc:
            _apply_errors(form, exc)
            status = _status_of(exc)
        else:
            messages.success(request, _("Class created: now add its sessions."))
            return redirect("web:class-detail", pk=obj.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "web/classes/class_form.html", {"form": form}, status=status)


@login_required
def class_edit(request, pk):
    obj = _get(request.user, pk)
    status = 200
    if request.method == "POST":
        try:
            policy.check_edit(request.user, obj)  # the role before the input, as the API
        except ActionDenied as exc:
            raise PermissionDenied(str(exc.message)) from None
        except InvalidTransition:
            pass  # an archived class: the form's errors (400), else the service's 409
        form = ClassForm(request.POST, user=request.user, obj=obj)
        if form.is_valid():
            try:
                services.class_update(
                    user=request.user,
                    pk=obj.pk,
                    data=form.data_for_services(),
                    expected_version=form.cleaned_data.get("version"),
                )
            except ResourceNotFound:
                raise Http404 from None
            except SharingError as exc:
                _apply_errors(form, exc)
                status = _status_of(exc)
                if isinstance(exc, services.VersionMismatch):
                    _kept_for_another_try(form, TrainingClass.objects.get(pk=obj.pk).version)
            else:
                messages.success(request, _("Saved."))
                return redirect("web:class-detail", pk=obj.pk)
        else:
            status = 400
    else:
        if "edit" not in policy.allowed_actions(request.user, obj):
            raise PermissionDenied(_("You may read this class but not change it."))
        form = ClassForm(initial=ClassForm.initial_of(obj), user=request.user, obj=obj)
    return render(request, "web/classes/class_form.html", {"form": form, "obj": obj}, status=status)


# ---- the class and its timetable --------------------------------------------------------------


def _days(obj, sessions) -> list[dict]:
    """Every day of the class with its sessions (a day with none shows as such)."""
    by_day = {
        day: list(rows)
        for day, rows in groupby(sessions, key=lambda s: timezone.localtime(s.starts_at).date())
    }
    days = [{"date": day, "sessions": by_day.pop(day, [])} for day in class_days(obj)]
    # Sessions outside the class's days cannot be written; shown all the same if any are.
    days += [{"date": day, "sessions": rows} for day, rows in sorted(by_day.items())]
    return days


def _sessions(obj) -> list:
    """``services.timetable`` with each session's lecturers in the order they were entered
    (``lecturer_list``; the lecturers' own order is the newest profile first)."""
    seats = Prefetch(
        "teaching",
        queryset=SessionLecturer.objects.select_related("lecturer").order_by("id"),
        to_attr="seats",
    )
    sessions = list(services.timetable(obj).prefetch_related(None).prefetch_related(seats))
    for session in sessions:
        session.lecturer_list = [seat.lecturer for seat in session.seats]
    return sessions


def _timetable(user, obj) -> list:
    """The sessions with what the reader may open: the course's and lecturers' pages."""
    sessions = _sessions(obj)
    course_ids = {s.course_id for s in sessions}
    lecturer_ids = {lecturer.pk for s in sessions for lecturer in s.lecturer_list}
    visible_courses = set(
        COURSE.objects.restrict(user, "view").filter(pk__in=course_ids).values_list("pk", flat=True)
        if course_ids
        else []
    )
    visible_lecturers = set(
        LECTURER.objects.restrict(user, "view")
        .filter(pk__in=lecturer_ids)
        .values_list("pk", flat=True)
        if lecturer_ids
        else []
    )
    for session in sessions:
        session.course_visible = session.course_id in visible_courses
        session.lecturer_rows = [
            (lecturer, lecturer.pk in visible_lecturers) for lecturer in session.lecturer_list
        ]
        session.site_visit = getattr(session, "visit", None)
    return sessions


def _can_read_codes(user, obj) -> bool:
    try:
        policy.check_read_codes(user, obj)
    except ActionDenied:
        return False
    return True


def _orgs(obj) -> list:
    return [obj.host, *obj.partners.all()]


def _detail(request, obj, *, session_form=None, status=200):
    actions = policy.allowed_actions(request.user, obj)
    orgs = _orgs(obj)
    sessions = _timetable(request.user, obj)
    can_edit = "edit" in actions
    if can_edit and session_form is None:
        session_form = SessionForm(
            training_class=obj, orgs=orgs, initial={"day": obj.start_date.isoformat()}
        )
    context = {
        "obj": obj,
        "partners": orgs[1:],
        "domains": list(obj.domains.all()),
        "days": _days(obj, sessions),
        "session_count": len(sessions),
        "actions": actions,
        "can_edit": can_edit,
        # The codes sheet (apps/web/evaluations.py): whoever the policy lets read the codes.
        "can_see_codes": _can_read_codes(request.user, obj),
        "moves": [
            (a.split(":", 1)[1], ClassStatus(a.split(":", 1)[1]).label)
            for a in actions
            if a.startswith("move:")
        ],
        "session_form": session_form if can_edit else None,
    }
    return render(request, "web/classes/class_detail.html", context, status=status)


@login_required
def class_detail(request, pk):
    return _detail(request, _get(request.user, pk))


@login_required
@require_POST
def session_add(request, pk):
    obj = _get(request.user, pk)
    form = SessionForm(request.POST, training_class=obj, orgs=_orgs(obj))
    if not form.is_valid():
        if "edit" not in policy.allowed_actions(request.user, obj):
            raise PermissionDenied(_("You may read this class but not change it."))
        return _detail(request, obj, session_form=form, status=400)
    try:
        services.session_add(user=request.user, class_pk=obj.pk, data=form.session_input())
    except ResourceNotFound:
        raise Http404 from None
    except ActionDenied as exc:
        raise PermissionDenied(str(exc.message)) from None
    except SharingError as exc:
        if not exc.errors:  # nothing to show beside a field (an archived class): say so
            messages.error(request, str(exc.message))
            return redirect("web:class-detail", pk=obj.pk)
        _apply_errors(form, exc, SESSION_FIELD_OF)
        return _detail(request, _get(request.user, pk), session_form=form, status=_status_of(exc))
    messages.success(request, _("Session added."))
    return redirect("web:class-detail", pk=obj.pk)


@login_required
def session_edit(request, pk, sid):
    obj = _get(request.user, pk)
    try:
        session = services.session_get(request.user, obj.pk, sid)
    except ResourceNotFound:
        raise Http404 from None
    if "edit" not in policy.allowed_actions(request.user, obj):
        raise PermissionDenied(_("You may read this class but not change it."))
    status = 200
    orgs = _orgs(obj)
    if request.method == "POST":
        form = SessionForm(request.POST, training_class=obj, orgs=orgs)
        if form.is_valid():
            try:
                services.session_update(
                    user=request.user,
                    class_pk=obj.pk,
                    pk=session.pk,
                    data=form.session_input(),
                    expected_version=form.cleaned_data.get("version"),
                )
            except ResourceNotFound:
                raise Http404 from None
            except ActionDenied as exc:
                raise PermissionDenied(str(exc.message)) from None
            except SharingError as exc:
                _apply_errors(form, exc, SESSION_FIELD_OF)
                status = _status_of(exc)
                if isinstance(exc, services.VersionMismatch):
                    _kept_for_another_try(form, Session.objects.get(pk=session.pk).version)
            else:
                messages.success(request, _("Session saved."))
                return redirect("web:class-detail", pk=obj.pk)
        else:
            status = 400
    else:
        form = SessionForm(initial=SessionForm.initial_of(session), training_class=obj, orgs=orgs)
    return render(
        request,
        "web/classes/session_form.html",
        {"obj": obj, "session": session, "form": form},
        status=status,
    )


@login_required
@require_POST
def session_remove(request, pk, sid):
    obj = _get(request.user, pk)
    version = request.POST.get("version", "")
    try:
        services.session_remove(
            user=request.user,
            class_pk=obj.pk,
            pk=sid,
            expected_version=int(version) if version.isdigit() else None,
        )
    except ResourceNotFound:
        raise Http404 from None
    except ActionDenied as exc:
        raise PermissionDenied(str(exc.message)) from None
    except SharingError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Session removed."))
    return redirect("web:class-detail", pk=obj.pk)


@login_required
@require_POST
def class_move(request, pk):
    obj = _get(request.user, pk)
    version = request.POST.get("version", "")
    try:
        moved = services.class_move(
            user=request.user,
            pk=obj.pk,
            status=request.POST.get("status", ""),
            expected_version=int(version) if version.isdigit() else None,
        )
    except ResourceNotFound:
        raise Http404 from None
    except ActionDenied as exc:
        raise PermissionDenied(str(exc.message)) from None
    except SharingError as exc:
        details = "; ".join(m for errors in (exc.errors or {}).values() for m in errors)
        messages.error(request, f"{exc.message} {details}".strip())
    else:
        messages.success(
            request,
            _("The class is now “%(status)s”.") % {"status": moved.get_status_display()},
        )
    return redirect("web:class-detail", pk=obj.pk)


# ---- print and .xlsx --------------------------------------------------------------------------


@login_required
def class_print(request, pk):
    obj = _get(request.user, pk)
    sessions = _timetable(request.user, obj)
    return render(
        request,
        "web/classes/class_print.html",
        {
            "obj": obj,
            "partners": _orgs(obj)[1:],
            "days": [day for day in _days(obj, sessions) if day["sessions"]],
            "printed_at": timezone.localtime(),
        },
    )


UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@login_required
def class_xlsx(request, pk):
    obj = _get(request.user, pk)
    content = timetable_workbook(obj, _sessions(obj), partners=_orgs(obj)[1:])
    title = UNSAFE_IN_FILENAME.sub("_", obj.title).strip() or str(obj.pk)
    filename = f"{title}-课表.xlsx"
    return HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
