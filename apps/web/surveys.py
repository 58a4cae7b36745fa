"""Needs surveys' pages (需求调研): the list, the survey form, the builder (questions), the
one-time links (shown once, or downloaded as .xlsx), the results, and the respondents' page
``/s/<token>/`` (public, no account, anonymous).

Every rule is apps.surveys's (services, policy); these views translate forms to those calls
and their refusals to pages: out of sight 404, not allowed 403, a status that does not allow
it 409, wrong input 400 beside its field with the input kept.
"""

from __future__ import annotations

from io import BytesIO

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from apps.accounts.client import client_address
from apps.classes import guard
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.exceptions import (
    ActionDenied,
    InvalidInput,
    InvalidTransition,
    ResourceNotFound,
    SharingError,
)
from apps.surveys import policy, services
from apps.surveys.models import Audience, QuestionKind, SurveyStatus
from apps.taxonomy.models import ThematicDomain

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _get(user, pk):
    try:
        return services.survey_get(user, pk)
    except ResourceNotFound:
        raise Http404 from None


def _apply_errors(form, exc: SharingError, renamed: dict | None = None) -> None:
    renamed = renamed or {}
    errors = dict(exc.errors or {})
    for name, field_errors in errors.items():
        target = renamed.get(name, name)
        target = target if target in form.fields else None
        for message in field_errors:
            form.add_error(target, message)
    if not errors:
        form.add_error(None, str(exc.message))


# ---- forms -------------------------------------------------------------------------------------


class SurveyForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner school"), queryset=Organization.objects.none()
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    intro = forms.CharField(
        label=gettext_lazy("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown to respondents above the questions."),
    )
    audience = forms.ChoiceField(label=gettext_lazy("Audience"), choices=Audience.choices)
    opens_on = forms.DateField(
        label=gettext_lazy("Opens on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Closes on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user=None, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        if survey is not None:
            del self.fields["owner"]
            if survey.status != SurveyStatus.DRAFT:
                del self.fields["audience"]
        else:
            self.fields["owner"].queryset = services.owner_choices(user)

    def data_for_service(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "owner"}


class QuestionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Question"), max_length=500)
    domain = forms.ModelChoiceField(
        label=gettext_lazy("Thematic domain"), queryset=ThematicDomain.objects.active()
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=QuestionKind.choices)
    options = forms.CharField(
        label=gettext_lazy("Options (a choice)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One option a line; end it with “| weight” (0–100) if choosing it expresses a need,"
            " e.g. “Urgently needed | 100”."
        ),
    )

    def parsed_options(self) -> list:
        out = []
        for line in (self.cleaned_data.get("options") or "").splitlines():
            if not line.strip():
                continue
            label, _sep, weight = line.partition("|")
            weight = weight.strip()
            try:
                value = float(weight) if weight else None
            except ValueError:
                value = -1  # refused by the service, beside the field
            out.append({"label": label.strip(), "weight": value})
        return out


class LinksForm(forms.Form):
    count = forms.IntegerField(label=gettext_lazy("Number of links"), min_value=1)
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Respondents' organisation (optional)"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "Their answers then count for its district on the gap map. Never a person."
        ),
    )

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.filter(path__startswith=survey.owner.path)
        if survey.audience == Audience.SCHOOLS:
            orgs = orgs.exclude(kind=OrganizationKind.DEPARTMENT)
        elif survey.audience == Audience.DEPARTMENTS:
            orgs = orgs.filter(kind=OrganizationKind.DEPARTMENT)
        self.fields["organization"].queryset = orgs.order_by("path")


# ---- curators' pages ---------------------------------------------------------------------------


@login_required
def survey_list(request):
    surveys = (
        services.surveys_for(request.user)
        .select_related("owner")
        .order_by("-created_at", "-id")[:200]
    )
    return render(
        request,
        "web/surveys/survey_list.html",
        {
            "surveys": surveys,
            "can_create": bool(policy.owners_for(request.user)),
            "can_see_gaps": policy.can_see_gap_map(request.user),
        },
    )


@login_required
def survey_create(request):
    if not policy.owners_for(request.user):
        raise PermissionDenied(_("Only curators of a municipal or district school start surveys."))
    status = 200
    form = SurveyForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                survey = services.survey_create(
                    user=request.user,
                    owner=form.cleaned_data["owner"],
                    data=form.data_for_service(),
                )
            except ActionDenied as exc:
                raise PermissionDenied(str(exc.message)) from None
            except SharingError as exc:
                _apply_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Survey created: now add its questions."))
                return redirect("web:survey-detail", pk=survey.pk)
        else:
            status = 400
    return render(request, "web/surveys/survey_form.html", {"form": form}, status=status)


