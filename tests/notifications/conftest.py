"""Helpers for the notification tests: run the queued jobs, read who was told what."""

import pytest

from apps.accounts.models import User
from apps.jobs.queue import run_due_jobs
from apps.notifications.models import Notification


def told(kind: str, resource=None) -> set[str]:
    """Usernames that hold a notification of ``kind`` (about ``resource``)."""
    rows = Notification.objects.filter(kind=kind)
    if resource is not None:
        rows = rows.filter(object_id=resource.pk)
    return set(rows.values_list("recipient__username", flat=True))


@pytest.fixture
def deliver(db):
    """Run every due job (fan-out, e-mail) in this process; how many ran."""
    return run_due_jobs


@pytest.fixture
def with_email(db):
    """Give these personas an e-mail address (the personas have none)."""

    def give(*names: str) -> None:
        for name in names:
            User.objects.filter(username=name).update(email=f"{name}@example.org")

    return give
