"""The permission matrix, call section (apps/calls/policy.py): who may see, change, close and
answer a call for contributions, at every tier, through the API.

The call is 禅城区委党校's (440604), inviting 祖庙街道党校 (440604010) and 禅城区工信局 (a
department of the district):

    persona        seat                          list  read  edit  close  answer (case)
    dA_curator     publisher, curator            yes   200   200   200    400 (not invited)
    dA_teacher     publisher, teacher            yes   200   403   403    400
    muni_curator   city above, curator           yes   200   403   403    400
    muni_teacher   city above, teacher           no    404   404   404    400
    tA_curator     invited school, curator       yes   200   403   403    201
    tA_teacher     invited school, teacher       yes   200   403   403    201
    tA_viewer      invited school, viewer        yes   200   403   403    (may not create)
    deptA          invited department            yes   200   403   403    201
    tA2_teacher    sibling town, not invited     no    404   404   404    400
    dB_curator     another district, curator     no    404   404   404    400
    dept           a city department             no    404   404   404    400
    ext_teacher    another city's school         no    404   404   404    400
    anonymous                                    401   401   401   401    401

A refused change leaves the call as it was (topic, status, version) and records nothing.
"""

import pytest

from apps.audit.models import AuditEvent
from apps.calls.models import Call, CallAnswer
from tests.calls.conftest import DEPT_A
from tests.conftest import ORG

pytestmark = pytest.mark.django_db

SEES = {
    "dA_curator",
    "dA_teacher",
    "muni_curator",
    "tA_curator",
    "tA_teacher",
    "tA_viewer",
    "deptA",
}
OUT = {"muni_teacher", "tA2_teacher", "dB_curator", "dept", "ext_teacher"}
EVERYONE = sorted(SEES | OUT)
COMPLETE = {  # a department's case goes straight to review: everything review needs
    "title": "响应征集",
    "background": "背景与经过。",
    "key_issues": "关键问题",
    "teaching_notes": "教学使用说明",
    "discussion_questions": "讨论题",
    "domains": ["business-environment"],
    "year": 2025,
}
OWNER_OF = {"tA_curator": ORG["TA"], "tA_teacher": ORG["TA"], "deptA": DEPT_A}


@pytest.fixture
def client_of(api, dept_a, external):
    return api


@pytest.mark.parametrize("name", EVERYONE)
def test_read_and_list(client_of, district_call, name):
    client = client_of(name)
    listed = [c["id"] for c in client.get("/api/v1/calls/").json()["results"]]
    read = client.get(f"/api/v1/calls/{district_call.pk}/")

    if name in SEES:
        assert listed == [district_call.pk] and read.status_code == 200
    else:
        assert listed == [] and read.status_code == 404


@pytest.mark.parametrize("name", EVERYONE)
def test_edit_and_close(client_of, district_call, name):
    client = client_of(name)
    events = AuditEvent.objects.count()
    edit = client.patch(f"/api/v1/calls/{district_call.pk}/", {"topic": "改"}, format="json")
    close = client.post(f"/api/v1/calls/{district_call.pk}/close/")

    if name == "dA_curator":
        assert (edit.status_code, close.status_code) == (200, 200)
        return
    expected = 403 if name in SEES else 404
    assert (edit.status_code, close.status_code) == (expected, expected)
    call = Call.objects.get(pk=district_call.pk)
    assert (call.topic, call.status, call.version) == (district_call.topic, "open", 1)
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("name", sorted(set(EVERYONE) - {"tA_viewer"}))
def test_answer_with_a_new_case(client_of, org, district_call, name):
    from apps.accounts.actor import actor_for
    from apps.accounts.models import User

    seats = actor_for(User.objects.get(username=name)).seats
    owner = OWNER_OF.get(name, seats[0].org_code)
    response = client_of(name).post(
        "/api/v1/cases/",
        {**COMPLETE, "owner": owner, "call": district_call.pk},
        format="json",
    )

    if name in OWNER_OF:
        assert response.status_code == 201, response.content
        assert CallAnswer.objects.filter(call=district_call, organization__code=owner).exists()
    else:
        assert response.status_code in (400, 403), response.content
        assert not CallAnswer.objects.exists()


def test_anonymous_gets_401(api, district_call):
    client = api()

    assert client.get("/api/v1/calls/").status_code in (401, 403)
    assert client.get(f"/api/v1/calls/{district_call.pk}/").status_code in (401, 403)
    assert client.post(f"/api/v1/calls/{district_call.pk}/close/").status_code in (401, 403)
    assert Call.objects.get(pk=district_call.pk).status == "open"