@login_required
def survey_edit(request, pk):
    survey = _get(request.user, pk)
    if "edit" not in policy.allowed_actions(request.user, survey):
        raise PermissionDenied(_("You may read this survey but not change it."))
    status = 200
    if request.method == "POST":
        form = SurveyForm(request.POST, survey=survey)
        if form.is_valid():
            try:
                services.survey_update(
                    user=request.user, pk=survey.pk, data=form.data_for_service()
                )
            except ActionDenied as exc:
                raise PermissionDenied(str(exc.message)) from None
            except SharingError as exc:
                _apply_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Survey saved."))
                return redirect("web:survey-detail", pk=survey.pk)
        else:
            status = 400
    else:
        form = SurveyForm(
            initial={name: getattr(survey, name) for name in services.SURVEY_FIELDS},
            survey=survey,
        )
    return render(
        request, "web/surveys/survey_form.html", {"form": form, "obj": survey}, status=status
    )


def _detail(request, survey, *, question_form=None, status=200):
    allowed = policy.allowed_actions(request.user, survey)
    return render(
        request,
        "web/surveys/survey_detail.html",
        {
            "obj": survey,
            "questions": survey.questions.select_related("domain"),
            "allowed": allowed,
            "moves": [a.split(":", 1)[1] for a in allowed if a.startswith("move:")],
            "question_form": question_form or (QuestionForm() if "questions" in allowed else None),
            "links": services.link_counts(survey),
            "answerable": services.is_answerable(survey),
        },
        status=status,
    )


@login_required
def survey_detail(request, pk):
    return _detail(request, _get(request.user, pk))


