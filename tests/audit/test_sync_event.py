"""A sync of a copy with its source is one audit event, named in the interface's language."""

import pytest
from django.utils import translation

from apps.audit.models import AuditEvent
from apps.courses.models import Course
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from tests.conftest import ORG
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_a_sync_records_one_event_with_the_fields_it_took(persona):
    source = CourseFactory(
        owner_code=ORG["M"],
        author=persona("muni_teacher"),
        status=Status.PUBLISHED,
        scope=Scope.NETWORK,
    )
    services.resource_publish(Course, user=persona("muni_curator"), pk=source.pk, scope="network")
    copy = services.resource_reuse(
        Course, user=persona("tA_teacher"), pk=source.pk, target_code=ORG["TA"]
    )
    services.resource_update(
        Course, user=persona("muni_curator"), pk=source.pk, data={"outline": "新提纲"}
    )
    before = AuditEvent.objects.count()

    services.resource_sync(Course, user=persona("tA_teacher"), pk=copy.pk, accept=["outline"])

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.object_id, event.username) == ("sync", copy.pk, "tA_teacher")
    assert "outline" in event.changes
    with translation.override("zh-hans"):
        assert event.get_action_display() == "与来源同步"
