"""Evaluations (评教) and what they feed: the code sheets a class's editors print, the
trainees' pages (public, no account, anonymous), a course's or lecturer's "taught in classes"
on its library page, a lecturer's teaching record (page and .xlsx), and the site owners'
visit requests and calendars.

Every rule is apps.classes's (services, policy, records); these views translate HTTP and forms
to those calls and their refusals to pages: out of sight 404, not allowed 403, a status that
does not allow it 409, wrong input 400 with the message beside its field and the input kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from apps.accounts.client import client_address
from apps.classes import guard, policy, records, services, sheets
from apps.classes.models import Evaluation, EvaluationCode, VisitStatus
from apps.exchange.http import xlsx_response
from apps.sharing.exceptions import (
    ActionDenied,
    InvalidInput,
    InvalidTransition,
    ResourceNotFound,
)
from apps.sharing.registry import get_library

TAUGHT_LIMIT = 50  # sessions listed on a library page
COMMENTS_LIMIT = 20
ANSWERED_VISITS_SHOWN = 100


# ---- helpers -----------------------------------------------------------------------------------


def _class_or_404(user, pk):
    try:
        return services.class_get(user, pk)
    except ResourceNotFound:
        raise Http404 from None


def _apply_errors(form, exc) -> None:
    """A service's refusal beside the form's fields (or above it when it names none)."""
    errors = dict(getattr(exc, "errors", None) or {})
    for name, field_errors in errors.items():
        target = name if name in form.fields else None
        for message in field_errors:
            form.add_error(target, message)
    if not errors:
        form.add_error(None, str(exc.message))


def qr_svg(url: str, label: str) -> str:
    """An inline SVG QR code for ``url``, made here (no outside service), with a title."""
    return segno.make(url, error="m").svg_inline(scale=3, title=label, svgclass="qr", omitsize=True)


# ---- codes and their sheet -----------------------------------------------------------------------


class IssueForm(forms.Form):
    count = forms.IntegerField(label=gettext_lazy("Number of codes"))


@login_required
def class_codes(request, pk):
    """Issue a class's evaluation codes and print them: one card per code with its QR code."""
    training_class = _class_or_404(request.user, pk)
    refusal = None
    try:
        policy.check_read_codes(request.user, training_class)  # the sheet, archived or not
        policy.check_edit(request.user, training_class)  # issuing more
    except ActionDenied as exc:
        raise PermissionDenied(str(exc.message)) from None
    except InvalidTransition as exc:  # archived: its codes no longer answer
        refusal = str(exc.message)
    status = 200
    form = IssueForm(initial={"count": training_class.trainee_count})
    if request.method == "POST" and refusal is None:
        form = IssueForm(request.POST)
        if form.is_valid():
            try:
                issued = services.codes_issue(
                    user=request.user, class_pk=training_class.pk, count=form.cleaned_data["count"]
                )
            except ResourceNotFound:
                raise Http404 from None
            except ActionDenied as exc:
                raise PermissionDenied(str(exc.message)) from None
            except (InvalidInput, InvalidTransition) as exc:
                _apply_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("%(n)s codes issued: print this sheet and hand one card to each trainee.")
                    % {"n": len(issued)},
                )
                target = reverse("web:class-codes", args=[training_class.pk])
                first = issued[0].pk if issued else None
                return redirect(f"{target}?from={first}" if first else target)
        else:
            status = 400
    elif request.method == "POST":
        status = 409
    codes = EvaluationCode.objects.filter(training_class=training_class).order_by("id")
    since = request.GET.get("from", "")
    if since.isdigit():
        codes = codes.filter(pk__gte=int(since))
    answer_url = request.build_absolute_uri(reverse("web:evaluate"))
    cards = [
        {
            "code": code.code,
            "qr": mark_safe(  # segno's own SVG markup; the code is letters and digits only
                qr_svg(
                    request.build_absolute_uri(reverse("web:evaluate-code", args=[code.code])),
                    _("QR code for evaluation code %(code)s") % {"code": code.code},
                )
            ),
        }
        for code in codes
    ]
    context = {
        "training_class": training_class,
        "form": form,
        "refusal": refusal,
        "cards": cards,
        "only_new": since.isdigit(),
        "answer_url": answer_url,
        "max_codes": services.MAX_CODES,
    }
    return render(request, "web/evaluations/codes.html", context, status=status)


# ---- the trainees' pages (public) ----------------------------------------------------------------


# Guessing codes: after too many unknown codes from one address, the trainees' pages (and
# the API) refuse that address for a while (apps.classes.guard).


def _locked(request) -> bool:
    return guard.locked(client_address(request))


def _record_failure(request) -> None:
    guard.failed(client_address(request))