@login_required
@require_POST
def question_add(request, pk):
    survey = _get(request.user, pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _detail(request, survey, question_form=form, status=400)
    try:
        services.question_add(
            user=request.user,
            survey_pk=survey.pk,
            data={**form.cleaned_data, "options": form.parsed_options()},
        )
    except ActionDenied as exc:
        raise PermissionDenied(str(exc.message)) from None
    except SharingError as exc:
        _apply_errors(form, exc)
        return _detail(request, _get(request.user, pk), question_form=form, status=exc.status_code)
    messages.success(request, _("Question added."))
    return redirect(reverse("web:survey-detail", args=[survey.pk]) + "#questions")


@login_required
@require_POST
def question_remove(request, pk, qid):
    survey = _get(request.user, pk)
    try:
        services.question_remove(user=request.user, survey_pk=survey.pk, pk=qid)
    except ResourceNotFound:
        raise Http404 from None
    except ActionDenied as exc:
        raise PermissionDenied(str(exc.message)) from None
    except SharingError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Question removed."))
    return redirect("web:survey-detail", pk=survey.pk)


@login_required
@require_POST
def survey_move(request, pk):
    survey = _get(request.user, pk)
    try:
        moved = services.survey_move(
            user=request.user, pk=survey.pk, status=request.POST.get("status", "")
        )
    except ActionDenied as exc:
        raise PermissionDenied(str(exc.message)) from None
    except SharingError as exc:
        messages.error(request, str(exc.message))
        return redirect("web:survey-detail", pk=survey.pk)
    messages.success(
        request, _("The survey is now “%(status)s”.") % {"status": moved.get_status_display()}
    )
    return redirect("web:survey-detail", pk=survey.pk)


@login_required
@require_POST
def survey_delete(request, pk):
    survey = _get(request.user, pk)
    try:
        services.survey_delete(user=request.user, pk=survey.pk)
    except ActionDenied as exc:
        raise PermissionDenied(str(exc.message)) from None
    except SharingError as exc:
        messages.error(request, str(exc.message))
        return redirect("web:survey-detail", pk=survey.pk)
    messages.success(request, _("Survey deleted."))
    return redirect("web:survey-list")


def links_workbook(survey, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "links"
    ws.append([_("Survey"), survey.title])
    ws.append([])
    ws.append([_("Link"), _("Respondents' organisation")])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row["url"], row["organization"]])
    ws.column_dimensions["A"].width = 70
    ws.column_dimensions["B"].width = 40
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@login_required
def survey_links(request, pk):
    """Issue one-time links: shown once on the page that answers the form, or downloaded as
    .xlsx (``download``); only their digests are kept, so they cannot be shown again."""
    survey = _get(request.user, pk)
    try:
        policy.check_edit(request.user, survey)
    except ActionDenied as exc:
        raise PermissionDenied(str(exc.message)) from None
    except InvalidTransition as exc:
        messages.error(request, str(exc.message))
        return redirect("web:survey-detail", pk=survey.pk)
    status = 200
    issued = []
    form = LinksForm(request.POST or None, survey=survey)
    if request.method == "POST":
        if form.is_valid():
            try:
                tokens = services.links_issue(
                    user=request.user,
                    survey_pk=survey.pk,
                    count=form.cleaned_data["count"],
                    organization=form.cleaned_data["organization"],
                )
            except ActionDenied as exc:
                raise PermissionDenied(str(exc.message)) from None
            except (InvalidInput, InvalidTransition) as exc:
                _apply_errors(form, exc)
                status = exc.status_code
            else:
                org = form.cleaned_data["organization"]
                issued = [
                    {
                        "url": request.build_absolute_uri(
                            reverse("web:survey-answer", args=[t.secret])
                        ),
                        "organization": org.name if org else "",
                    }
                    for t in tokens
                ]
                if "download" in request.POST:
                    return HttpResponse(
                        links_workbook(survey, issued),
                        content_type=XLSX,
                        headers={
                            "Content-Disposition": content_disposition_header(
                                True, f"survey-{survey.pk}-links.xlsx"
                            ),
                            "Cache-Control": "private, no-store",
                        },
                    )
        else:
            status = 400
    response = render(
        request,
        "web/surveys/links.html",
        {
            "obj": survey,
            "form": form,
            "issued": issued,
            "links": services.link_counts(survey),
            "max_links": services.MAX_LINKS,
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def survey_results(request, pk):
    survey = _get(request.user, pk)
    return render(
        request,
        "web/surveys/results.html",
        {
            "obj": survey,
            "results": services.results(survey),
            "links": services.link_counts(survey),
        },
    )


# ---- the respondents' page (public) ------------------------------------------------------------


def answer_form(questions, data=None) -> forms.Form:
    form = forms.Form(data)
    for q in questions:
        name = f"q{q.pk}"
        if q.kind == QuestionKind.RATING:
            form.fields[name] = forms.TypedChoiceField(
                label=q.text,
                choices=[(str(n), str(n)) for n in range(1, 6)],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )
        elif q.kind == QuestionKind.CHOICE:
            form.fields[name] = forms.TypedChoiceField(
                label=q.text,
                choices=[(str(i), o["label"]) for i, o in enumerate(q.options)],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )
        else:
            form.fields[name] = forms.CharField(
                label=q.text,
                required=False,
                max_length=services.MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        form.fields[name].question = q
    return form


@never_cache
@csrf_protect
def survey_answer(request, token):
    """``/s/<token>/``: the survey's form, answered once, without an account."""
    address = client_address(request)
    if guard.locked(address):
        return render(
            request,
            "web/evaluations/too_many.html",
            {"minutes": guard.lockout_minutes()},
            status=429,
        )
    try:
        found = services.token_lookup(token)
    except ResourceNotFound as exc:
        guard.failed(address)
        return render(
            request, "web/surveys/answer_closed.html", {"message": str(exc.message)}, status=404
        )
    except InvalidTransition as exc:
        return render(
            request, "web/surveys/answer_closed.html", {"message": str(exc.message)}, status=409
        )
    survey = found.survey
    questions = list(survey.questions.all())
    status = 200
    form = answer_form(questions, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            answers = {
                str(f.question.pk): form.cleaned_data.get(name) for name, f in form.fields.items()
            }
            try:
                services.response_submit(token=token, answers=answers)
            except InvalidInput as exc:
                _apply_errors(form, exc, {f"answers.{q.pk}": f"q{q.pk}" for q in questions})
                status = 400
            except InvalidTransition as exc:
                return render(
                    request,
                    "web/surveys/answer_closed.html",
                    {"message": str(exc.message)},
                    status=409,
                )
            else:
                return render(request, "web/surveys/answer_done.html", {"survey": survey})
        else:
            status = 400
    return render(
        request,
        "web/surveys/answer.html",
        {"survey": survey, "form": form, "org": found.organization},
        status=status,
    )
