"""The rules of needs surveys, held here for every entry point (API, pages, admin, seed).

A survey, its questions, its anonymous one-time links and their answers. Refusals follow the
platform's order: out of sight 404, role 403, ``If-Match`` 412, status 409, input 400 naming
the field. Every change is written to the audit trail, except an answer: it is anonymous, and
an event would tie it to a time and an address.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import Action
from apps.audit.recorder import record
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.exceptions import (
    ActionDenied,
    InvalidInput,
    InvalidTransition,
    ResourceNotFound,
)
from apps.sharing.services import VersionMismatch
from apps.taxonomy.models import ThematicDomain

from . import policy
from .models import (
    Answer,
    Audience,
    Question,
    QuestionKind,
    Response,
    ResponseToken,
    Survey,
    SurveyStatus,
)

SURVEY_FIELDS = ("title", "intro", "audience", "opens_on", "closes_on")
MAX_LINKS = 500
MAX_OPTIONS = 20
MAX_TEXT = 2000
TOKEN_BYTES = 16  # secrets.token_urlsafe(16): 22 characters, 128 bits


def _audit(action: str, survey: Survey, *, user, changes: dict | None = None) -> None:
    record(
        action,
        model=Survey,
        object_id=survey.pk,
        object_repr=str(survey),
        organization_id=survey.owner_id,
        changes=changes or {},
        user=user,
    )


def _check_version(obj, expected_version) -> None:
    if expected_version is not None and expected_version != obj.version:
        raise VersionMismatch(
            _("It has changed since you read it (now version %(v)s): reload and try again.")
            % {"v": obj.version}
        )


# ---- reading ----------------------------------------------------------------------------------


def surveys_for(user):
    """The surveys ``user`` may see (the one read path of every entry point)."""
    return Survey.objects.filter(policy.visible_q(user))


def survey_get(user, pk) -> Survey:
    try:
        return surveys_for(user).select_related("owner").get(pk=pk)
    except (Survey.DoesNotExist, ValueError, TypeError):
        raise ResourceNotFound() from None


def _lock(user, pk) -> Survey:
    obj = survey_get(user, pk)
    return Survey.objects.select_for_update(of=("self",)).select_related("owner").get(pk=obj.pk)


def owner_choices(user):
    return Organization.objects.filter(pk__in=policy.owners_for(user))


# ---- the survey -------------------------------------------------------------------------------


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = (data.get("title") or "").strip()
    if "title" in data and not title:
        errors["title"] = [_("A title is required.")]
    if "title" in data:
        data["title"] = title
    if "audience" in data and data["audience"] not in Audience.values:
        errors["audience"] = [_("Schools, departments or trainees.")]
    opens, closes = data.get("opens_on"), data.get("closes_on")
    if opens and closes and closes < opens:
        errors["closes_on"] = [_("The survey cannot close before it opens.")]
    if errors:
        raise InvalidInput(errors=errors)
    return data


def survey_create(*, user, owner: Organization, data: dict[str, Any]) -> Survey:
    if not policy.can_create(user, owner):
        raise ActionDenied(
            _("Only the curators of a municipal or district school may start a survey for it.")
        )
    data = _clean({k: v for k, v in data.items() if k in SURVEY_FIELDS})
    if not data.get("title"):
        raise InvalidInput(errors={"title": [_("A title is required.")]})
    with transaction.atomic():
        survey = Survey.objects.create(owner=owner, created_by=user, **data)
        _audit(Action.CREATE, survey, user=user, changes={"title": survey.title})
    return survey


def survey_update(*, user, pk, data: dict[str, Any], expected_version=None) -> Survey:
    with transaction.atomic():
        survey = _lock(user, pk)
        policy.check_edit(user, survey)
        _check_version(survey, expected_version)
        data = {k: v for k, v in data.items() if k in SURVEY_FIELDS}
        merged = _clean(
            {
                "opens_on": survey.opens_on,
                "closes_on": survey.closes_on,
                **data,
            }
        )
        changes = {}
        for name in data:
            if getattr(survey, name) != merged[name]:
                changes[name] = [str(getattr(survey, name)), str(merged[name])]
                setattr(survey, name, merged[name])
        if "audience" in changes and survey.status != SurveyStatus.DRAFT:
            raise InvalidTransition(_("The audience can only be changed while a draft."))
        if changes:
            survey.version += 1
            survey.save()
            _audit(Action.UPDATE, survey, user=user, changes=changes)
    return survey


def survey_move(*, user, pk, status: str, expected_version=None) -> Survey:
    with transaction.atomic():
        survey = _lock(user, pk)
        policy.check_move(user, survey, status)
        _check_version(survey, expected_version)
        if status == SurveyStatus.OPEN and not survey.questions.exists():
            raise InvalidTransition(_("Add at least one question before opening the survey."))
        before = survey.status
        survey.status = status
        survey.version += 1
        survey.save(update_fields=["status", "version", "updated_at"])
        _audit(Action.UPDATE, survey, user=user, changes={"status": [before, status]})
    return survey


def survey_delete(*, user, pk) -> None:
    with transaction.atomic():
        survey = _lock(user, pk)
        policy.check_delete(user, survey)
        _audit(Action.DELETE, survey, user=user, changes={"title": survey.title})
        survey.delete()


# ---- questions --------------------------------------------------------------------------------


def _clean_options(kind: str, options) -> list[dict]:
    if kind != QuestionKind.CHOICE:
        return []
    if not isinstance(options, list) or not 2 <= len(options) <= MAX_OPTIONS:
        raise InvalidInput(
            errors={"options": [_("A choice needs 2 to %(n)s options.") % {"n": MAX_OPTIONS}]}
        )
    cleaned = []
    for option in options:
        if isinstance(option, str):
            option = {"label": option}
        if not isinstance(option, dict):
            raise InvalidInput(errors={"options": [_("Each option is a label and a weight.")]})
        label = str(option.get("label") or "").strip()
        weight = option.get("weight")
        if not label or len(label) > 200:
            raise InvalidInput(errors={"options": [_("Each option needs a label.")]})
        if weight is not None and (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not 0 <= weight <= 100
        ):
            raise InvalidInput(
                errors={"options": [_("An option's weight is a need from 0 to 100, or none.")]}
            )
        cleaned.append({"label": label, "weight": weight})
    return cleaned


def question_add(*, user, survey_pk, data: dict[str, Any]) -> Question:
    """``data``: text, domain (a ThematicDomain), kind, options (for a choice)."""
    with transaction.atomic():
        survey = _lock(user, survey_pk)
        policy.check_questions(user, survey)
        errors = {}
        text = (data.get("text") or "").strip()
        if not text:
            errors["text"] = [_("The question's text is required.")]
        kind = data.get("kind")
        if kind not in QuestionKind.values:
            errors["kind"] = [_("Rating, choice or free text.")]
        if not isinstance(data.get("domain"), ThematicDomain):
            errors["domain"] = [_("Choose the thematic domain this question measures.")]
        if errors:
            raise InvalidInput(errors=errors)
        options = _clean_options(kind, data.get("options"))
        last = survey.questions.order_by("-position").values_list("position", flat=True).first()
        question = Question.objects.create(
            survey=survey,
            position=(last or 0) + 1,
            text=text,
            domain=data["domain"],
            kind=kind,
            options=options,
        )
        survey.version += 1
        survey.save(update_fields=["version", "updated_at"])
        _audit(Action.UPDATE, survey, user=user, changes={"question_added": text})
    return question


def question_remove(*, user, survey_pk, pk) -> None:
    with transaction.atomic():
        survey = _lock(user, survey_pk)
        question = survey.questions.filter(pk=pk).first()
        if question is None:
            raise ResourceNotFound()
        policy.check_questions(user, survey)
        question.delete()
        survey.version += 1
        survey.save(update_fields=["version", "updated_at"])
        _audit(Action.UPDATE, survey, user=user, changes={"question_removed": question.text})


# ---- one-time links ---------------------------------------------------------------------------


def _fits(survey: Survey, organization: Organization) -> bool:
    if not organization.path.startswith(survey.owner.path):
        return False
    if survey.audience == Audience.SCHOOLS:
        return organization.is_school
    if survey.audience == Audience.DEPARTMENTS:
        return organization.kind == OrganizationKind.DEPARTMENT
    return True


def links_issue(
    *, user, survey_pk, count: int, organization: Organization | None = None
) -> list[ResponseToken]:
    """``count`` new one-time links, maybe tagged with the respondents' organisation (within
    the owner's network, of the survey's audience). The tokens are shown once."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_LINKS:
        raise InvalidInput(
            errors={"count": [_("Between 1 and %(n)s links at a time.") % {"n": MAX_LINKS}]}
        )
    with transaction.atomic():
        survey = _lock(user, survey_pk)
        policy.check_edit(user, survey)
        if organization is not None and not _fits(survey, organization):
            raise InvalidInput(
                errors={
                    "organization": [
                        _("Choose an organisation of this survey's audience in its network.")
                    ]
                }
            )
        fresh: dict[str, str] = {}  # digest → secret
        while len(fresh) < count:  # none already given to any survey (a collision: retry)
            wanted = {digest(s): s for s in (_new_token() for _n in range(count - len(fresh)))}
            taken = set(
                ResponseToken.objects.filter(token__in=list(wanted)).values_list("token", flat=True)
            )
            fresh.update({d: s for d, s in wanted.items() if d not in taken})
        tokens = []
        for hashed, secret in fresh.items():
            token = ResponseToken(survey=survey, token=hashed, organization=organization)
            token.secret = secret  # shown once, to the caller; never stored
            tokens.append(token)
        ResponseToken.objects.bulk_create(tokens)
        _audit(
            Action.UPDATE,
            survey,
            user=user,
            changes={
                "links_issued": count,
                "organization": organization.code if organization else None,
            },
        )
    return tokens


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(secret: str) -> str:
    """What is stored of a link's secret: its SHA-256, so the table gives no link away."""
    return hashlib.sha256(secret.encode()).hexdigest()


