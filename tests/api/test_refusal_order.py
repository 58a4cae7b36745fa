"""Token changes through the API: every one needs If-Match, and refusals come in the policy's
order — 404 out of sight, 403 the role, 412 a stale If-Match, 409 the status — changing
nothing (apps/sharing/policy.py, "Refusals").

The cases here are the ones that slipped: removing an attachment ignored If-Match (no 428,
no 412) and raised the version anyway; a stale ETag whose resource had meanwhile changed
status answered 409, hiding that the caller's copy was stale.
"""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict

from apps.attachments.models import Attachment
from apps.attachments.services import attachment_add
from apps.audit.models import AuditEvent
from apps.cases.models import Case
from apps.courses.models import Course
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from tests.conftest import ORG
from tests.factories import CaseFactory, CourseFactory
from tests.helpers import assert_problem, token_client

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client_of(persona):
    """A client with a new token of ``name`` (issuing it is an audit event: take it first)."""

    def make(name):
        client, _token = token_client(persona(name))
        return client

    return make


def everything(model, pk):
    """What a refused change must leave as it was: the row, its files, the audit trail."""
    obj = model.objects.filter(pk=pk).first()
    return (
        model_to_dict(obj) if obj else None,
        sorted(Attachment.objects.values_list("uid", "resource_id")),
        AuditEvent.objects.count(),
    )


def key():
    return {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}


# ---- removing an attachment ------------------------------------------------------------------


@pytest.fixture
def attached(persona):
    """A 祖庙 teacher's draft course with one file (version 2 after the upload)."""
    course = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    attachment = attachment_add(
        Course, user=persona("tA_teacher"), pk=course.pk, upload=SimpleUploadedFile("讲义.pdf", PDF)
    )
    return Course.objects.get(pk=course.pk), attachment


def test_removing_an_attachment_with_a_token_needs_if_match(attached, client_of):
    course, attachment = attached
    client = client_of("tA_teacher")
    before = everything(Course, course.pk)

    response = client.delete(f"/api/v1/attachments/{attachment.uid}/")

    assert_problem(response, 428)
    assert everything(Course, course.pk) == before


def test_removing_an_attachment_with_a_stale_etag_is_412_and_removes_nothing(attached, client_of):
    course, attachment = attached
    client = client_of("tA_teacher")
    before = everything(Course, course.pk)

    response = client.delete(f"/api/v1/attachments/{attachment.uid}/", HTTP_IF_MATCH='"1"')

    assert_problem(response, 412)
    assert everything(Course, course.pk) == before


def test_removing_an_attachment_with_the_resources_etag_removes_it(attached, client_of):
    course, attachment = attached

    response = client_of("tA_teacher").delete(
        f"/api/v1/attachments/{attachment.uid}/", HTTP_IF_MATCH=course.etag
    )

    assert response.status_code == 204, response.content
    assert not Attachment.objects.filter(uid=attachment.uid).exists()
    assert Course.objects.get(pk=course.pk).version == course.version + 1


@pytest.mark.parametrize(
    ("reader", "status"),
    [
        ("tA_viewer", 403),  # sees the course, may not edit it: the role, before the version
        ("tA2_teacher", 404),  # cannot see it at all
    ],
)
def test_removing_an_attachment_without_the_role_is_refused_before_the_version(
    attached, client_of, reader, status
):
    course, attachment = attached
    client = client_of(reader)
    before = everything(Course, course.pk)

    response = client.delete(f"/api/v1/attachments/{attachment.uid}/", HTTP_IF_MATCH='"1"')

    assert_problem(response, status)
    assert everything(Course, course.pk) == before


# ---- a stale ETag on a resource whose status has changed meanwhile ---------------------------


def _submitted_by_curator(persona):
    """tA_teacher read the draft at version 1; the school's curator submitted it since."""
    course = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    services.resource_submit(Course, user=persona("tA_curator"), pk=course.pk, scope="private")
    return Course, course.pk


def _case_rejected(persona):
    """The department read its pending case at version 2; the city rejected it since."""
    case = CaseFactory(
        owner_code=ORG["DEP"],
        author=persona("dept"),
        status=Status.PENDING,
        scope=Scope.NETWORK,
        version=2,
    )
    services.resource_reject(Case, user=persona("muni_curator"), pk=case.pk, reason="补充数据")
    return Case, case.pk


def _case_published(persona):
    """A city curator read the pending case at version 2; a colleague published it since."""
    case = CaseFactory(
        owner_code=ORG["DEP"],
        author=persona("dept"),
        status=Status.PENDING,
        scope=Scope.NETWORK,
        version=2,
    )
    services.resource_publish(Case, user=persona("muni_admin"), pk=case.pk, scope="network")
    return Case, case.pk