def _too_many(request):
    return render(
        request,
        "web/evaluations/too_many.html",
        {"minutes": guard.lockout_minutes()},
        status=429,
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Evaluation code (评教码)"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


@never_cache
@csrf_protect
def evaluate(request):
    """Type the code printed on the card; an unknown one is said beside the field."""
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _locked(request):
            return _too_many(request)
        if form.is_valid():
            try:
                found = services.code_lookup(form.cleaned_data["code"])
            except ResourceNotFound as exc:
                _record_failure(request)
                form.add_error("code", str(exc.message))
            else:
                return redirect("web:evaluate-code", code=found.code)
        status = 400
    return render(request, "web/evaluations/enter_code.html", {"form": form}, status=status)


RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class AnswerForm(forms.Form):
    """One session's answer, read as typed: the ratings' range and the comment's length are
    the service's rules (``services.evaluation_submit``), shown beside these fields."""

    content = forms.CharField(
        label=gettext_lazy("Content (内容)"),
        required=False,
        widget=forms.RadioSelect(choices=RATING_CHOICES),
    )
    delivery = forms.CharField(
        label=gettext_lazy("Delivery (讲授)"),
        required=False,
        widget=forms.RadioSelect(choices=RATING_CHOICES),
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@dataclass
class Answerable:
    session: object
    answered: bool
    form: AnswerForm | None = None


@never_cache
@csrf_protect
def evaluate_code(request, code):
    """The class's sessions that have taken place, each answered once by this code."""
    if _locked(request):
        return _too_many(request)
    try:
        found = services.code_lookup(code)
    except ResourceNotFound:
        _record_failure(request)
        return render(request, "web/evaluations/unknown_code.html", {"code": code}, status=404)
    if found.code != code:
        return redirect("web:evaluate-code", code=found.code)
    status = 200
    bound_pk, bound = None, None
    if request.method == "POST":
        try:
            bound_pk = int(request.POST.get("session", ""))
        except ValueError:
            raise Http404 from None
        bound = AnswerForm(request.POST, prefix=f"s{bound_pk}")
        bound.is_valid()
        try:
            services.evaluation_submit(
                code=found.code,
                session_pk=bound_pk,
                content=_rating(bound, "content"),
                delivery=_rating(bound, "delivery"),
                comment=bound.data.get(bound.add_prefix("comment"), ""),
            )
        except ResourceNotFound:
            raise Http404 from None
        except (InvalidInput, InvalidTransition) as exc:
            _apply_errors(bound, exc)
            status = exc.status_code
        else:
            messages.success(request, _("Thank you: your answer is recorded."))
            return redirect(f"{reverse('web:evaluate-code', args=[found.code])}#s{bound_pk}")
    now = timezone.now()
    sessions = list(services.timetable(found.training_class).filter(starts_at__lte=now))
    answered = set(
        Evaluation.objects.filter(code=found, session__in=[s.pk for s in sessions]).values_list(
            "session_id", flat=True
        )
    )
    items = []
    for session in sessions:
        done = session.pk in answered
        if session.pk == bound_pk:
            form = bound  # the refused answer, its errors beside the fields, its input kept
        else:
            form = None if done else AnswerForm(prefix=f"s{session.pk}")
        items.append(Answerable(session, answered=done, form=form))
    context = {
        "code": found.code,
        "training_class": found.training_class,
        "items": items,
        "waiting": services.timetable(found.training_class).filter(starts_at__gt=now).count(),
    }
    return render(request, "web/evaluations/evaluate.html", context, status=status)


def _rating(form, name):
    """The rating as a number, or None (refused by the service) when it is no whole number."""
    value = form.data.get(form.add_prefix(name), "")
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---- "taught in classes" on a library page -------------------------------------------------------


def taught_context(obj, user) -> dict:
    """The library page's part about classes (``web/evaluations/_taught.html``): for a course
    or a lecturer where and when it was taught, its ratings and (for who may read them) the
    trainees' comments; for a site, the link to its calendar for its owner's members.

    Ratings and comments are only asked for when the resource was taught at all."""
    kind = obj._meta.model_name
    if kind == "teachingsite":
        return {
            "taught": {
                "kind": "site",
                "calendar": policy.can_see_site_calendar(user, obj),
                "decides": policy.can_decide_visit(user, obj),
            }
        }
    if kind not in ("course", "lecturer"):
        return {}
    sessions = records.sessions_of(obj, user, limit=TAUGHT_LIMIT)
    ratings, comments = None, None
    may_read = policy.can_read_comments(user, obj)
    if sessions:
        ratings = (records.course_ratings if kind == "course" else records.lecturer_ratings)(obj)
        if may_read:
            comments = list(records.comments_for(obj, user, limit=COMMENTS_LIMIT))
    if kind == "lecturer" and sessions:
        # A course's title shows only when the reader may see the class or the course.
        visible = set(
            get_library("courses")
            .model.objects.restrict(user, "view")
            .filter(pk__in={s.course_id for s in sessions})
            .values_list("pk", flat=True)
        )
        for session in sessions:
            session.course_visible = session.class_visible or session.course_id in visible
    return {
        "taught": {
            "kind": kind,
            "sessions": sessions,
            "ratings": ratings,
            "comments": comments,
            "may_read_comments": may_read,
            "limit": TAUGHT_LIMIT,
        }
    }


# ---- a lecturer's teaching record ----------------------------------------------------------------


def _lecturer_or_404(user, pk):
    model = get_library("faculty").model
    try:
        return model.objects.restrict(user, "view").select_related("owner").get(pk=pk)
    except (model.DoesNotExist, ValueError):
        raise Http404 from None


@login_required
def lecturer_record(request, pk):
    """A lecturer's teaching record (授课记录) per year, for whoever may see the lecturer."""
    lecturer = _lecturer_or_404(request.user, pk)
    rows = records.lecturer_record(lecturer)
    totals = {
        "classes": sum(r.classes for r in rows),
        "sessions": sum(r.sessions for r in rows),
        "hours": round(sum(r.hours for r in rows), 1),
        "evaluations": sum(r.evaluations for r in rows),
    }
    context = {
        "lecturer": lecturer,
        "rows": rows,
        "totals": totals,
        "ratings": records.lecturer_ratings(lecturer) if rows else None,
    }
    return render(request, "web/evaluations/lecturer_record.html", context)


@login_required
def lecturer_record_xlsx(request, pk):
    lecturer = _lecturer_or_404(request.user, pk)
    content = sheets.lecturer_record_workbook(lecturer)
    day = timezone.localdate().isoformat()
    return xlsx_response(
        content,
        (
            _("Teaching record %(name)s %(date)s.xlsx") % {"name": lecturer.title, "date": day},
            f"lecturer-{lecturer.pk}-record-{day}.xlsx",
        ),
    )


# ---- site visits: requests to answer, a site's calendar ------------------------------------------


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (required to decline)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@login_required
def visits(request):
    """Visit requests to the sites of this person's organisations: confirm, or decline with a
    reason. A refused answer is shown beside its visit, the reason kept."""
    status = 200
    bound_pk, bound = None, None
    if request.method == "POST":
        try:
            bound_pk = int(request.POST.get("visit", ""))
        except ValueError:
            raise Http404 from None
        decision = request.POST.get("decision")
        bound = DecisionForm(request.POST, prefix=f"v{bound_pk}")
        bound.is_valid()
        if decision not in ("confirm", "decline"):
            bound.add_error(None, _("Choose to confirm or to decline."))
            status = 400
        else:
            try:
                visit = services.visit_decide(
                    user=request.user,
                    pk=bound_pk,
                    confirm=decision == "confirm",
                    reason=bound.data.get(bound.add_prefix("reason"), ""),
                )
            except ResourceNotFound:
                raise Http404 from None
            except ActionDenied as exc:
                raise PermissionDenied(str(exc.message)) from None
            except (InvalidInput, InvalidTransition) as exc:
                _apply_errors(bound, exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("Visit confirmed.")
                    if visit.status == VisitStatus.CONFIRMED
                    # the site's owner said no: the class sees the reason
                    else _("Visit declined; the class's school sees your reason."),
                )
                return redirect("web:visits")
    rows = services.visits_to_decide(request.user)
    waiting = list(rows.filter(status=VisitStatus.REQUESTED))
    recent = list(
        rows.exclude(status=VisitStatus.REQUESTED).filter(
            starts_at__gte=timezone.now() - timedelta(days=30)
        )[:ANSWERED_VISITS_SHOWN]
    )
    for visit in waiting:
        visit.form = bound if visit.pk == bound_pk else DecisionForm(prefix=f"v{visit.pk}")
    if bound is not None and bound_pk not in {v.pk for v in waiting}:
        # Answered meanwhile (a 409): say so above the lists.
        for message in bound.non_field_errors():
            messages.error(request, message)
    context = {"waiting": waiting, "recent": recent, "days": 30}
    return render(request, "web/evaluations/visits.html", context, status=status)


@login_required
def site_calendar(request, pk):
    """A site's bookings by month and day, for the members of the site's owner."""
    model = get_library("sites").model
    site = model.objects.select_related("owner").filter(pk=pk).first()
    if site is None or not policy.can_see_site_calendar(request.user, site):
        raise Http404
    months: list[dict] = []
    for visit in services.visits_for_site(request.user, site).order_by("starts_at", "id"):
        local = timezone.localtime(visit.starts_at)
        month_key, day = (local.year, local.month), local.date()
        if not months or months[-1]["key"] != month_key:
            months.append({"key": month_key, "first": day, "days": []})
        days = months[-1]["days"]
        if not days or days[-1]["day"] != day:
            days.append({"day": day, "visits": []})
        days[-1]["visits"].append(visit)
    context = {
        "site": site,
        "months": months,
        "decides": policy.can_decide_visit(request.user, site),
    }
    return render(request, "web/evaluations/site_calendar.html", context)
