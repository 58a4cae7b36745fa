"""A request body is bounded: its size, its nesting, its lists; links are read in one query.

Before: a JSON body up to ~51 MB was read; ``"domains"`` with 100,000 codes cost 100,000
queries; a body nested 500 deep (or deeper than Python's recursion) was a 500.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.courses.models import Course
from tests.conftest import ORG
from tests.factories import CaseFactory, CourseFactory
from tests.helpers import assert_problem, token_client

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
DOMAIN = "industrial-system"


def create(client, **fields):
    body = {"owner": ORG["TA"], "title": "街道产业地图", **fields}
    return client.post(COURSES, body, format="json", HTTP_ACCEPT_LANGUAGE="en")


def test_the_defaults(settings):
    assert settings.API_MAX_LIST_ITEMS == 200
    assert settings.JSON_MAX_DEPTH == 32
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024


def test_a_list_longer_than_the_limit_is_refused_naming_the_field(api):
    response = create(api("tA_teacher"), domains=[DOMAIN] * 1000)

    body = assert_problem(response, 400, fields=["domains"])
    assert "200" in body["errors"]["domains"][0]
    assert not Course.objects.filter(title="街道产业地图").exists()


def test_a_form_body_list_longer_than_the_limit_is_refused_too(api, settings):
    settings.API_MAX_LIST_ITEMS = 3
    body = {"owner": ORG["TA"], "title": "表单", "domains": [DOMAIN] * 4}

    response = api("tA_teacher").post(COURSES, body, HTTP_ACCEPT_LANGUAGE="en")

    body = assert_problem(response, 400, fields=["domains"])
    assert "at most 3 items" in body["errors"]["domains"][0]


@pytest.mark.parametrize("field", ["domains", "methods", "cases"])
def test_a_list_of_links_costs_one_query_whatever_its_length(api, persona, field):
    client = api("tA_teacher")
    values = {
        "domains": DOMAIN,
        "methods": "mind-map",
        "cases": CaseFactory(owner_code=ORG["TA"], author=persona("tA_teacher")).pk,
    }[field]

    def queries(n):
        with CaptureQueriesContext(connection) as captured:
            assert create(client, **{field: [values] * n}).status_code == 201
        return len(captured)

    queries(1)  # the first request of a test pays for what every later one reuses
    assert queries(150) == queries(1)


def test_every_unknown_code_is_named_under_its_field(api):
    response = create(api("tA_teacher"), domains=[DOMAIN, "no-such-1", "no-such-2", 7])

    body = assert_problem(response, 400, fields=["domains"])
    assert body["errors"]["domains"] == [
        "Object with code=no-such-1 does not exist.",
        "Object with code=no-such-2 does not exist.",
        "Object with code=7 does not exist.",
    ]


def test_every_unknown_or_unreadable_id_is_named_under_its_field(api, persona):
    hidden = CaseFactory(owner_code="440605011", author=persona("tB_teacher"))  # out of sight
    response = create(api("tA_teacher"), cases=[999_999_999, "abc", hidden.pk, "１", 2**70, True])

    body = assert_problem(response, 400, fields=["cases"])
    assert body["errors"]["cases"] == [
        'Invalid pk "999999999" - object does not exist.',
        "Incorrect type. Expected pk value, received str.",
        f'Invalid pk "{hidden.pk}" - object does not exist.',
        f'Invalid pk "{2**70}" - object does not exist.',
        "Incorrect type. Expected pk value, received bool.",
    ]


def test_links_keep_their_order_and_repeats(api, persona):
    cases = [CaseFactory(owner_code=ORG["TA"], author=persona("tA_teacher")) for _ in range(3)]
    ids = [cases[2].pk, str(cases[0].pk), cases[2].pk]

    response = create(api("tA_teacher"), cases=ids, domains=["finance", DOMAIN])

    assert response.status_code == 201, response.content
    assert sorted(response.json()["cases"]) == sorted({cases[0].pk, cases[2].pk})
    assert sorted(response.json()["domains"]) == sorted(["finance", DOMAIN])


def test_a_body_over_the_limit_is_413_naming_the_limit(api):
    summary = "长" * (700 * 1024)  # three bytes each in UTF-8: 2.1 MB

    response = create(api("tA_teacher"), summary=summary)

    body = assert_problem(response, 413)
    assert "2097152" in body["detail"]
    assert not Course.objects.filter(title="街道产业地图").exists()


def test_a_form_body_over_the_limit_is_413_too(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api("tA_teacher").post(COURSES, {"owner": ORG["TA"], "title": "x" * 2000})

    assert_problem(response, 413)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [33, 500, 100_000])
def test_a_body_nested_too_deep_is_400_naming_the_depth(api, depth):
    body = f'{{"owner": "{ORG["TA"]}", "title": "深", "domains": {nested(depth - 1)}}}'

    response = api("tA_teacher").post(
        COURSES, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    body = assert_problem(response, 400)
    assert "32 levels" in body["detail"]


def test_a_body_nested_to_the_limit_is_read(api):
    body = {"owner": ORG["TA"], "title": "深", "summary": "x", "extra": json.loads(nested(31))}

    assert create(api("tA_teacher"), **body).status_code == 201


def test_a_file_upload_larger_than_a_body_keeps_its_own_limit(persona, settings, tmp_path):
    """Files are not bodies: an attachment of 3 MB is taken, with an Idempotency-Key, and a
    retry replays it (the key's fingerprint reads the file in chunks, not the whole body)."""
    settings.MEDIA_ROOT = tmp_path
    course = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    client, _token = token_client(persona("tA_teacher"))
    pdf = b"%PDF-1.7\n" + b"%" * (3 * 1024 * 1024) + b"\n%%EOF\n"

    def upload():
        return client.post(
            f"{COURSES}{course.pk}/attachments/",
            {"file": SimpleUploadedFile("讲义.pdf", pdf), "note": "第一版"},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="upload-1",
            HTTP_IF_MATCH=f'"{course.version}"',
        )

    first = upload()
    assert first.status_code == 201, first.content
    again = upload()
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
