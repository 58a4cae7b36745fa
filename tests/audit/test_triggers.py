"""PostgreSQL triggers record what bypasses the application: ``update()``, raw SQL, bulk writes."""

import pytest
from django.db import connection, transaction
from django.db.models import F

from apps.accounts.models import Membership
from apps.accounts.services import member_add
from apps.audit.context import audit_context
from apps.cases.models import Case
from apps.courses.models import Course
from apps.faculty.models import Lecturer
from apps.organizations.models import Organization
from apps.sharing import services
from apps.teaching_sites.models import TeachingSite
from tests.audit.conftest import POSTGRES_ONLY, Since, course
from tests.conftest import ORG
from tests.factories import CaseFactory, LecturerFactory, TeachingSiteFactory

pytestmark = [pytest.mark.django_db, POSTGRES_ONLY]


def test_a_queryset_update_is_recorded_per_row_with_source_db(persona):
    first, second = course(persona, title="甲"), course(persona, title="乙")
    mark = Since()

    Course.objects.filter(pk__in=[first.pk, second.pk]).update(status="published")

    events = mark.events()
    assert sorted((e.object_id, e.action, e.source) for e in events) == [
        (first.pk, "update", "db"),
        (second.pk, "update", "db"),
    ]
    by_id = {e.object_id: e for e in events}
    assert by_id[first.pk].changes == {"status": ["draft", "published"]}
    assert by_id[first.pk].object_repr == "甲"
    assert by_id[first.pk].organization == Organization.objects.get(code=ORG["TA"])
    assert by_id[first.pk].content_type.model_class() is Course
    # One statement, one transaction: one request id, and no user was known.
    assert len({e.request_id for e in events}) == 1
    assert events[0].request_id.startswith("db-tx-")
    assert events[0].user is None


@pytest.mark.parametrize(
    ("model", "factory"),
    [(Lecturer, LecturerFactory), (Case, CaseFactory), (TeachingSite, TeachingSiteFactory)],
)
def test_every_library_table_has_the_trigger(model, factory, persona):
    obj = factory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    mark = Since()
    model.objects.filter(pk=obj.pk).update(title="批量改名", version=F("version") + 1)
    event = mark.one()
    assert event.source == "db" and event.content_type.model_class() is model
    assert event.changes == {"title": [obj.title, "批量改名"], "version": [1, 2]}


def test_foreign_keys_are_reported_under_their_field_names(persona):
    obj = course(persona)
    mark = Since()
    Course.objects.filter(pk=obj.pk).update(owner=Organization.objects.get(code=ORG["DA"]))
    event = mark.one()
    assert event.changes == {
        "owner": [
            Organization.objects.get(code=ORG["TA"]).pk,
            Organization.objects.get(code=ORG["DA"]).pk,
        ]
    }


def test_raw_sql_deletes_and_bulk_inserts_are_recorded(persona):
    obj = course(persona, title="将被删除", domains=[])
    mark = Since()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Course._meta.db_table} WHERE id = %s", [obj.pk])
    event = mark.one()
    assert (event.action, event.object_id, event.source) == ("delete", obj.pk, "db")
    assert event.changes["title"] == ["将被删除", None]

    mark = Since()
    created = course(persona, title="工厂直接写入")  # Model.save() outside the services
    event = mark.one()
    assert (event.action, event.object_id, event.source) == ("create", created.pk, "db")
    assert event.changes["title"] == [None, "工厂直接写入"]


def test_changes_to_search_columns_or_timestamps_only_record_nothing(persona):
    obj = course(persona)
    mark = Since()
    Course.objects.filter(pk=obj.pk).update(search_title="x y", search_body="z")
    Course.objects.filter(pk=obj.pk).update(title=obj.title)  # the same value
    assert mark.events() == []


def test_recorded_actions_keep_their_own_writes_out_of_the_trigger(persona):
    """The version bump and reuse_count update() inside services add no db events."""
    source = course(persona, status="published", scope="network")
    mark = Since()
    services.resource_reuse(
        Course, user=persona("tA2_teacher"), pk=source.pk, target_code="440604011"
    )
    assert [(e.action, e.source) for e in mark.events()] == [("reuse", "app")]
    assert Course.objects.get(pk=source.pk).reuse_count == 1


def test_a_bulk_change_after_a_recorded_action_carries_its_request_and_user(persona):
    obj = course(persona)
    mark = Since()
    with audit_context(request_id="batch-2025-03"), transaction.atomic():
        services.resource_update(
            Course, user=persona("tA_curator"), pk=obj.pk, data={"title": "先改"}
        )
        Course.objects.filter(pk=obj.pk).update(class_hours=4)
    recorded, bulk = mark.events()
    assert (recorded.source, bulk.source) == ("app", "db")
    assert recorded.request_id == bulk.request_id == "batch-2025-03"
    assert bulk.user == persona("tA_curator")
    assert bulk.username == "tA_curator"
    assert bulk.changes == {"class_hours": [2.0, 4.0]}


def test_a_membership_queryset_update_is_recorded_and_a_service_change_only_once(persona):
    seat = Membership.objects.get(user=persona("tA_viewer"))
    mark = Since()
    Membership.objects.filter(pk=seat.pk).update(role="teacher")
    event = mark.one()
    assert (event.source, event.action) == ("db", "update")
    assert event.changes == {"role": ["viewer", "teacher"]}
    assert event.organization_id == seat.organization_id
    assert event.content_type.model_class() is Membership

    mark = Since()
    member_add(username="tA_viewer", org_code=ORG["TA"], role="curator")
    event = mark.one()  # the signal's event; the trigger stood aside for that row
    assert (event.source, event.action) == ("app", "membership_change")
    assert event.changes == {"role": ["teacher", "curator"]}

    mark = Since()
    Membership.objects.filter(pk=seat.pk).delete()
    event = mark.one()
    assert (event.source, event.action) == ("app", "membership_remove")
