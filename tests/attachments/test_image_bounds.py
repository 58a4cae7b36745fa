"""Images are bounded in pixels from their header, before anything is decoded."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.attachments.models import Attachment, StoredFile
from tests.conftest import ORG
from tests.factories import CourseFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def draft(persona):
    return CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))


def image(size, kind="PNG", mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format=kind)
    return out.getvalue()


def attach(client, draft, name, data):
    return client.post(
        f"/api/v1/courses/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile(name, data)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_9000_by_9000_png_is_refused_from_its_header_without_decoding(api, draft, monkeypatch):
    data = image((9000, 9000), mode="1")  # 81 megapixels in a file of a few kilobytes
    assert len(data) < 100_000

    def no_decoding(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    response = attach(api("tA_teacher"), draft, "海报.png", data)

    body = assert_problem(response, 400, fields=["file"])
    message = body["errors"]["file"][0]
    assert "9000 × 9000" in message and "40 megapixels" in message
    assert not Attachment.objects.exists() and not StoredFile.objects.exists()
    draft.refresh_from_db()
    assert draft.version == 1


@pytest.mark.parametrize(("kind", "name"), [("PNG", "照片.png"), ("JPEG", "照片.jpg")])
def test_the_pixel_bound_is_a_setting(api, draft, settings, kind, name):
    settings.ATTACHMENT_MAX_PIXELS = 20
    client = api("tA_teacher")

    assert attach(client, draft, name, image((5, 4), kind)).status_code == 201
    refused = attach(client, draft, name, image((7, 3), kind))

    body = assert_problem(refused, 400, fields=["file"])
    assert "7 × 3" in body["errors"]["file"][0]
    assert Attachment.objects.count() == 1