def _withdrawn_by_admin(persona):
    """The town's curator read its own published course at version 1; the admin withdrew it."""
    course = CourseFactory(
        owner_code=ORG["TA"],
        author=persona("tA_teacher"),
        status=Status.PUBLISHED,
        scope=Scope.PRIVATE,
    )
    services.resource_withdraw(Course, user=persona("tA_admin"), pk=course.pk)
    return Course, course.pk


STALE = [
    # (how the resource changed, who acts, with which ETag, the request)
    pytest.param(
        _submitted_by_curator, "tA_teacher", '"1"', ("patch", "", {"title": "新"}), id="edit"
    ),
    pytest.param(_submitted_by_curator, "tA_teacher", '"1"', ("delete", "", None), id="delete"),
    pytest.param(
        _submitted_by_curator,
        "tA_teacher",
        '"1"',
        ("post", "submit/", {"scope": "private"}),
        id="submit",
    ),
    pytest.param(_case_rejected, "dept", '"2"', ("post", "withdraw/", None), id="withdraw"),
    pytest.param(
        _case_published,
        "muni_curator",
        '"2"',
        ("post", "reject/", {"reason": "不完整"}),
        id="reject",
    ),
    pytest.param(
        _withdrawn_by_admin,
        "tA_curator",
        '"1"',
        ("post", "publish/", {"scope": "private"}),
        id="publish",
    ),
]


def _send(client, model, pk, request, etag):
    method, tail, body = request
    library = "courses" if model is Course else "cases"
    path = f"/api/v1/{library}/{pk}/{tail}"
    extra = {"HTTP_IF_MATCH": etag, **(key() if method == "post" else {})}
    return getattr(client, method)(path, body, format="json", **extra)


@pytest.mark.parametrize(("setup", "actor", "etag", "request_"), STALE)
def test_a_stale_etag_is_412_even_when_the_status_changed_too(
    setup, actor, etag, request_, persona, client_of
):
    model, pk = setup(persona)
    client = client_of(actor)
    before = everything(model, pk)

    response = _send(client, model, pk, request_, etag)

    assert_problem(response, 412)
    assert everything(model, pk) == before


@pytest.mark.parametrize(("setup", "actor", "etag", "request_"), STALE)
def test_with_the_current_etag_the_same_request_is_409_for_the_status(
    setup, actor, etag, request_, persona, client_of
):
    model, pk = setup(persona)
    client = client_of(actor)
    before = everything(model, pk)

    response = _send(client, model, pk, request_, model.objects.get(pk=pk).etag)

    assert_problem(response, 409)
    assert everything(model, pk) == before


def test_a_stale_etag_from_someone_the_role_does_not_allow_is_403(persona, client_of):
    model, pk = _submitted_by_curator(persona)
    client = client_of("tA_teacher")
    before = everything(model, pk)

    response = _send(client, model, pk, ("post", "publish/", {"scope": "private"}), '"1"')

    assert_problem(response, 403)
    assert everything(model, pk) == before


def test_attaching_with_a_stale_etag_without_the_role_is_403(attached, client_of):
    course, _attachment = attached
    client = client_of("tA_viewer")
    before = everything(Course, course.pk)

    response = client.post(
        f"/api/v1/courses/{course.pk}/attachments/",
        {"file": SimpleUploadedFile("讲义二.pdf", PDF)},
        format="multipart",
        HTTP_IF_MATCH='"1"',
        **key(),
    )

    assert_problem(response, 403)
    assert everything(Course, course.pk) == before


# ---- a site's lifecycle: the role before the version ----------------------------------------


@pytest.mark.parametrize(
    ("mover", "status"),
    [
        # A town teacher sees the city's site but may not manage it: the role, before the
        # stale ETag they sent.
        ("tA_teacher", 403),
        # Its curator may: then the stale ETag.
        ("muni_curator", 412),
    ],
)
def test_a_lifecycle_move_judges_the_role_before_the_version(persona, client_of, mover, status):
    from apps.teaching_sites.models import LifecycleEvent, TeachingSite
    from tests.factories import TeachingSiteFactory

    site = TeachingSiteFactory(
        owner_code=ORG["M"],
        author=persona("muni_teacher"),
        status=Status.PUBLISHED,
        scope=Scope.NETWORK,
        version=3,
    )
    client = client_of(mover)
    before = everything(TeachingSite, site.pk)

    response = client.post(
        f"/api/v1/sites/{site.pk}/lifecycle/",
        {"to": "suspended", "reason": "整改"},
        format="json",
        HTTP_IF_MATCH='"1"',
        **key(),
    )

    assert_problem(response, status)
    assert everything(TeachingSite, site.pk) == before
    assert not LifecycleEvent.objects.filter(site=site).exists()
