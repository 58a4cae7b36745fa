"""A repeated reuse — the same user, the same source version, the same school — is not a second
reuse: it answers with the copy made the first time (200, not 201), and nothing is copied,
counted or recorded again. A colleague's reuse, a newer version, or a reuse after the copy
was deleted makes a new copy. (Concurrent repeats: tests/serial/test_reuse_concurrency.py.)
"""

import pytest

from apps.audit.models import AuditEvent
from apps.courses.models import Course
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from apps.sharing.models import ReuseRecord
from tests.conftest import ORG
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(persona):
    return CourseFactory(
        owner_code=ORG["M"],
        author=persona("muni_teacher"),
        status=Status.PUBLISHED,
        scope=Scope.NETWORK,
    )


def reuse(client, source, owner=ORG["TA"]):
    return client.post(f"/api/v1/courses/{source.pk}/reuse/", {"owner": owner}, format="json")


def counts(source):
    return (
        Course.objects.count(),
        ReuseRecord.objects.count(),
        AuditEvent.objects.filter(action="reuse").count(),
        Course.objects.get(pk=source.pk).reuse_count,
    )


def test_a_repeated_reuse_answers_with_the_first_copy_and_changes_nothing(source, api):
    client = api("tA_teacher")
    first = reuse(client, source)
    assert first.status_code == 201, first.content
    after_first = counts(source)

    again = reuse(client, source)

    assert again.status_code == 200, again.content
    assert again.json()["id"] == first.json()["id"]
    assert again["ETag"] == first["ETag"]
    assert counts(source) == after_first
    assert after_first[1:] == (1, 1, 1)


def test_the_first_copy_is_returned_even_after_it_was_edited(source, api, persona):
    client = api("tA_teacher")
    copy_id = reuse(client, source).json()["id"]
    services.resource_update(Course, user=persona("tA_teacher"), pk=copy_id, data={"title": "改"})

    again = reuse(client, source)

    assert again.status_code == 200
    assert (again.json()["id"], again.json()["title"]) == (copy_id, "改")


def test_a_colleague_in_the_same_school_gets_a_copy_of_their_own(source, api):
    first = reuse(api("tA_teacher"), source)
    colleague = reuse(api("tA_curator"), source)

    assert (first.status_code, colleague.status_code) == (201, 201)
    assert colleague.json()["id"] != first.json()["id"]
    assert colleague.json()["author"] == "tA_curator"
    assert Course.objects.get(pk=source.pk).reuse_count == 2


def test_another_school_or_a_newer_version_makes_a_new_copy(source, api, persona):
    client = api("tA_teacher")
    first = reuse(client, source)
    services.resource_update(
        Course, user=persona("muni_curator"), pk=source.pk, data={"summary": "第二版"}
    )

    newer = reuse(client, source)
    elsewhere = reuse(api("dA_teacher"), source, owner=ORG["DA"])

    assert (first.status_code, newer.status_code, elsewhere.status_code) == (201, 201, 201)
    assert newer.json()["source_version"] == first.json()["source_version"] + 1
    assert len({first.json()["id"], newer.json()["id"], elsewhere.json()["id"]}) == 3


def test_after_the_copy_was_deleted_a_reuse_makes_a_new_one(source, api):
    client = api("tA_teacher")
    first = reuse(client, source)
    assert client.delete(f"/api/v1/courses/{first.json()['id']}/").status_code == 204

    again = reuse(client, source)

    assert again.status_code == 201
    assert again.json()["id"] != first.json()["id"]
    assert ReuseRecord.objects.count() == 2


def test_a_repeat_is_still_refused_when_the_reuse_would_be(source, api, persona):
    client = api("tA_teacher")
    assert reuse(client, source).status_code == 201
    services.resource_withdraw(Course, user=persona("muni_curator"), pk=source.pk)

    assert reuse(client, source).status_code == 404  # withdrawn: out of a town's sight
