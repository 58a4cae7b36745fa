"""Attachments: checked by content, stored once under generated names, served by rule."""

import io
import zipfile
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.attachments.models import Attachment, StoredFile
from apps.courses.models import Course
from tests.conftest import ORG
from tests.factories import CaseFactory, CourseFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATTACHMENT_MAX_BYTES = 200_000
    return settings.MEDIA_ROOT


def ooxml(kind_dir: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{kind_dir}document.xml", "<doc/>")
    return buffer.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    exif[0x8825] = {1: "N"}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(client, course, name, data):
    return client.post(
        f"/api/v1/courses/{course.pk}/attachments/",
        {"file": SimpleUploadedFile(name, data)},
        format="multipart",
    )


@pytest.fixture
def draft(persona):
    return CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("讲义.pdf", PDF),
        ("教案.docx", ooxml("word/")),
        ("课件.pptx", ooxml("ppt/")),
        ("数据.xlsx", ooxml("xl/")),
        ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64),
        (
            "照片.png",
            (lambda b: (Image.new("RGB", (4, 4)).save(b, "PNG"), b.getvalue())[1])(io.BytesIO()),
        ),
    ],
)
def test_accepted_kinds_are_stored_under_generated_names(api, draft, media, name, data):
    data = png() if data == "png" else data
    response = upload(api("tA_teacher"), draft, name, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["filename"] == name
    stored = StoredFile.objects.get()
    assert stored.file.name == f"attachments/{stored.sha256[:2]}/{stored.sha256}"
    assert name not in str(list(media.rglob("*")))
    draft.refresh_from_db()
    assert draft.version == 2


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("讲义.docx", PDF, "does not match"),  # wrong extension
        ("report.pdf", b"<!doctype html><script>alert(1)</script>", "not accepted"),
        ("setup.exe", b"MZ\x90\x00" + b"\0" * 100, "not accepted"),
        ("tool.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 100, "not accepted"),
        ("big.pdf", PDF + b"0" * 250_000, "larger than"),
        ("archive.docx", b"PK\x03\x04" + b"\0" * 40, "not accepted"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_kept(
    api, draft, media, name, data, message
):
    client = api("tA_teacher")
    response = client.post(
        f"/api/v1/courses/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile(name, data)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"]["file"])
    assert not Attachment.objects.exists() and not StoredFile.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_path_traversal_name_is_made_safe(api, draft, media):
    response = upload(api("tA_teacher"), draft, "../../etc/passwd.pdf", PDF)
    assert response.status_code == 201
    assert response.json()["filename"] == "passwd.pdf"
    files = [p for p in media.rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].is_relative_to(media)


def test_images_are_reencoded_without_metadata(api, draft):
    original = jpeg_with_exif()
    assert b"SecretCamera" in original
    assert upload(api("tA_teacher"), draft, "现场.jpg", original).status_code == 201
    stored = StoredFile.objects.get()
    data = stored.file.read()
    assert b"SecretCamera" not in data
    assert not Image.open(io.BytesIO(data)).getexif()


def test_download_keeps_the_chinese_name_and_is_safe(api, draft):
    uid = upload(api("tA_teacher"), draft, "村级工业园 改造.pdf", PDF).json()["id"]
    response = api("tA_teacher").get(f"/api/v1/attachments/{uid}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('村级工业园 改造.pdf', safe='')}" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_school_that_cannot_see_the_case_cannot_download_its_file(api, persona):
    case = CaseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    uid = (
        api("tA_teacher")
        .post(
            f"/api/v1/cases/{case.pk}/attachments/",
            {"file": SimpleUploadedFile("案例.pdf", PDF)},
            format="multipart",
        )
        .json()["id"]
    )
    for outsider in ("tB_teacher", "dA_curator", "dept"):
        assert api(outsider).get(f"/api/v1/attachments/{uid}/download/").status_code == 404
        assert api(outsider).delete(f"/api/v1/attachments/{uid}/").status_code == 404
    assert Attachment.objects.count() == 1


def test_a_reader_who_may_not_edit_cannot_attach(api, persona):
    course = CourseFactory(
        owner_code=ORG["M"], author=persona("muni_teacher"), status="published", scope="network"
    )
    response = upload(api("tA_teacher"), course, "x.pdf", PDF)
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_reuse_copies_attachments_without_duplicating_bytes(api, persona):
    course = CourseFactory(owner_code=ORG["M"], author=persona("muni_teacher"))
    assert upload(api("muni_curator"), course, "讲义.pdf", PDF).status_code == 201
    Course.objects.filter(pk=course.pk).update(
        status="published", scope="network", audience=course.owner.parent or course.owner
    )
    copy_id = (
        api("tA_teacher")
        .post(f"/api/v1/courses/{course.pk}/reuse/", {"owner": ORG["TA"]}, format="json")
        .json()["id"]
    )
    listing = api("tA_teacher").get(f"/api/v1/courses/{copy_id}/attachments/").json()
    assert [a["filename"] for a in listing] == ["讲义.pdf"]
    assert StoredFile.objects.count() == 1 and Attachment.objects.count() == 2
    # Removing the copy's attachment leaves the source's file in place.
    assert api("tA_teacher").delete(f"/api/v1/attachments/{listing[0]['id']}/").status_code == 204
    assert StoredFile.objects.count() == 1
