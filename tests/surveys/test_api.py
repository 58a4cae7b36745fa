"""Surveys over HTTP: build, open, issue links (returned once), answer without an account,
the guard against guessing, results and the gap map's JSON, with their query budgets."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from apps.classes import guard
from apps.surveys.models import Response, ResponseToken
from tests.helpers import assert_problem

from .helpers import links, make_survey, questions

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_build_open_and_issue_links(persona):
    client = _client(persona("muni_curator"))
    created = client.post(
        "/api/v1/surveys/",
        {"owner": "440600", "title": "部门需求调研", "audience": "departments"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created["ETag"] == '"1"'
    added = client.post(
        f"/api/v1/surveys/{pk}/questions/",
        {
            "text": "金融领域课程需求",
            "domain": "finance",
            "kind": "choice",
            "options": [{"label": "急需", "weight": 100}, {"label": "不需要", "weight": 0}],
        },
        format="json",
    )
    assert added.status_code == 201, added.content
    assert_problem(
        client.post(
            f"/api/v1/surveys/{pk}/questions/",
            {"text": "x", "domain": "finance", "kind": "poll"},
            format="json",
        ),
        400,
        ["kind"],
    )
    moved = client.post(f"/api/v1/surveys/{pk}/move/", {"status": "open"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "open"
    assert_problem(
        client.post(
            f"/api/v1/surveys/{pk}/questions/",
            {"text": "晚了", "domain": "finance", "kind": "rating"},
            format="json",
        ),
        409,
    )
    issued = client.post(
        f"/api/v1/surveys/{pk}/links/", {"count": 3, "organization": "440600-fgj"}, format="json"
    )
    assert issued.status_code == 201
    body = issued.json()["links"]
    assert len(body) == 3 and all(link["url"].endswith(f"/s/{link['token']}/") for link in body)
    stored = set(ResponseToken.objects.values_list("token", flat=True))
    assert not stored & {link["token"] for link in body}
    assert_problem(
        client.post(
            f"/api/v1/surveys/{pk}/links/", {"count": 1, "organization": "440604"}, format="json"
        ),
        400,
        ["organization"],
    )
    assert_problem(client.post(f"/api/v1/surveys/{pk}/links/", {"count": 0}, format="json"), 400)


def test_answer_once_without_an_account(persona):
    curator = persona("muni_curator")
    survey = make_survey(curator)
    rating, choice, text = questions(survey)
    [token] = links(curator, survey, at="440605")
    anonymous = APIClient()
    answer = {"token": token, "answers": {str(rating.pk): 4, str(choice.pk): 0, str(text.pk): "好"}}
    response = anonymous.post("/api/v1/survey-responses/", answer, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"survey": survey.pk, "answers": 3}
    assert_problem(anonymous.post("/api/v1/survey-responses/", answer, format="json"), 409)
    assert Response.objects.get().area.code == "440605"
    bad = {"token": links(curator, survey)[0], "answers": {str(rating.pk): 0}}
    assert_problem(
        anonymous.post("/api/v1/survey-responses/", bad, format="json"),
        400,
        [f"answers.{rating.pk}"],
    )
    assert Response.objects.count() == 1


@override_settings()
def test_guessing_links_locks_the_address(persona, monkeypatch):
    curator = persona("muni_curator")
    survey = make_survey(curator)
    rating = questions(survey)[0]
    [token] = links(curator, survey)
    monkeypatch.setattr(guard, "EVALUATE_MAX_FAILURES", 3)
    anonymous = APIClient()
    for n in range(3):
        assert_problem(
            anonymous.post(
                "/api/v1/survey-responses/",
                {"token": f"guess{n}", "answers": {str(rating.pk): 3}},
                format="json",
            ),
            404,
        )
    locked = anonymous.post(
        "/api/v1/survey-responses/", {"token": token, "answers": {str(rating.pk): 3}}, format="json"
    )
    assert locked.status_code == 429 and locked["Retry-After"]
    assert not Response.objects.exists()
    other = APIClient(REMOTE_ADDR="203.0.113.9")
    assert (
        other.post(
            "/api/v1/survey-responses/",
            {"token": token, "answers": {str(rating.pk): 3}},
            format="json",
        ).status_code
        == 201
    )


def test_results_and_gap_map(persona, django_assert_max_num_queries):
    curator = persona("muni_curator")
    survey = make_survey(curator)
    rating = questions(survey)[0]
    for at, value in (("440604", 5), ("440604010", 4), ("440606", 2)):
        [token] = links(curator, survey, at=at)
        APIClient().post(
            "/api/v1/survey-responses/",
            {"token": token, "answers": {str(rating.pk): value}},
            format="json",
        )
    client = _client(curator)
    results = client.get(f"/api/v1/surveys/{survey.pk}/results/").json()
    assert results["responses"] == 3
    first = results["questions"][0]
    assert (first["answers"], first["need"]) == (3, round((100 + 75 + 25) / 3, 1))
    client.get("/api/v1/gap-map/")  # warm the session's caches
    with django_assert_max_num_queries(14):
        body = client.get("/api/v1/gap-map/").json()
    row = next(d for d in body["domains"] if d["code"] == "industrial-system")
    cell = {c["area"]: c for c in row["cells"]}
    assert (cell["440604"]["need"], cell["440604"]["answers"]) == (87.5, 2)
    assert cell["440607"]["need"] is None
    assert set(body["definitions"]) == {"need", "area", "resources", "classes", "supply", "gap"}
    only = client.get(f"/api/v1/gap-map/?survey={survey.pk}")
    assert only.status_code == 200
    assert_problem(client.get("/api/v1/gap-map/?survey=999999"), 400, ["survey"])


def test_survey_list_query_budget(persona, django_assert_max_num_queries):
    curator = persona("muni_curator")
    for n in range(3):
        make_survey(curator, title=f"调研{n}")
    client = _client(curator)
    client.get("/api/v1/surveys/")
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/surveys/").json()) == 3
    for n in range(5):
        make_survey(curator, title=f"更多{n}")
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/surveys/").json()) == 8
