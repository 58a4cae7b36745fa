"""Bad input on the pages: the friendly 400 page (DEBUG on or off), never a 500 or a trip away.

Before: the school switcher's ``next`` without a ``/`` was a 500 and an outside address was
followed (open redirect); control characters went through to the views; Django's own
refusals of a form it cannot read showed the debug page with DEBUG on.
"""

import pytest

from tests.conftest import ORG

pytestmark = pytest.mark.django_db

FRIENDLY = "请返回，修改所填内容后重试。"


def switch(client, next_value):
    return client.post("/school/", {"org": ORG["TA"], "next": next_value})


@pytest.mark.parametrize("target", ["library", "web:review", "", "courses?q=1"])
def test_the_school_switcher_goes_home_for_a_next_that_is_no_path(browser, target):
    response = switch(browser("tA_admin"), target)

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "/library/\nSet-Cookie: x=1",
        "/library/ courses/",
    ],
)
def test_the_school_switcher_never_leads_off_the_site(browser, target):
    response = switch(browser("tA_admin"), target)

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_school_switcher_returns_to_the_page_it_was_used_on(browser):
    target = "/library/courses/?q=%E5%9B%AD%E5%8C%BA&page=2"

    response = switch(browser("tA_admin"), target)

    assert response["Location"] == target


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@pytest.mark.parametrize(
    "request_",
    [
        ("get", "/library/courses/", {"q": "园\x01区"}),
        ("get", "/library/courses/", {"sort\x00": "new"}),
        ("get", "/library/cour%00ses/", None),
        ("post", "/school/", {"org": ORG["TA"], "next": "/\x00"}),
        ("post", "/login/", {"username": "tA_admin\x1b", "password": "x"}),
    ],
    ids=["query-value", "query-name", "path", "form-field", "login-form"],
)
def test_control_characters_answer_the_400_page(browser, settings, debug, request_):
    settings.DEBUG = debug
    method, path, data = request_
    client = browser("tA_admin")

    response = getattr(client, method)(path, data)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert FRIENDLY in page and "不能包含控制字符（如 NUL）。" in page
    assert "Traceback" not in page


def test_newlines_and_tabs_are_welcome_in_forms(browser):
    response = browser("tA_admin").post("/school/", {"org": ORG["TA"], "next": "\t/\r\n"})

    assert response.status_code == 302  # through the edge; the switcher then goes home


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_a_form_django_cannot_read_answers_the_400_page(client, settings, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    fields = {f"f{i}": "x" for i in range(10)}

    response = client.post("/login/", fields)

    assert response.status_code == 400
    page = response.content.decode()
    assert FRIENDLY in page and "请求中的字段超过 5 个。" in page
    assert "Traceback" not in page


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_a_form_body_over_the_limit_answers_413_with_the_page(client, settings, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client.post("/login/", {"username": "x" * 2000, "password": "x"})

    assert response.status_code == 413
    assert FRIENDLY in response.content.decode()


def test_page_ids_are_ascii_digits_only(browser, make_course):
    client = browser("tA_teacher")
    pk = make_course.pk
    assert client.get(f"/library/courses/{pk}/").status_code == 200

    full_width = "".join(chr(ord("０") + int(d)) for d in str(pk))
    for written in [full_width, f"+{pk}", f"{pk}.5"]:
        assert client.get(f"/library/courses/{written}/").status_code == 404


@pytest.fixture
def make_course(persona):
    from tests.factories import CourseFactory

    return CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
