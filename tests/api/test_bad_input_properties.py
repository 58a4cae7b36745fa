"""Properties: any cursor is a page or a clean 4xx; any JSON-ish body is never a 5xx.

Hypothesis with a fixed seed (``derandomize``) and few examples, so the run is the same every
time and short. A failure prints the smallest input that breaks the property.
"""

import base64
import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ORG
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
PROPERTY = settings(
    derandomize=True,
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROBLEM = "application/problem+json"

# ---- cursors ----------------------------------------------------------------------------------

POSITIONS = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.datetimes().map(str),
    st.datetimes().map(lambda moment: f"{moment}+08:00"),
    st.text(max_size=30),
)
CURSORS = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda fields: base64.b64encode(urlencode(fields).encode()).decode(),
        st.fixed_dictionaries(
            {},
            optional={
                "p": POSITIONS,
                "o": st.integers(min_value=-5, max_value=10**6).map(str) | st.text(max_size=5),
                "r": st.sampled_from(["0", "1", "", "x", "٣"]),
            },
        ),
    ),
)
LISTS = st.fixed_dictionaries(
    {},
    optional={
        "ordering": st.sampled_from(["id", "-id", "updated_at", "-updated_at", "title", "-title"]),
        "q": st.sampled_from(["课程", "园区 5G"]),
        "page_size": st.sampled_from(["1", "2"]),
    },
)


@pytest.fixture
def courses(persona):
    author = persona("tA_teacher")
    return [CourseFactory(owner_code=ORG["TA"], author=author, title=f"课程{i}") for i in range(3)]


@PROPERTY
@given(token=CURSORS, params=LISTS)
def test_any_cursor_is_a_page_or_a_clean_4xx(api, courses, token, params):
    response = api("tA_teacher").get(COURSES, {**params, "cursor": token})

    assert response.status_code in (200, 400, 404), response.content
    if response.status_code != 200:
        assert response["Content-Type"].startswith(PROBLEM)


# ---- bodies -----------------------------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from([ORG["TA"], "industrial-system", "mind-map", "lecture", "1", "１", "\x00"]),
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
FIELDS = [
    "owner",
    "title",
    "summary",
    "domains",
    "kind",
    "methods",
    "class_hours",
    "cases",
    "sites",
    "teaching_group",
    "scope",
]
BODIES = st.one_of(
    st.fixed_dictionaries(
        {"owner": st.just(ORG["TA"]), "title": st.text(min_size=1, max_size=10)},
        optional={name: JSONISH for name in FIELDS if name not in ("owner", "title")},
    ).map(json.dumps),
    st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, JSONISH)).map(json.dumps),
    JSONISH.map(json.dumps),
    st.text(max_size=40),  # not JSON at all
    st.builds(
        lambda field, depth: (
            f'{{"owner": "{ORG["TA"]}", "title": "深", "{field}": '
            + "[" * depth
            + "]" * depth
            + "}"
        ),
        st.sampled_from(["domains", "cases", "teaching_group", "summary"]),
        st.sampled_from([3, 40, 500, 5000]),
    ),
    st.sampled_from(['{"title": "\\ud800"}', '{"a": 1e999}', '{"a": NaN}', "\ufeff{}"]),
)


@PROPERTY
@given(body=BODIES)
def test_any_json_ish_body_is_never_a_5xx(api, body):
    response = api("tA_teacher").post(COURSES, body, content_type="application/json")

    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response["Content-Type"].startswith(PROBLEM)
