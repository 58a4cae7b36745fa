"""Bad input at the API's edge is a 4xx in problem+json, never a 500 or an HTML page.

Each case here was a 500 (or an answer it should not have been) before: a cursor made by
hand, a control character, an audit filter at the calendar's edge, an id written with other
digits, and Django's own refusals of a body it cannot read (HTML, or the debug page).
"""

import base64

import pytest

from apps.courses.models import Course
from tests.conftest import ORG
from tests.factories import CourseFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"


def cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


@pytest.fixture
def courses(persona):
    author = persona("tA_teacher")
    return [CourseFactory(owner_code=ORG["TA"], author=author, title=f"课程{i}") for i in range(3)]


# ---- cursors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "position"),
    [
        ({}, "abc"),
        ({}, "1.5"),
        ({}, "99999999999999999999999"),
        ({}, "\x00"),
        ({"q": "课程"}, "abc"),
        ({"ordering": "updated_at"}, "abc"),
        ({"ordering": "updated_at"}, "2025-01-01 00:00:00"),  # no offset: not one we made
        ({"ordering": "updated_at"}, "0001-01-01 00:00:00+08:00"),
        ({"ordering": "-title"}, "课\x00程"),
    ],
)
def test_a_tampered_cursor_is_a_404_problem(api, courses, params, position):
    token = cursor(f"p={position}")

    response = api("tA_teacher").get(COURSES, {**params, "cursor": token})

    assert_problem(response, 404)


def test_tampered_cursors_of_the_other_lists_are_404_problems(api, courses):
    for who, path, position in [
        ("muni_admin", "/api/v1/organizations/", "\x00"),
        ("muni_admin", "/api/v1/audit/", "abc"),
        ("tA_curator", f"{COURSES}{courses[0].pk}/history/", "abc"),
    ]:
        response = api(who).get(path, {"cursor": cursor(f"p={position}")})
        assert_problem(response, 404)


def test_the_cursors_the_api_makes_still_work(api, courses):
    client = api("tA_teacher")
    for params in [{}, {"ordering": "updated_at"}, {"ordering": "-title"}, {"q": "课程"}]:
        first = client.get(COURSES, {**params, "page_size": 2}).json()
        second = client.get(first["next"])
        assert second.status_code == 200, (params, second.content)
        assert len(first["results"]) + len(second.json()["results"]) == 3


def test_q_on_a_history_is_no_search(api, courses):
    """The history's pagination ranked ``?q=`` as if events had search columns: a 500."""
    response = api("tA_curator").get(f"{COURSES}{courses[0].pk}/history/", {"q": "课程"})

    assert response.status_code == 200, response.content


