"""The permission matrix, surveys section: who may see and change a needs survey, through
the API (apps/surveys/policy.py).

The survey is 禅城区委党校's (440604), a draft. Every persona meets every action:

    persona        seat                          list  read  edit  question  links  results
    dA_curator     owner, curator                yes   200   200   201       201    200
    muni_curator   city above, curator           yes   200   403   403       403    200
    muni_admin     city above, admin             yes   200   403   403       403    200
    dA_teacher     owner, teacher                no    404   404   404       404    404
    muni_teacher   city above, teacher           no    404   404   404       404    404
    dB_curator     another district, curator     no    404   404   404       404    404
    tA_curator     a town below, curator         no    404   404   404       404    404
    dept           a department, submitter       no    404   404   404       404    404
    anonymous      no account                    401   401   401   401       401    401

A refused change leaves the survey, its questions and links as they were. A respondent
holding a link may answer that survey only (test_api.py), and sees nothing else.
"""

import pytest
from rest_framework.test import APIClient

from apps.surveys.models import Question, ResponseToken, Survey

from .helpers import make_survey

pytestmark = pytest.mark.django_db

OWNER = {"list": True, "read": 200, "edit": 200, "question": 201, "links": 201, "results": 200}
ABOVE = {"list": True, "read": 200, "edit": 403, "question": 403, "links": 403, "results": 200}
OUT = {"list": False, "read": 404, "edit": 404, "question": 404, "links": 404, "results": 404}
MATRIX = {
    "dA_curator": OWNER,
    "muni_curator": ABOVE,
    "muni_admin": ABOVE,
    "dA_teacher": OUT,
    "muni_teacher": OUT,
    "dB_curator": OUT,
    "tA_curator": OUT,
    "dept": OUT,
}


def _state(survey):
    return (
        Survey.objects.values().get(pk=survey.pk),
        list(Question.objects.filter(survey=survey).values()),
        ResponseToken.objects.filter(survey=survey).count(),
    )


@pytest.mark.parametrize("who", sorted(MATRIX))
@pytest.mark.parametrize("what", ["list", "read", "edit", "question", "links", "results"])
def test_matrix(persona, who, what):
    survey = make_survey(persona("dA_curator"), owner="440604", open_it=False)
    client = APIClient()
    client.force_authenticate(persona(who))
    expected = MATRIX[who][what]
    before = _state(survey)
    url = f"/api/v1/surveys/{survey.pk}/"
    if what == "list":
        ids = [s["id"] for s in client.get("/api/v1/surveys/").json()]
        assert (survey.pk in ids) is expected
        return
    if what == "read":
        response = client.get(url)
    elif what == "edit":
        response = client.patch(url, {"title": "改过的"}, format="json")
    elif what == "question":
        response = client.post(
            url + "questions/",
            {"text": "新问题", "domain": "talent", "kind": "rating"},
            format="json",
        )
    elif what == "links":
        response = client.post(url + "links/", {"count": 2}, format="json")
    else:
        response = client.get(url + "results/")
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert _state(survey) == before


@pytest.mark.parametrize("what", ["list", "read", "results"])
def test_anonymous_is_asked_to_sign_in(persona, what):
    survey = make_survey(persona("dA_curator"), owner="440604")
    url = {
        "list": "/api/v1/surveys/",
        "read": f"/api/v1/surveys/{survey.pk}/",
        "results": f"/api/v1/surveys/{survey.pk}/results/",
    }[what]
    assert APIClient().get(url).status_code == 401


@pytest.mark.parametrize(
    "who,expected",
    [
        ("muni_curator", 200),
        ("muni_teacher", 200),
        ("dA_curator", 200),
        ("dA_teacher", 200),
        ("tA_curator", 403),
        ("dept", 403),
    ],
)
def test_gap_map_readers(persona, who, expected):
    client = APIClient()
    client.force_authenticate(persona(who))
    assert client.get("/api/v1/gap-map/").status_code == expected
