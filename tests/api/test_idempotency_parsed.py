"""Idempotency-Key fingerprints the request as parsed, and only a change uses up a key.

- A multipart upload retried by a real client has a new boundary each time: same fields and
  file → the first answer replayed, one attachment, one stored file.
- JSON with other whitespace or key order is the same request; other values are not (422).
- A refused request (4xx) changed nothing and keeps its key free: an import rejected for
  its rows is sent again with the same key once the file is fixed.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart

from apps.api.models import IdempotencyKey
from apps.attachments.models import Attachment, StoredFile
from apps.cases.models import Case
from apps.courses.models import Course
from tests.conftest import ORG
from tests.exchange.helpers import HEADERS, upload, xlsx
from tests.factories import CourseFactory
from tests.helpers import token_client

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CASE = {
    "owner": ORG["DEP"],
    "title": "投资项目审批提速",
    "background": "背景",
    "key_issues": "要点",
    "teaching_notes": "说明",
    "discussion_questions": "问题",
    "domains": ["business-environment"],
    "year": 2025,
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def multipart(client, path, data, boundary, **headers):
    """A multipart POST framed the way a client framing it anew would: its own boundary."""
    return client.post(
        path,
        encode_multipart(boundary, data),
        content_type=f"multipart/form-data; boundary={boundary}",
        **headers,
    )


def test_a_retried_upload_with_a_new_boundary_replays_and_stores_one_file(persona):
    course = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    client, _token = token_client(persona("tA_teacher"))
    path = f"/api/v1/courses/{course.pk}/attachments/"
    headers = {"HTTP_IF_MATCH": '"1"', "HTTP_IDEMPOTENCY_KEY": "upload-1"}

    first = multipart(client, path, {"file": SimpleUploadedFile("讲义.pdf", PDF)}, "a1", **headers)
    again = multipart(client, path, {"file": SimpleUploadedFile("讲义.pdf", PDF)}, "b2", **headers)

    assert first.status_code == 201, first.content
    assert again.status_code == 201, again.content
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Attachment.objects.count() == 1
    assert StoredFile.objects.count() == 1
    assert Course.objects.get(pk=course.pk).version == 2


def test_the_same_key_with_another_file_or_name_is_422_and_stores_nothing_new(persona):
    course = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    client, _token = token_client(persona("tA_teacher"))
    path = f"/api/v1/courses/{course.pk}/attachments/"
    headers = {"HTTP_IF_MATCH": '"1"', "HTTP_IDEMPOTENCY_KEY": "upload-2"}
    first = multipart(client, path, {"file": SimpleUploadedFile("讲义.pdf", PDF)}, "a1", **headers)
    assert first.status_code == 201

    other_bytes = SimpleUploadedFile("讲义.pdf", PDF.replace(b"1.7", b"1.4"))
    other_name = SimpleUploadedFile("讲义（二）.pdf", PDF)
    assert multipart(client, path, {"file": other_bytes}, "c3", **headers).status_code == 422
    assert multipart(client, path, {"file": other_name}, "d4", **headers).status_code == 422
    assert Attachment.objects.count() == 1
    assert Course.objects.get(pk=course.pk).version == 2


def test_json_with_other_whitespace_and_key_order_replays(persona):
    client, _token = token_client(persona("dept"))
    compact = json.dumps(CASE, ensure_ascii=False, separators=(",", ":"))
    spaced = json.dumps(dict(reversed(CASE.items())), ensure_ascii=False, indent=4)

    first = client.post(
        "/api/v1/cases/", compact, content_type="application/json", HTTP_IDEMPOTENCY_KEY="j-1"
    )
    again = client.post(
        "/api/v1/cases/", spaced, content_type="application/json", HTTP_IDEMPOTENCY_KEY="j-1"
    )

    assert first.status_code == 201, first.content
    assert again.status_code == 201, again.content
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1


def test_json_with_another_value_under_the_same_key_is_still_422(persona):
    client, _token = token_client(persona("dept"))
    client.post("/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="j-2")
    other = client.post(
        "/api/v1/cases/", {**CASE, "year": 2024}, format="json", HTTP_IDEMPOTENCY_KEY="j-2"
    )
    assert other.status_code == 422
    assert list(Case.objects.values_list("year", flat=True)) == [2025]


def test_a_rejected_import_keeps_its_key_for_the_fixed_file(persona):
    client, _token = token_client(persona("tA_curator"))
    headers = HEADERS["courses"]

    def row(title, hours):
        return [title, None, None, "talent", None, None, hours, None]

    def send(content):
        return client.post(
            "/api/v1/courses/import/",
            {"file": upload(content), "owner": ORG["TA"]},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="import-1",
        )

    refused = send(xlsx(headers, [row("导入的课程", "两课时")]))
    assert refused.status_code == 400, refused.content
    assert not IdempotencyKey.objects.exists()
    assert not Course.objects.exists()

    content = xlsx(headers, [row("导入的课程", 2)])
    fixed = send(content)
    assert fixed.status_code == 200, fixed.content
    assert fixed.json() == {"created": 1, "updated": 0, "unchanged": 0}

    replayed = send(content)
    assert replayed.status_code == 200
    assert replayed["Idempotent-Replayed"] == "true"
    assert Course.objects.count() == 1


@pytest.mark.parametrize("refusal", ["stale", "status"])
def test_a_412_or_409_keeps_the_key_for_the_corrected_retry(refusal, persona):
    client, _token = token_client(persona("dept"))
    created = client.post("/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    pk, etag = created.json()["id"], created["ETag"]
    path = f"/api/v1/cases/{pk}/withdraw/"
    if refusal == "stale":
        refused = client.post(path, HTTP_IF_MATCH='"1"', HTTP_IDEMPOTENCY_KEY="w-1")
        assert refused.status_code == 412
    else:
        client.post(path, HTTP_IF_MATCH=etag, HTTP_IDEMPOTENCY_KEY="w-0")
        etag = Case.objects.get(pk=pk).etag
        refused = client.post(path, HTTP_IF_MATCH=etag, HTTP_IDEMPOTENCY_KEY="w-1")
        assert refused.status_code == 409
        client.patch(f"/api/v1/cases/{pk}/", {"year": 2024}, format="json", HTTP_IF_MATCH=etag)
        client.post(
            f"/api/v1/cases/{pk}/submit/",
            {"scope": "network"},
            format="json",
            HTTP_IF_MATCH=Case.objects.get(pk=pk).etag,
            HTTP_IDEMPOTENCY_KEY="s-1",
        )
    assert not IdempotencyKey.objects.filter(key="w-1").exists()

    retried = client.post(
        path, HTTP_IF_MATCH=Case.objects.get(pk=pk).etag, HTTP_IDEMPOTENCY_KEY="w-1"
    )
    assert retried.status_code == 200, retried.content
    assert retried.json()["status"] == "withdrawn"