def is_answerable(survey: Survey, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        survey.status == SurveyStatus.OPEN
        and (survey.opens_on is None or survey.opens_on <= today)
        and (survey.closes_on is None or today <= survey.closes_on)
    )


def token_lookup(token: str) -> ResponseToken:
    """The link a respondent opened: 404 when unknown (a guess), 409 when spent or the survey
    is not taking answers."""
    cleaned = (token or "").strip()
    found = (
        ResponseToken.objects.select_related("survey", "survey__owner", "organization")
        .filter(token=digest(cleaned))
        .first()
        if 0 < len(cleaned) <= 64
        else None
    )
    if found is None:
        raise ResourceNotFound(_("This survey link is not valid."))
    if found.used_at is not None:
        raise InvalidTransition(_("This link has already been used: thank you for answering."))
    if not is_answerable(found.survey):
        raise InvalidTransition(_("This survey is not taking answers now."))
    return found


def area_of(organization: Organization | None, survey: Survey) -> Organization:
    """The column of the gap map an answer counts in: the district the respondent's
    organisation lies in, else the city level (the municipal school); untagged: the owner's."""
    org = organization or survey.owner
    codes = org.lineage_codes
    lineage = {
        o.kind: o
        for o in Organization.objects.filter(
            code__in=codes, kind__in=(OrganizationKind.DISTRICT, OrganizationKind.MUNICIPAL)
        )
    }
    return lineage.get(OrganizationKind.DISTRICT) or lineage.get(OrganizationKind.MUNICIPAL) or org


