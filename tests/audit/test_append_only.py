"""Audit events are written once: no update, no delete, through the ORM or (PostgreSQL) raw SQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from apps.audit.models import AuditEvent, AuditLogIsAppendOnly
from apps.courses.models import Course
from apps.sharing import services
from tests.audit.conftest import POSTGRES_ONLY, Since, course

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(persona):
    obj = course(persona)
    mark = Since()
    services.resource_update(Course, user=persona("tA_teacher"), pk=obj.pk, data={"title": "改"})
    return mark.one()


def test_the_orm_refuses_to_change_or_remove_an_event(event):
    event.action = "delete"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.save(update_fields=["action"])
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == "update"


def test_a_new_event_can_still_be_written(event):
    AuditEvent(action="update", object_repr="手工").save()
    assert AuditEvent.objects.filter(object_repr="手工").count() == 1


@POSTGRES_ONLY
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'delete' WHERE id = %s",
        "UPDATE audit_auditevent SET changes = '{}'::jsonb WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_raw_updates_and_deletes(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.changes) == ("update", event.changes)