# ---- control characters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_",
    [
        ("get", COURSES, {"q": "园\x01区"}),
        ("get", COURSES, {"own\x00er": "x"}),
        ("get", COURSES + "%00/", None),
        ("get", COURSES + "1%1b/", None),
        ("post", COURSES, {"owner": ORG["TA"], "title": "标\x00题"}),
        ("post", COURSES, {"owner": ORG["TA"], "title": "标题", "summary": "\x0b"}),
        ("post", COURSES, {"owner": ORG["TA"], "title": "标题", "kind\x07": "x"}),
        ("post", COURSES, {"owner": ORG["TA"], "title": "标题", "domains": ["\x1f"]}),
        ("post-raw", COURSES, '{"owner": "440604010", "title": "标题", "summary": "\\ud800"}'),
        ("post-form", COURSES, {"owner": ORG["TA"], "title": "标\x00题"}),
        ("post-multipart", COURSES, {"owner": ORG["TA"], "title": "标\x7f题"}),
    ],
    ids=[
        "query-value",
        "query-name",
        "path-nul",
        "path-escape",
        "json-nul",
        "json-vertical-tab",
        "json-key",
        "json-list-item",
        "json-lone-surrogate",
        "form-field",
        "multipart-field",
    ],
)
def test_control_characters_are_refused_at_the_edge(api, request_):
    method, path, data = request_
    client = api("tA_teacher")

    if method == "get":
        response = client.get(path, data)
    elif method == "post":
        response = client.post(path, data, format="json")
    elif method == "post-raw":
        response = client.post(path, data, content_type="application/json")
    elif method == "post-form":
        response = client.post(
            path,
            "&".join(f"{k}={v}" for k, v in data.items()).replace("\x00", "%00"),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = client.post(path, data, format="multipart")

    assert_problem(response, 400)
    assert not Course.objects.exists()


def test_tab_newline_and_carriage_return_are_welcome_in_bodies(api):
    body = {"owner": ORG["TA"], "title": "标题", "summary": "第一段\r\n第二段\t（完）"}

    response = api("tA_teacher").post(COURSES, body, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["summary"] == "第一段\r\n第二段\t（完）"


def test_control_characters_in_the_query_are_named(api):
    response = api("tA_teacher").get(COURSES, {"q": "园\n区", "scope": "district"})

    assert_problem(response, 400, fields=["q"])


# ---- the audit log at the calendar's edge -----------------------------------------------------


@pytest.mark.parametrize(
    ("params", "sees_the_event"),
    [
        ({"until": "9999-12-31"}, True),
        ({"since": "0001-01-01"}, True),
        ({"since": "9999-12-31"}, False),
        ({"until": "0001-01-01"}, False),
        ({"since": "0001-01-01T00:00:00", "until": "9999-12-31T23:59:59"}, True),
        ({"until": "9999-12-31T23:59:59-12:00"}, True),
        ({"since": "9999-12-31T23:59:59-12:00"}, False),
        ({"until": "0001-01-01T00:00:00+14:00"}, False),
        ({"since": "0001-01-01T00:00:00+14:00"}, True),
    ],
)
def test_audit_filters_at_the_calendar_edge_answer(api, params, sees_the_event):
    created = api("tA_teacher").post(COURSES, {"owner": ORG["TA"], "title": "审计"}, format="json")
    assert created.status_code == 201

    response = api("muni_admin").get("/api/v1/audit/", params)

    assert response.status_code == 200, response.content
    assert bool(response.json()["results"]) is sees_the_event


# ---- ids --------------------------------------------------------------------------------------


def other_digits(number: int, zero: str) -> str:
    return "".join(chr(ord(zero) + int(d)) for d in str(number))


def test_ids_are_ascii_digits_only(api, courses):
    pk = courses[0].pk
    client = api("tA_teacher")
    assert client.get(f"{COURSES}{pk}/").status_code == 200

    written_otherwise = [other_digits(pk, "０"), other_digits(pk, "٠"), f"+{pk}", f"{pk}.5"]
    for written in [*written_otherwise, f"{pk}.0", f"0x{pk}", f" {pk}"]:
        for suffix in ["", "history/", "reuses/"]:
            response = client.get(f"{COURSES}{written}/{suffix}")
            assert_problem(response, 404)


def test_audit_event_ids_are_ascii_digits_only(api):
    api("tA_teacher").post(COURSES, {"owner": ORG["TA"], "title": "审计"}, format="json")
    admin = api("muni_admin")
    event = admin.get("/api/v1/audit/").json()["results"][0]["id"]

    assert admin.get(f"/api/v1/audit/{event}/").status_code == 200
    assert_problem(admin.get(f"/api/v1/audit/{other_digits(event, '０')}/"), 404)


# ---- Django's own refusals, DEBUG on and off --------------------------------------------------


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_django_refusals_are_problem_json_with_debug_on_or_off(api, settings, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client = api("tA_teacher")
    fields = {f"f{i}": "x" for i in range(10)}

    as_form = client.post(COURSES, "&".join(f"{k}=v" for k in fields), content_type=FORM)
    as_multipart = client.post(COURSES, fields, format="multipart")
    too_large = client.post(
        COURSES, "{}", content_type="application/json", CONTENT_LENGTH=str(10**9)
    )

    for response in (as_form, as_multipart):
        body = assert_problem(response, 400)
        assert "5" in body["detail"]
    assert_problem(too_large, 413)


FORM = "application/x-www-form-urlencoded"


def test_an_unreadable_multipart_body_is_a_400_problem(api):
    response = api("tA_teacher").post(
        COURSES, b"--x\r\nbroken", content_type="multipart/form-data; boundary=x"
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
