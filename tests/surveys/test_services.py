"""The survey's rules (apps.surveys.services): building, opening, links spent once, answers
anonymous, refusals that change nothing."""

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.sharing.exceptions import (
    ActionDenied,
    InvalidInput,
    InvalidTransition,
    ResourceNotFound,
)
from apps.surveys import services
from apps.surveys.models import Answer, Response, ResponseToken, Survey

from .helpers import domain, links, make_survey, org, questions

pytestmark = pytest.mark.django_db


def test_build_open_answer_and_results(persona):
    curator = persona("muni_curator")
    survey = make_survey(curator)
    assert survey.status == "open"
    rating, choice, text = questions(survey)
    [token] = links(curator, survey, at="440604010")  # a town of 禅城
    response = services.response_submit(
        token=token, answers={str(rating.pk): 5, str(choice.pk): 1, str(text.pk): " 多讲案例 "}
    )
    assert response.area.code == "440604"  # counts for its district
    needs = dict(Answer.objects.values_list("question_id", "need"))
    assert needs == {rating.pk: 100.0, choice.pk: 50.0, text.pk: None}
    result = services.results(survey)
    assert result["responses"] == 1
    by_question = {r["question"].pk: r for r in result["questions"]}
    assert by_question[rating.pk]["values"][4] == {"label": "5", "count": 1}
    assert by_question[text.pk]["texts"] == ["多讲案例"]


def test_a_link_is_spent_once_and_keeps_no_link_to_anyone(persona):
    curator = persona("muni_curator")
    survey = make_survey(curator)
    rating = questions(survey)[0]
    [token] = links(curator, survey)
    stored = ResponseToken.objects.get(survey=survey)
    assert stored.token != token and len(stored.token) == 64  # only a digest is kept
    services.response_submit(token=token, answers={str(rating.pk): 3})
    with pytest.raises(InvalidTransition):
        services.response_submit(token=token, answers={str(rating.pk): 1})
    assert Response.objects.filter(survey=survey).count() == 1
    fields = {f.name for f in Response._meta.get_fields()}
    assert not fields & {"token", "user", "created_by", "organization"}
    assert Response.objects.get().area.code == "440600"  # untagged: the owner's level
    # The link keeps the day it was spent, not the time: no ordering to match with answers.
    used = timezone.localtime(ResponseToken.objects.get(survey=survey).used_at)
    assert (used.hour, used.minute, used.second, used.microsecond) == (0, 0, 0, 0)


def test_unknown_token_is_404_and_a_guess_changes_nothing(persona):
    make_survey(persona("muni_curator"))
    with pytest.raises(ResourceNotFound):
        services.response_submit(token="guess", answers={"1": 3})
    assert not Response.objects.exists()


def test_bad_answers_name_the_question_and_spend_nothing(persona):
    curator = persona("muni_curator")
    survey = make_survey(curator)
    rating, choice, _text = questions(survey)
    [token] = links(curator, survey)
    with pytest.raises(InvalidInput) as caught:
        services.response_submit(token=token, answers={str(rating.pk): 9, str(choice.pk): 7})
    assert set(caught.value.errors) == {f"answers.{rating.pk}", f"answers.{choice.pk}"}
    with pytest.raises(InvalidInput):
        services.response_submit(token=token, answers={})
    assert ResponseToken.objects.get(survey=survey).used_at is None
    assert not Response.objects.exists()


def test_only_open_surveys_in_their_dates_take_answers(persona):
    curator = persona("muni_curator")
    survey = make_survey(curator, open_it=False)
    rating = questions(survey)[0]
    [token] = links(curator, survey)
    with pytest.raises(InvalidTransition):  # a draft
        services.response_submit(token=token, answers={str(rating.pk): 3})
    services.survey_move(user=curator, pk=survey.pk, status="open")
    services.survey_move(user=curator, pk=survey.pk, status="closed")
    with pytest.raises(InvalidTransition):
        services.response_submit(token=token, answers={str(rating.pk): 3})
    assert not Response.objects.exists()


def test_questions_only_while_draft_and_opening_needs_one(persona):
    curator = persona("muni_curator")
    empty = services.survey_create(
        user=curator, owner=org("440600"), data={"title": "空", "audience": "schools"}
    )
    with pytest.raises(InvalidTransition):
        services.survey_move(user=curator, pk=empty.pk, status="open")
    survey = make_survey(curator)
    before = survey.questions.count()
    with pytest.raises(InvalidTransition):
        services.question_add(
            user=curator,
            survey_pk=survey.pk,
            data={"text": "x", "domain": domain(), "kind": "rating"},
        )
    assert survey.questions.count() == before


def test_question_input_is_checked(persona):
    curator = persona("muni_curator")
    survey = make_survey(curator, open_it=False)
    with pytest.raises(InvalidInput) as caught:
        services.question_add(user=curator, survey_pk=survey.pk, data={"kind": "poll"})
    assert set(caught.value.errors) == {"text", "kind", "domain"}
    with pytest.raises(InvalidInput) as caught:
        services.question_add(
            user=curator,
            survey_pk=survey.pk,
            data={"text": "x", "domain": domain(), "kind": "choice", "options": ["only one"]},
        )
    assert set(caught.value.errors) == {"options"}


def test_links_checked_and_audited(persona):
    curator = persona("muni_curator")
    survey = make_survey(curator, audience="departments")
    with pytest.raises(InvalidInput) as caught:
        links(curator, survey, at="440604")  # a school: not this survey's audience
    assert set(caught.value.errors) == {"organization"}
    with pytest.raises(InvalidInput):
        services.links_issue(user=curator, survey_pk=survey.pk, count=0)
    assert not ResponseToken.objects.exists()
    tokens = links(curator, survey, n=5, at="440600-fgj")
    assert len(set(tokens)) == 5
    event = AuditEvent.objects.filter(object_id=str(survey.pk)).order_by("-id").first()
    assert event.changes["links_issued"] == 5


def test_refusals_change_nothing(persona):
    survey = make_survey(persona("dA_curator"), owner="440604", open_it=False)
    before = Survey.objects.values().get(pk=survey.pk)
    for name in ("muni_curator", "muni_admin"):  # curators above: read, 403 on change
        with pytest.raises(ActionDenied):
            services.survey_update(user=persona(name), pk=survey.pk, data={"title": "x"})
        with pytest.raises(ActionDenied):
            links(persona(name), survey)
    for name in ("dB_curator", "dA_teacher", "tA_curator", "dept"):
        with pytest.raises(ResourceNotFound):
            services.survey_update(user=persona(name), pk=survey.pk, data={"title": "x"})
    with pytest.raises(ActionDenied):
        services.survey_create(user=persona("tA_curator"), owner=org("440604010"), data={})
    assert Survey.objects.values().get(pk=survey.pk) == before
    assert not ResponseToken.objects.exists()


def test_token_collisions_are_retried(persona, monkeypatch):
    curator = persona("muni_curator")
    survey = make_survey(curator)
    [first] = links(curator, survey)
    given = iter([first, first, "fresh-token-1"])
    monkeypatch.setattr(services, "_new_token", lambda: next(given))
    [second] = links(curator, survey)
    assert second == "fresh-token-1"
    assert ResponseToken.objects.filter(survey=survey).count() == 2
