"""Helpers for the audit tests: new events since a mark, token clients, published resources."""

import pytest
from django.db import connection

from apps.audit.models import AuditEvent
from tests import helpers
from tests.conftest import ORG
from tests.factories import CourseFactory

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="database triggers exist on PostgreSQL only; on SQLite bulk and raw changes "
    "are not captured (documented in apps/audit/__init__.py)",
)


class Since:
    """The events written after this point (the reference personas' seats came before)."""

    def __init__(self):
        self.mark = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def events(self, **filters):
        return list(
            AuditEvent.objects.filter(id__gt=self.mark, **filters)
            .select_related("user", "token", "organization", "content_type")
            .order_by("id")
        )

    def one(self, **filters):
        events = self.events(**filters)
        assert len(events) == 1, [(e.action, e.source, e.object_repr) for e in events]
        return events[0]


@pytest.fixture
def since(db):
    return Since


@pytest.fixture
def token_client(persona):
    """``token_client("tA_curator")`` → (client authenticated by a new API token, token)."""

    def make(name: str, **kwargs):
        return helpers.token_client(persona(name), **kwargs)

    return make


def course(persona, owner="TA", author="tA_teacher", **kwargs):
    return CourseFactory(owner_code=ORG.get(owner, owner), author=persona(author), **kwargs)