def need_of(question: Question, *, rating=None, choice=None) -> float | None:
    """The need an answer expresses, 0–100: a rating r gives (r − 1) × 25; a choice, its
    option's weight; free text, none."""
    if question.kind == QuestionKind.RATING and rating is not None:
        return (rating - 1) * 25.0
    if question.kind == QuestionKind.CHOICE and choice is not None:
        weight = question.options[choice].get("weight")
        return float(weight) if weight is not None else None
    return None


def response_submit(*, token: str, answers: dict) -> Response:
    """One link answers its survey once, anonymously. ``answers``: {question id: value}
    (a rating 1–5, an option's index, or text); a question may be left unanswered, not all."""
    found = token_lookup(token)
    survey = found.survey
    questions = {q.pk: q for q in survey.questions.all()}
    errors: dict[str, list[str]] = {}
    rows = []
    for raw_key, value in (answers or {}).items():
        try:
            qid = int(raw_key)
        except (TypeError, ValueError):
            qid = None
        question = questions.get(qid)
        key = f"answers.{raw_key}"
        if question is None:
            errors[key] = [_("No such question in this survey.")]
            continue
        if value in (None, ""):
            continue
        answer = Answer(question=question)
        if question.kind == QuestionKind.RATING:
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                errors[key] = [_("A rating from 1 to 5.")]
                continue
            answer.rating = value
        elif question.kind == QuestionKind.CHOICE:
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not 0 <= value < len(question.options)
            ):
                errors[key] = [_("Choose one of the options.")]
                continue
            answer.choice = value
        else:
            text = str(value).strip()
            if len(text) > MAX_TEXT:
                errors[key] = [_("At most %(n)s characters.") % {"n": MAX_TEXT}]
                continue
            if not text:
                continue
            answer.text = text
        answer.need = need_of(question, rating=answer.rating, choice=answer.choice)
        rows.append(answer)
    if errors:
        raise InvalidInput(errors=errors)
    if not rows:
        raise InvalidInput(errors={"answers": [_("Answer at least one question.")]})
    area = area_of(found.organization, survey)
    with transaction.atomic():
        # Spent on the day only: a time would line the spent links up with the answers'
        # order of arrival, and so tie each answer to the organisation its link was issued to.
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        spent = ResponseToken.objects.filter(pk=found.pk, used_at__isnull=True).update(
            used_at=today
        )
        if not spent:  # answered in between, by another request with the same link
            raise InvalidTransition(_("This link has already been used: thank you for answering."))
        response = Response.objects.create(
            survey=survey, area=area, submitted_on=timezone.localdate()
        )
        for row in rows:
            row.response = response
        try:
            Answer.objects.bulk_create(rows)
        except IntegrityError:  # pragma: no cover - one answer per question by construction
            raise InvalidInput(errors={"answers": [_("One answer per question.")]}) from None
    return response


