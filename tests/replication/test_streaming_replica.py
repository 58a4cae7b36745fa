"""Against a real streaming replica (scripts/replica.sh): a write followed by a read with the
same token always sees the write, even with replay paused on the replica; other readers are
served by the replica meanwhile; a replica lagging beyond the bound, or down, is not used.

These tests commit (the replica only ever sees committed data), on PostgreSQL only.
"""

import time
import uuid
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken, Membership, User
from apps.organizations.models import Organization
from apps.replication import positions

from .conftest import wait_replayed

pytestmark = [
    pytest.mark.replica,
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, databases="__all__"),
]

REPLICA = "replica1"
DEPARTMENT = "440600-fgj"
CASE = {
    "owner": DEPARTMENT,
    "title": "复制延迟下的案例",
    "background": "背景",
    "key_issues": "要点",
    "teaching_notes": "说明",
    "discussion_questions": "问题",
    "domains": ["business-environment"],
    "year": 2025,
}


def token_client(username):
    user = User.objects.create_user(username=username)
    Membership.objects.create(
        user=user, organization=Organization.objects.get(code=DEPARTMENT), role="submitter"
    )
    _token, raw = ApiToken.issue(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def create_case(client):
    return client.post(
        "/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )


@pytest.fixture
def writer_and_reader():
    """Two members of one department (each sees the other's drafts), with API tokens, on a
    replica that has caught up with them."""
    call_command("loaddata", "organizations", "taxonomy", verbosity=0)
    writer, reader = token_client("replica_writer"), token_client("replica_reader")
    wait_replayed(REPLICA)
    positions.forget_statuses()
    yield writer, reader
    positions.forget_statuses()


def replay_state():
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_get_wal_replay_pause_state()")
        return cursor.fetchone()[0]


@contextmanager
def replay_paused():
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        deadline = time.monotonic() + 10
        while replay_state() != "paused":
            assert time.monotonic() < deadline, "the replica did not pause its replay"
            time.sleep(0.02)
        positions.forget_statuses()
        yield
    finally:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
        positions.forget_statuses()


@contextmanager
def served():
    """Which connection served: the queries on the primary and on the replica."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        yield primary, replica


VERSIONS = "sharing_contentversion"  # the cache key's content versions (apps.sharing)


def touched(queries, table):
    return [q["sql"] for q in queries if f'"{table}"' in q["sql"]]


def test_a_write_then_a_read_with_the_same_token_sees_it_while_replay_is_paused(
    writer_and_reader,
):
    writer, reader = writer_and_reader
    with replay_paused():
        created = create_case(writer)
        assert created.status_code == 201, created.content
        url = f"/api/v1/cases/{created.json()['id']}/"

        # The writer reads its write at once (from the primary: the replica has not replayed
        # it), on the detail and in the list. The item is computed on the first read and then
        # served from the per-audience cache, whose key (the content versions) is read where
        # the rows are: on the primary, every time.
        for attempt in range(3):
            with served() as (primary, replica):
                response = writer.get(url)
            assert response.status_code == 200
            assert response.json()["title"] == CASE["title"]
            assert touched(primary, VERSIONS) and not touched(replica, VERSIONS)
            assert not touched(replica, "cases_case")
            assert touched(primary, "cases_case") or attempt > 0
        listed = writer.get("/api/v1/cases/")
        assert [c["title"] for c in listed.json()["results"]] == [CASE["title"]]

        # Another reader (who may see the draft) is served by the replica, which has not
        # replayed the write yet: not found, and the case table was read on the replica only.
        with served() as (primary, replica):
            response = reader.get(url)
        assert response.status_code == 404
        assert touched(replica, "cases_case") and not touched(primary, "cases_case")

    # Replay resumed: once the replica has passed the write, both are served by the replica
    # (the item itself perhaps from the cache: the two share seats, and the replica's versions
    # are now the writer's; the reader's 404 above was not kept, or it would answer 404 again).
    wait_replayed(REPLICA)
    positions.forget_statuses()
    for client in (reader, writer):
        with served() as (primary, replica):
            response = client.get(url)
        assert response.status_code == 200
        assert touched(replica, VERSIONS) and not touched(primary, VERSIONS)
        assert not touched(primary, "cases_case")


def test_the_connection_that_serves_other_readers_is_in_recovery(writer_and_reader):
    """The replica alias really is the streaming replica, not the primary under another name."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database()")
        in_recovery, name = cursor.fetchone()
    assert in_recovery is True
    assert name == connections["default"].settings_dict["NAME"]
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is False


def test_a_replica_lagging_beyond_the_bound_is_not_used(writer_and_reader, settings):
    writer, reader = writer_and_reader
    settings.REPLICA_MAX_LAG_SECONDS = 0.2
    with replay_paused():
        created = create_case(writer)
        url = f"/api/v1/cases/{created.json()['id']}/"
        time.sleep(0.5)  # the replica is now further behind than the bound
        positions.forget_statuses()
        with served() as (primary, replica):
            response = reader.get(url)
        assert response.status_code == 200
        assert touched(primary, "cases_case") and not touched(replica, "cases_case")


def test_a_replica_that_is_down_is_not_used(writer_and_reader):
    writer, reader = writer_and_reader
    created = create_case(writer)
    url = f"/api/v1/cases/{created.json()['id']}/"
    replica = connections[REPLICA]
    port = replica.settings_dict["PORT"]
    replica.close()
    replica.settings_dict = {**replica.settings_dict, "PORT": 1}  # nothing listens there
    positions.forget_statuses()
    try:
        with CaptureQueriesContext(connections["default"]) as primary:
            response = reader.get(url)
        assert response.status_code == 200
        assert touched(primary, "cases_case")
    finally:
        replica.close()
        replica.settings_dict = {**replica.settings_dict, "PORT": port}
        positions.forget_statuses()
