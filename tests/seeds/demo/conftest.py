"""The whole demo, seeded once for the tests of this package.

``manage.py seed_demo`` takes half a minute (more on PostgreSQL) and these tests only read what
it made, so the package fixture ``demo`` runs it once, on a fixed day, inside an outer
transaction that is rolled back after the package's last test. Each test still runs in its own
transaction (pytest-django's ``django_db``: the ``TestCase`` atomic nests inside the open one as
a savepoint), so what one writes (a second run, reminders sent, classes made again) is gone for
the next, and the demo is gone for the tests of other packages (the fixture checks it).

Keep here only tests that read the whole demo: any test collected in this package runs inside
the demo. With ``--dist loadgroup`` (the Makefile) xdist gives the whole package to one worker
(``ONE_WORKER`` in tests/conftest.py), so the demo is seeded once per pass, not once per worker;
with another ``--dist`` the tests still pass, each worker seeding its own.
"""

from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from apps.accounts.models import User
from apps.classes.models import TrainingClass
from tests.seeds.demo import TODAY

# What reads "today" in the seeds and in the models the tests ask (all the same function,
# django.utils.timezone.localdate, named as each module imports it).
TODAY_IN = (
    "seeds.classes.timezone.localdate",
    "seeds.consultations.timezone.localdate",
    "seeds.meetings.timezone.localdate",
    "apps.meetings.models.timezone.localdate",
)


def on_the_demo_day(patch: pytest.MonkeyPatch) -> None:
    for target in TODAY_IN:
        patch.setattr(target, lambda: TODAY)


@dataclass(frozen=True)
class Demo:
    output: str  # what the run printed (counts added, the demo logins)


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo as ``make run`` loads it, seeded on ``TODAY``, rolled back after the package."""
    out = StringIO()
    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        with pytest.MonkeyPatch.context() as patch:
            on_the_demo_day(patch)
            call_command("seed_demo", stdout=out)
        # Check the deferred foreign keys now, once, as a test's teardown would: PostgreSQL
        # keeps them pending otherwise, and each test's teardown would check them all again
        # (its savepoint's rollback makes them pending again).
        connection.check_constraints()
        with django_db_blocker.block():  # the tests unblock it themselves (django_db)
            yield Demo(output=out.getvalue())
        transaction.set_rollback(True)
    with django_db_blocker.unblock():  # nothing of it is left for the other packages' tests
        assert not TrainingClass.objects.exists(), "demo left behind"
        assert not User.objects.filter(username="dongguan_teacher").exists(), "demo left behind"


@pytest.fixture
def demo_day(monkeypatch):
    """Today is the demo's day, for a test whose assertions (or second run) depend on it."""
    on_the_demo_day(monkeypatch)
    return TODAY
