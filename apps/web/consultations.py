"""The consultation reports' pages (咨政报告): the list with its filters, a report with its
file, the report form (file it, edit it) and the decision form (adopted or not).

Every page reads through ``services.reports_for`` / ``report_get`` (out of reach, by its
confidentiality: 404, the title never shown) and writes through the services
(apps.consultations.services), like the API; a refusal is shown beside the field it names,
the input kept, with the refusal's status code.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.classes.services import classes_for
from apps.consultations import policy, services
from apps.consultations.http import file_response
from apps.consultations.models import Report, ReportStatus
from apps.organizations.models import Organization
from apps.sharing.exceptions import (
    ActionDenied,
    InvalidTransition,
    ResourceNotFound,
    SharingError,
)
from apps.taxonomy.models import ThematicDomain

from .consultation_forms import DecisionForm, ReportForm

PAGE_SIZE = 20
YEARS = (1900, 2100)


def _get(user, pk) -> Report:
    try:
        return services.report_get(user, pk)
    except ResourceNotFound:
        raise Http404 from None


def _apply_errors(form, exc: SharingError, renamed: dict | None = None) -> None:
    renamed = renamed or {}
    for field, field_errors in (exc.errors or {}).items():
        name = renamed.get(field, field)
        name = name if name in form.fields else None
        for message in field_errors:
            form.add_error(name, message)
    if not exc.errors:
        form.add_error(None, str(exc.message))


def _status_of(exc: SharingError) -> int:
    return getattr(exc, "status_code", 400)


# ---- the list ---------------------------------------------------------------------------------


@login_required
def report_list(request):
    """The reports the reader may see, newest first, by year, school, status and domain."""
    reports = services.reports_for(request.user)
    years = [d.year for d in reports.dates("date", "year", order="DESC")]
    year = request.GET.get("year", "").strip()
    school = request.GET.get("school", "").strip()
    status = request.GET.get("status", "")
    domain = request.GET.get("domain", "").strip()
    q = request.GET.get("q", "").strip()[:100]
    if not (re.fullmatch(r"[0-9]{4}", year) and YEARS[0] <= int(year) <= YEARS[1]):
        year = ""
    if year:
        reports = reports.filter(date__year=int(year))
    if school:
        reports = reports.filter(owner__code=school)
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    else:
        status = ""
    if domain:
        reports = reports.filter(domains__code=domain)
    if q:
        reports = reports.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    page = Paginator(reports.select_related("owner").order_by("-date", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The schools to filter by: those with a report the reader may see (one query).
    schools = Organization.objects.filter(
        pk__in=services.reports_for(request.user).values("owner_id")
    ).order_by("path")
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "web/consultations/report_list.html",
        {
            "page": page,
            "years": years,
            "year": year,
            "school": school,
            "schools": schools,
            "status": status,
            "statuses": ReportStatus.choices,
            "domain": domain,
            "domains": ThematicDomain.objects.active().order_by("position", "code"),
            "q": q,
            "query": params.urlencode(),
            "filtered": bool(year or school or status or domain or q),
            "can_create": bool(policy.owners_for(request.user)),
        },
    )


# ---- one report -------------------------------------------------------------------------------


@login_required
def report_detail(request, pk):
    obj = _get(request.user, pk)
    actions = policy.allowed_actions(request.user, obj)
    klass = None
    if obj.training_class_id and classes_for(request.user).filter(pk=obj.training_class_id):
        klass = obj.training_class
    return render(
        request,
        "web/consultations/report_detail.html",
        {
            "obj": obj,
            "lecturers": services.lecturers_shown(request.user, obj).select_related("owner"),
            "domains": obj.domains.all(),
            "klass": klass,
            "can_edit": "edit" in actions,
            "can_decide": "adopt" in actions or "decline" in actions,
        },
    )


@login_required
def report_download(request, pk):
    try:
        obj = services.report_file(request.user, pk)
    except ResourceNotFound:
        raise Http404 from None
    return file_response(obj)


# ---- file and edit ----------------------------------------------------------------------------


@login_required
def report_create(request):
    if not policy.owners_for(request.user):
        raise PermissionDenied(_("Only teachers and curators of a school may file a report."))
    form = ReportForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.report_create(
                user=request.user,
                owner=form.cleaned_data["owner"],
                data=form.data_for_services(),
                upload=form.cleaned_data.get("file"),
            )
        except SharingError as exc:
            _apply_errors(form, exc)
            status = _status_of(exc)
        else:
            messages.success(request, _("Report filed."))
            return redirect("web:report-detail", pk=obj.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "web/consultations/report_form.html", {"form": form}, status=status)


@login_required
def report_edit(request, pk):
    obj = _get(request.user, pk)
    status = 200
    if request.method == "POST":
        try:
            policy.check_edit(request.user, obj)  # the role before the input, as the API
        except ActionDenied as exc:
            raise PermissionDenied(str(exc.message)) from None
        except InvalidTransition:
            pass  # the service answers 409 beside the form
        form = ReportForm(request.POST, request.FILES, user=request.user, obj=obj)
        if form.is_valid():
            try:
                services.report_update(
                    user=request.user,
                    pk=obj.pk,
                    data=form.data_for_services(),
                    upload=form.cleaned_data.get("file"),
                    expected_version=form.cleaned_data.get("version"),
                )
            except ResourceNotFound:
                raise Http404 from None
            except SharingError as exc:
                _apply_errors(form, exc)
                status = _status_of(exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("web:report-detail", pk=obj.pk)
        else:
            status = 400
    else:
        if "edit" not in policy.allowed_actions(request.user, obj):
            raise PermissionDenied(_("You may read this report but not change it."))
        form = ReportForm(initial=ReportForm.initial_of(obj), user=request.user, obj=obj)
    return render(
        request, "web/consultations/report_form.html", {"form": form, "obj": obj}, status=status
    )


# ---- the decision -----------------------------------------------------------------------------


@login_required
def report_decide(request, pk):
    obj = _get(request.user, pk)
    if not policy.may_decide(request.user, obj):
        raise PermissionDenied(
            _("Only curators of the owner school, or of a school above it, decide on a report.")
        )
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "adopt":
                    services.report_adopt(
                        user=request.user,
                        pk=obj.pk,
                        level=data.get("level") or "",
                        note=data.get("note") or "",
                        adopted_on=data.get("adopted_on"),
                        expected_version=data.get("version"),
                    )
                else:
                    services.report_decline(
                        user=request.user,
                        pk=obj.pk,
                        note=data.get("note") or "",
                        expected_version=data.get("version"),
                    )
            except ResourceNotFound:
                raise Http404 from None
            except SharingError as exc:
                _apply_errors(form, exc)
                status = _status_of(exc)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("web:report-detail", pk=obj.pk)
        else:
            status = 400
    else:
        form = DecisionForm(initial={"version": obj.version})
    return render(
        request, "web/consultations/report_decide.html", {"form": form, "obj": obj}, status=status
    )
