"""Personal data is never part of a version, a diff or a sync: a lecturer's contact is kept
by its owner only (apps.faculty.privacy), so a copy cannot "take" it from its source."""

import pytest

from apps.faculty.models import Lecturer
from apps.sharing import services, versions
from apps.sharing.choices import Scope, Status
from apps.sharing.exceptions import InvalidInput
from tests.conftest import ORG
from tests.factories import LecturerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def copy_behind(persona):
    source = LecturerFactory(
        owner_code=ORG["M"],
        author=persona("muni_teacher"),
        status=Status.PUBLISHED,
        scope=Scope.NETWORK,
    )
    services.resource_publish(
        Lecturer, user=persona("muni_curator"), pk=source.pk, scope=Scope.NETWORK
    )
    copy = services.resource_reuse(
        Lecturer, user=persona("tA_teacher"), pk=source.pk, target_code=ORG["TA"]
    )
    services.resource_update(
        Lecturer, user=persona("muni_curator"), pk=source.pk, data={"position": "副校长"}
    )
    return Lecturer.objects.get(pk=copy.pk)


def test_contact_is_not_a_field_of_versions_or_diffs(copy_behind):
    assert "contact" not in versions.synced_fields(Lecturer)
    diff = versions.diff(copy_behind, copy_behind.source)
    assert "contact" not in {f.field for f in diff.fields}
    assert "position" in {f.field for f in diff.fields if f.changed_upstream}


def test_taking_contact_is_refused_and_changes_nothing(copy_behind, persona):
    before = Lecturer.objects.filter(pk=copy_behind.pk).values().get()

    with pytest.raises(InvalidInput) as refused:
        services.resource_sync(
            Lecturer, user=persona("tA_teacher"), pk=copy_behind.pk, accept=["contact"]
        )

    assert "accept" in refused.value.errors
    assert Lecturer.objects.filter(pk=copy_behind.pk).values().get() == before
