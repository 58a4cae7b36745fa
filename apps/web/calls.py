"""The calls' pages (征集): the list, a call with its invitees (answered, late, waiting) and
"answer with …" links, the publish/edit form and the close button.

Every page reads through ``services.calls_for`` / ``call_get`` (out of reach: 404) and writes
through the services (apps.calls.services), like the API; a refusal is shown beside the field
it names, the input kept, with the refusal's status code.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.actor import actor_for
from apps.calls import policy, services
from apps.calls.models import Call, CallStatus
from apps.organizations.models import Organization
from apps.sharing.exceptions import ResourceNotFound, SharingError
from apps.sharing.registry import get_library
from apps.taxonomy.models import ThematicDomain

from .class_forms import OrgChoiceField, OrgMultipleChoiceField, TermMultipleChoiceField

PAGE_SIZE = 20


class CallForm(forms.Form):
    organization = OrgChoiceField(
        queryset=Organization.objects.none(), label=gettext_lazy("Publishing school")
    )
    topic = forms.CharField(label=gettext_lazy("Topic"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    domains = TermMultipleChoiceField(
        queryset=ThematicDomain.objects.active(),
        label=gettext_lazy("Thematic domains"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds of resource wanted"), widget=forms.CheckboxSelectMultiple
    )
    invited = OrgMultipleChoiceField(
        queryset=Organization.objects.none(),
        label=gettext_lazy("Invited departments and schools"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    due_on = forms.DateField(
        label=gettext_lazy("Due on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, obj: Call | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = services.kind_choices()
        if obj is None:
            publishers = Organization.objects.filter(pk__in=policy.publishers_for(user))
            self.fields["organization"].queryset = publishers
            within = Q(pk__in=[])
            for school in publishers:
                within |= policy.invitable_q(school)
        else:
            del self.fields["organization"]
            within = policy.invitable_q(obj.organization)
        self.fields["invited"].queryset = Organization.objects.filter(within).order_by("path")

    @staticmethod
    def initial_of(call: Call) -> dict:
        return {
            "topic": call.topic,
            "description": call.description,
            "domains": list(call.domains.all()),
            "kinds": list(call.kinds),
            "invited": list(call.invited.all()),
            "due_on": call.due_on,
            "version": call.version,
        }

    def data_for_services(self) -> dict:
        data = self.cleaned_data
        return {
            "topic": data["topic"],
            "description": data.get("description", ""),
            "domains": list(data.get("domains") or []),
            "kinds": list(data["kinds"]),
            "invited": list(data["invited"]),
            "due_on": data["due_on"],
        }


def _get(user, pk) -> Call:
    try:
        return services.call_get(user, pk)
    except ResourceNotFound:
        raise Http404 from None


def _apply_errors(form, exc: SharingError) -> None:
    for field, field_errors in (exc.errors or {}).items():
        name = field if field in form.fields else None
        for message in field_errors:
            form.add_error(name, message)
    if not exc.errors:
        form.add_error(None, str(exc.message))


@login_required
def call_list(request):
    """The calls the reader may see: open first, nearest due date first; ``?status=``."""
    calls = services.calls_for(request.user)
    status = request.GET.get("status", "")
    if status in CallStatus.values:
        calls = calls.filter(status=status)
    mine = sorted(actor_for(request.user).org_ids)
    calls = (
        calls.select_related("organization")
        .annotate(
            answered=Count("answers__organization", distinct=True),
            invitees=Count("invited", distinct=True),
            invites_me=Count("invited", filter=Q(invited__in=mine), distinct=True),
        )
        .order_by("-status", "due_on", "-id")
    )
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/calls/call_list.html",
        {
            "page": page,
            "status": status,
            "statuses": CallStatus.choices,
            "today": services.local_today(),
            "can_create": bool(policy.publishers_for(request.user)),
        },
    )


@login_required
def call_detail(request, pk):
    call = _get(request.user, pk)
    rows = services.invitees_for(request.user, call)
    readable = services.readable_answers(request.user, [a for r in rows for a in r.answers])
    invited_ids = set(call.invited.values_list("pk", flat=True))
    answer_as = policy.answering_orgs(request.user, call, invited_ids)
    answer_links = []
    if answer_as:
        for key in call.kinds:
            library = get_library(key)
            answer_links.append(
                {
                    "label": library.item_label,
                    "url": f"{reverse('web:create', args=[key])}?call={call.pk}",
                }
            )
    invitees = [
        {
            "organization": r.organization,
            "state": r.state,
            # An answer the reader may not open (a private draft, say) counts in the state
            # but shows no title, as in the API.
            "answers": [
                {
                    "title": a.title,
                    "url": reverse("web:detail", args=[a.library, a.object_id]),
                    "answered_at": a.answered_at,
                }
                for a in r.answers
                if (a.library, a.object_id) in readable
            ],
        }
        for r in rows
    ]
    return render(
        request,
        "web/calls/call_detail.html",
        {
            "call": call,
            "kinds": [get_library(k).label for k in call.kinds],
            "invitees": invitees,
            "answer_links": answer_links,
            "actions": policy.allowed_actions(request.user, call),
            "counts": {
                state: sum(1 for r in rows if r.state == state)
                for state in ("answered", "late", "waiting")
            },
        },
    )


@login_required
def call_create(request):
    if not policy.publishers_for(request.user):
        raise PermissionDenied(
            _("Only curators of the municipal school or of a district school may publish a call.")
        )
    form = CallForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(
                user=request.user,
                organization=form.cleaned_data["organization"],
                **form.data_for_services(),
            )
        except SharingError as exc:
            _apply_errors(form, exc)
            status = getattr(exc, "status_code", 400)
        else:
            messages.success(request, _("Call published: the invitees are told."))
            return redirect("web:call-detail", pk=call.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "web/calls/call_form.html", {"form": form}, status=status)


@login_required
def call_edit(request, pk):
    call = _get(request.user, pk)
    if not policy.can_edit(request.user, call):
        raise PermissionDenied(_("Only the publishing school's curators may change this call."))
    status = 200
    if request.method == "POST":
        form = CallForm(request.POST, user=request.user, obj=call)
        if form.is_valid():
            try:
                services.call_update(
                    user=request.user,
                    pk=call.pk,
                    data=form.data_for_services(),
                    expected_version=form.cleaned_data.get("version"),
                )
            except SharingError as exc:
                _apply_errors(form, exc)
                status = getattr(exc, "status_code", 400)
            else:
                messages.success(request, _("Saved."))
                return redirect("web:call-detail", pk=call.pk)
        else:
            status = 400
    else:
        form = CallForm(initial=CallForm.initial_of(call), user=request.user, obj=call)
    return render(request, "web/calls/call_form.html", {"form": form, "call": call}, status=status)


@login_required
@require_POST
def call_close(request, pk):
    call = _get(request.user, pk)
    try:
        services.call_close(user=request.user, pk=call.pk)
    except SharingError as exc:
        if getattr(exc, "status_code", 400) == 403:
            raise PermissionDenied(str(exc.message)) from None
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The call is closed."))
    return redirect("web:call-detail", pk=call.pk)