# ---- results ----------------------------------------------------------------------------------


def results(survey: Survey) -> dict[str, Any]:
    """Per question: the answers counted, the mean need, and a rating's or choice's spread, and
    the texts (newest first, at most 200). Three queries."""
    from django.db.models import Avg, Count

    questions = list(survey.questions.select_related("domain"))
    spread: dict[int, dict[int, int]] = {}
    for row in (
        Answer.objects.filter(question__survey=survey)
        .exclude(rating__isnull=True, choice__isnull=True)
        .values("question_id", "rating", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        value = row["rating"] if row["rating"] is not None else row["choice"]
        spread.setdefault(row["question_id"], {})[value] = row["n"]
    totals = {
        row["question_id"]: row
        for row in Answer.objects.filter(question__survey=survey)
        .values("question_id")
        .annotate(n=Count("pk"), need=Avg("need"))
        .order_by()
    }
    texts: dict[int, list[str]] = {}
    for qid, text in (
        Answer.objects.filter(question__survey=survey)
        .exclude(text="")
        .order_by("-id")
        .values_list("question_id", "text")[:200]
    ):
        texts.setdefault(qid, []).append(text)
    out = []
    for q in questions:
        counts = spread.get(q.pk, {})
        if q.kind == QuestionKind.RATING:
            values = [{"label": str(r), "count": counts.get(r, 0)} for r in range(1, 6)]
        elif q.kind == QuestionKind.CHOICE:
            values = [
                {"label": o["label"], "weight": o.get("weight"), "count": counts.get(i, 0)}
                for i, o in enumerate(q.options)
            ]
        else:
            values = []
        total = totals.get(q.pk, {})
        need = total.get("need")
        out.append(
            {
                "question": q,
                "answers": total.get("n", 0),
                "need": round(need, 1) if need is not None else None,
                "values": values,
                "texts": texts.get(q.pk, []),
            }
        )
    return {
        "responses": survey.responses.count(),
        "questions": out,
    }


def link_counts(survey: Survey) -> dict[str, int]:
    from django.db.models import Count, Q

    return survey.tokens.aggregate(
        issued=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False))
    )
