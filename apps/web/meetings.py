"""The joint meeting's pages (联席会议): the partner departments' directory, the meetings with
their decisions, and each year's training plan.

Every page reads through ``apps.meetings.services`` (out of reach: 404) and writes through
them, like the API; a refusal is shown beside the field it names, with its status code. A
contact person is shown only to those ``apps.meetings.policy.may_read_contact`` allows.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.classes import policy as class_policy
from apps.classes.models import ClassTheme, TrainingClass
from apps.meetings import policy, services
from apps.meetings.models import ItemStatus, Meeting, MeetingStatus
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.exceptions import ResourceNotFound, SharingError
from apps.taxonomy.models import ThematicDomain

PAGE_SIZE = 20


def _apply_errors(form, exc: SharingError) -> None:
    for field, field_errors in (exc.errors or {}).items():
        name = field if field in form.fields else None
        for message in field_errors:
            form.add_error(name, message)
    if not exc.errors:
        form.add_error(None, str(exc.message))


def _status_of(exc: SharingError) -> int:
    return getattr(exc, "status_code", 400)


def _in_network(request) -> None:
    if not policy.in_network(request.user):
        raise Http404


def _network_orgs():
    return Organization.objects.exclude(kind=OrganizationKind.EXTERNAL).order_by("path")


# ---- forms ---------------------------------------------------------------------------------------


class PartnerForm(forms.Form):
    contact_name = forms.CharField(
        label=gettext_lazy("contact person"), max_length=50, required=False
    )
    contact_title = forms.CharField(
        label=gettext_lazy("contact's position"), max_length=100, required=False
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("contact's phone"), max_length=40, required=False
    )
    contact_email = forms.EmailField(label=gettext_lazy("contact's e-mail"), required=False)
    member = forms.BooleanField(label=gettext_lazy("member of the joint meeting"), required=False)
    member_since = forms.DateField(
        label=gettext_lazy("member since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    held_on = forms.DateField(
        label=gettext_lazy("date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=gettext_lazy("status"), choices=MeetingStatus.choices)
    attendees = forms.ModelMultipleChoiceField(
        label=gettext_lazy("attending organisations"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    attendee_names = forms.CharField(
        label=gettext_lazy("people present"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minutes = forms.CharField(
        label=gettext_lazy("minutes"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = _network_orgs()


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("decision"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("owner"), queryset=Organization.objects.none()
    )
    due_on = forms.DateField(
        label=gettext_lazy("due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _network_orgs()


class ItemForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    proposed_by = forms.ModelChoiceField(
        label=gettext_lazy("proposed by"), queryset=Organization.objects.none()
    )
    theme = forms.ModelChoiceField(
        label=gettext_lazy("theme"), queryset=ClassTheme.objects.all(), required=False
    )
    domains = forms.ModelMultipleChoiceField(
        label=gettext_lazy("thematic domains"),
        queryset=ThematicDomain.objects.all(),
        required=False,
    )
    target_trainees = forms.CharField(
        label=gettext_lazy("target trainees"), max_length=200, required=False
    )
    trainee_count = forms.IntegerField(
        label=gettext_lazy("planned number of trainees"),
        min_value=1,
        max_value=2000,
        required=False,
    )
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("proposed quarter"),
        choices=[("", "—"), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = _network_orgs()
        if not policy.is_recorder(user):
            orgs = orgs.filter(pk__in=policy.proposers_for(user))
        self.fields["proposed_by"].queryset = orgs


class DecideForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("status"),
        choices=[
            (ItemStatus.APPROVED, ItemStatus.APPROVED.label),
            (ItemStatus.DECLINED, ItemStatus.DECLINED.label),
        ],
    )
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("decided at"), queryset=Meeting.objects.none()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = services.meetings_for(user).filter(
            status=MeetingStatus.HELD
        )


class LinkClassesForm(forms.Form):
    classes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("classes"),
        queryset=TrainingClass.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, user, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classes"].queryset = (
            TrainingClass.objects.filter(class_policy.visible_q(user))
            .filter(start_date__year=year)
            .order_by("start_date", "id")
        )


# ---- partners ------------------------------------------------------------------------------------


@login_required
def partner_list(request):
    _in_network(request)
    departments = list(services.departments_for(request.user).order_by("path"))
    readable = services.contact_ids(request.user, departments)
    rows = [
        {
            "org": d,
            "partner": getattr(d, "partner", None) if hasattr(d, "partner") else None,
            "contact": d.pk in readable,
            "city": d.parent is not None and d.parent.kind == OrganizationKind.MUNICIPAL,
        }
        for d in departments
    ]
    return render(
        request,
        "web/meetings/partner_list.html",
        {
            "rows": rows,
            "members": sum(1 for r in rows if r["partner"] and r["partner"].member),
            "can_record": policy.is_recorder(request.user),
            "any_contact": bool(readable),
        },
    )


@login_required
def partner_edit(request, code):
    _in_network(request)
    try:
        department = services.departments_for(request.user).get(code=code)
    except Organization.DoesNotExist:
        raise Http404 from None
    if not policy.is_recorder(request.user):
        raise PermissionDenied(_("Only the municipal school's curators record the joint meeting."))
    partner = getattr(department, "partner", None) if hasattr(department, "partner") else None
    initial = {}
    if partner is not None:
        initial = {
            name: getattr(partner, name)
            for name in (*services.CONTACT_FIELDS, "member", "member_since")
        }
    form = PartnerForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(
                user=request.user, department=department, data=form.cleaned_data
            )
        except SharingError as exc:
            _apply_errors(form, exc)
            status = _status_of(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:partner-list")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "web/meetings/partner_form.html",
        {"form": form, "department": department},
        status=status,
    )


# ---- meetings ------------------------------------------------------------------------------------


@login_required
def meeting_list(request):
    meetings = services.meetings_for(request.user).select_related("convened_by")
    page = Paginator(meetings.order_by("-held_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/meetings/meeting_list.html",
        {
            "page": page,
            "can_record": policy.is_recorder(request.user),
            "overdue": services.overdue_decisions(request.user).count(),
            "plan_year": timezone.localdate().year,
        },
    )


def _meeting(request, pk) -> Meeting:
    try:
        return services.meeting_get(request.user, pk)
    except ResourceNotFound:
        raise Http404 from None


@login_required
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    can_record = policy.is_recorder(request.user)
    return render(
        request,
        "web/meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "decisions": list(meeting.decisions.all()),
            "items": list(
                meeting.plan_items.filter(plan__in=services.plans_for(request.user))
                .select_related("plan", "proposed_by")
                .order_by("plan__year", "id")
            ),
            "can_record": can_record,
            "decision_form": DecisionForm() if can_record else None,
        },
    )


def _meeting_form_page(request, meeting=None):
    if meeting is None and not policy.is_recorder(request.user):
        raise PermissionDenied(_("Only the municipal school's curators record the joint meeting."))
    initial = {}
    if meeting is not None:
        if not policy.is_recorder(request.user):
            raise PermissionDenied(
                _("Only the municipal school's curators record the joint meeting.")
            )
        initial = {
            "title": meeting.title,
            "held_on": meeting.held_on,
            "status": meeting.status,
            "attendees": list(meeting.attendees.all()),
            "attendee_names": meeting.attendee_names,
            "minutes": meeting.minutes,
        }
    form = MeetingForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["attendees"] = list(data["attendees"])
        try:
            if meeting is None:
                meeting = services.meeting_create(user=request.user, data=data)
            else:
                services.meeting_update(user=request.user, pk=meeting.pk, data=data)
        except SharingError as exc:
            _apply_errors(form, exc)
            status = _status_of(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:meeting-detail", pk=meeting.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "web/meetings/meeting_form.html",
        {"form": form, "meeting": meeting},
        status=status,
    )


@login_required
def meeting_create(request):
    return _meeting_form_page(request)


@login_required
def meeting_edit(request, pk):
    return _meeting_form_page(request, _meeting(request, pk))


@login_required
@require_POST
def decision_add(request, pk):
    meeting = _meeting(request, pk)
    if not policy.is_recorder(request.user):
        raise PermissionDenied(_("Only the municipal school's curators record the joint meeting."))
    form = DecisionForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.decision_add(user=request.user, meeting_pk=meeting.pk, data=form.cleaned_data)
        except SharingError as exc:
            _apply_errors(form, exc)
            status = _status_of(exc)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("web:meeting-detail", pk=meeting.pk)
    return render(
        request,
        "web/meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "decisions": list(meeting.decisions.all()),
            "items": [],
            "can_record": True,
            "decision_form": form,
        },
        status=status,
    )


@login_required
@require_POST
def decision_done(request, pk):
    try:
        decision = services.decision_get(request.user, pk)
    except ResourceNotFound:
        raise Http404 from None
    if not policy.is_recorder(request.user):
        raise PermissionDenied(_("Only the municipal school's curators record the joint meeting."))
    try:
        services.decision_update(
            user=request.user, pk=decision.pk, data={"done_on": timezone.localdate()}
        )
    except SharingError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Marked as done."))
    return redirect("web:meeting-detail", pk=decision.meeting_id)


# ---- the plan ------------------------------------------------------------------------------------


@login_required
def plan_index(request):
    _in_network(request)
    plan = services.plans_for(request.user).order_by("-year").first()
    year = plan.year if plan is not None else timezone.localdate().year
    return redirect("web:plan-detail", year=year)


def _plan_page(request, year, *, item_form=None, forms_for=None, status=200):
    _in_network(request)
    plans = services.plans_for(request.user)
    try:
        plan = services.plan_get(request.user, year)
    except ResourceNotFound:
        plan = None
    if plan is None and not policy.is_recorder(request.user):
        raise Http404
    can_record = policy.is_recorder(request.user)
    can_propose = "propose" in policy.allowed_actions(request.user)
    items = services.plan_items(request.user, plan) if plan is not None else []
    forms_for = forms_for or {}
    for item in items:
        if can_record and item.status == ItemStatus.PROPOSED:
            item.decide_form = forms_for.get(("decide", item.pk)) or DecideForm(
                user=request.user, prefix=f"d{item.pk}"
            )
        if can_record and item.status == ItemStatus.APPROVED:
            item.link_form = forms_for.get(("link", item.pk)) or LinkClassesForm(
                user=request.user,
                year=plan.year,
                prefix=f"c{item.pk}",
                initial={"classes": item.visible_classes},
            )
    return render(
        request,
        "web/meetings/plan_detail.html",
        {
            "plan": plan,
            "year": int(year),
            "years": list(plans.order_by("-year").values_list("year", flat=True)),
            "items": items,
            "approved": sum(1 for i in items if i.status == ItemStatus.APPROVED),
            "can_record": can_record,
            "item_form": (item_form or ItemForm(user=request.user))
            if can_propose and plan
            else None,
        },
        status=status,
    )


@login_required
def plan_detail(request, year):
    return _plan_page(request, year)


@login_required
@require_POST
def plan_create(request, year):
    _in_network(request)
    try:
        services.plan_create(user=request.user, year=year)
    except SharingError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(str(exc.message)) from None
        messages.error(request, str(exc.message))
    return redirect("web:plan-detail", year=year)


@login_required
@require_POST
def item_propose(request, year):
    _in_network(request)
    try:
        plan = services.plan_get(request.user, year)
    except ResourceNotFound:
        raise Http404 from None
    if "propose" not in policy.allowed_actions(request.user):
        raise PermissionDenied(_("You may not propose items of the plan."))
    form = ItemForm(request.POST, user=request.user)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["domains"] = list(data["domains"])
        try:
            services.item_propose(user=request.user, plan=plan, data=data)
        except SharingError as exc:
            _apply_errors(form, exc)
            return _plan_page(request, year, item_form=form, status=_status_of(exc))
        messages.success(request, _("Item proposed."))
        return redirect("web:plan-detail", year=year)
    return _plan_page(request, year, item_form=form, status=400)


def _item(request, pk):
    try:
        return services.item_get(request.user, pk)
    except ResourceNotFound:
        raise Http404 from None


@login_required
@require_POST
def item_decide(request, pk):
    item = _item(request, pk)
    if not policy.is_recorder(request.user):
        raise PermissionDenied(_("Only the municipal school's curators record the joint meeting."))
    form = DecideForm(request.POST, user=request.user, prefix=f"d{item.pk}")
    if form.is_valid():
        try:
            services.item_decide(
                user=request.user,
                pk=item.pk,
                status=form.cleaned_data["status"],
                meeting=form.cleaned_data["meeting"],
            )
        except SharingError as exc:
            _apply_errors(form, exc)
            return _plan_page(
                request,
                item.plan.year,
                forms_for={("decide", item.pk): form},
                status=_status_of(exc),
            )
        messages.success(request, _("Decision recorded."))
        return redirect("web:plan-detail", year=item.plan.year)
    return _plan_page(request, item.plan.year, forms_for={("decide", item.pk): form}, status=400)


@login_required
@require_POST
def item_classes(request, pk):
    item = _item(request, pk)
    if not policy.is_recorder(request.user):
        raise PermissionDenied(_("Only the municipal school's curators record the joint meeting."))
    form = LinkClassesForm(
        request.POST, user=request.user, year=item.plan.year, prefix=f"c{item.pk}"
    )
    if form.is_valid():
        try:
            services.item_link_classes(
                user=request.user, pk=item.pk, classes=list(form.cleaned_data["classes"])
            )
        except SharingError as exc:
            _apply_errors(form, exc)
            return _plan_page(
                request, item.plan.year, forms_for={("link", item.pk): form}, status=_status_of(exc)
            )
        messages.success(request, _("Classes linked."))
        return redirect("web:plan-detail", year=item.plan.year)
    return _plan_page(request, item.plan.year, forms_for={("link", item.pk): form}, status=400)
