"""Surveys for the tests: an open survey of the municipal school with a rating, a weighted
choice and a free-text question, and links to answer it."""

from apps.organizations.models import Organization
from apps.surveys import services
from apps.surveys.models import Survey
from apps.taxonomy.models import ThematicDomain


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def domain(code: str = "industrial-system") -> ThematicDomain:
    return ThematicDomain.objects.get(code=code)


def make_survey(user, *, owner="440600", audience="schools", open_it=True, **data) -> Survey:
    survey = services.survey_create(
        user=user,
        owner=org(owner),
        data={"title": data.pop("title", "2026年干部能力需求调研"), "audience": audience, **data},
    )
    services.question_add(
        user=user,
        survey_pk=survey.pk,
        data={"text": "制造业方面的培训需求？", "domain": domain(), "kind": "rating"},
    )
    services.question_add(
        user=user,
        survey_pk=survey.pk,
        data={
            "text": "金融赋能课程是否需要？",
            "domain": domain("finance"),
            "kind": "choice",
            "options": [
                {"label": "急需", "weight": 100},
                {"label": "需要", "weight": 50},
                {"label": "不需要", "weight": 0},
                {"label": "不清楚", "weight": None},
            ],
        },
    )
    services.question_add(
        user=user,
        survey_pk=survey.pk,
        data={"text": "其他建议", "domain": domain(), "kind": "text"},
    )
    if open_it:
        services.survey_move(user=user, pk=survey.pk, status="open")
    survey.refresh_from_db()
    return survey


def links(user, survey, n=1, at=None) -> list[str]:
    tokens = services.links_issue(
        user=user, survey_pk=survey.pk, count=n, organization=org(at) if at else None
    )
    return [t.secret for t in tokens]


def questions(survey):
    return list(survey.questions.order_by("position"))
