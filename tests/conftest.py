"""Shared test fixtures: the real Foshan network and one persona per tier and role.

The reference fixtures and personas are loaded once per session into the test
database; each test runs in a transaction that is rolled back.
"""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from rest_framework.test import APIClient

from apps.accounts.models import Membership, User
from apps.organizations.models import Organization

# persona → (organisation code, role). Letters: M municipal, DA/DB districts 禅城/南海,
# TA/TA2 towns under 禅城 (祖庙, 石湾), TB a town under 南海 (桂城), DEP 发改局.
PERSONAS = {
    "muni_admin": ("440600", "admin"),
    "muni_curator": ("440600", "curator"),
    "muni_teacher": ("440600", "teacher"),
    "dA_curator": ("440604", "curator"),
    "dA_teacher": ("440604", "teacher"),
    "tA_admin": ("440604010", "admin"),
    "tA_curator": ("440604010", "curator"),
    "tA_teacher": ("440604010", "teacher"),
    "tA_viewer": ("440604010", "viewer"),
    "tA2_teacher": ("440604011", "teacher"),
    "dB_curator": ("440605", "curator"),
    "tB_teacher": ("440605011", "teacher"),
    "dept": ("440600-fgj", "submitter"),
}
ORG = {"M": "440600", "DA": "440604", "TA": "440604010", "DB": "440605", "DEP": "440600-fgj"}


def pytest_configure(config):
    """The test client, the live server and Schemathesis speak plain HTTP: no redirect to
    HTTPS, which production settings (DEBUG off, the PostgreSQL run) turn on. Set here, before
    any WSGI handler reads it (SecurityMiddleware reads it once, when it is built);
    tests/test_deploy_settings.py checks the redirect itself."""
    settings.SECURE_SSL_REDIRECT = False


# Packages whose tests share a package fixture that is costly to set up (tests/seeds/demo: the
# whole demo, seeded once). With ``--dist loadgroup`` (the Makefile) each goes whole to one
# worker, so its fixture is set up once per pass, not once per worker. Not by xdist's own
# loadgroup: on pytest 9.2 it ignores ``xdist_group`` marks (it passes the group as a node-id
# suffix, which the structured node ids drop: pytest-dev/pytest-xdist#1386), and, keying its
# work by node id, it runs only one of the Schemathesis cases, which share theirs. Here it is
# xdist's ``load`` (by index, every test runs) whose chunks take such a package whole.
ONE_WORKER = ("tests/seeds/demo/",)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScheduling

    def package(nodeid: str) -> str | None:
        return next((p for p in ONE_WORKER if nodeid.startswith(p)), None)

    class LoadKeepingPackagesTogether(LoadScheduling):
        def _send_tests(self, node, num):
            # Collected one after another, a package's tests are consecutive in ``pending``:
            # a chunk that ends inside one takes the rest of it.
            pending, collection = self.pending, self.collection
            last = package(collection[pending[num - 1]]) if 0 < num <= len(pending) else None
            while last and num < len(pending) and package(collection[pending[num]]) == last:
                num += 1
            super()._send_tests(node, num)

    return LoadKeepingPackagesTogether(config, log)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("loaddata", "organizations", "taxonomy", "class_themes", verbosity=0)
        for username, (code, role) in PERSONAS.items():
            # No password: tests sign in with force_login, and hashing would only cost time.
            user = User.objects.create_user(username=username)
            Membership.objects.create(
                user=user, organization=Organization.objects.get(code=code), role=role
            )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rate-limit counters, lockouts and the list
    pages' facet counts (keyed by data generation, which a rolled-back test leaves behind)."""
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def persona(db):
    """``persona("tA_teacher")`` → that user, fresh from the database."""

    def get(name: str) -> User:
        return User.objects.get(username=name)

    return get


@pytest.fixture
def browser(client, persona):
    """``browser("tA_teacher")`` → Django's test client signed in as that persona (pages).

    (tests/browser has its own ``browser``: a real Chromium.)
    """

    def sign_in(name):
        client.force_login(persona(name))
        return client

    return sign_in


@pytest.fixture
def org(db):
    def get(key: str) -> Organization:
        return Organization.objects.get(code=ORG.get(key, key))

    return get


@pytest.fixture
def api():
    """``api("tA_teacher")`` → an API client signed in as that persona (None: anonymous).

    The session is real (``force_login``), so requests pass through the same
    authentication classes as a browser's.
    """

    def make(name: str | None = None) -> APIClient:
        client = APIClient()
        if name:
            client.force_login(User.objects.get(username=name))
        return client

    return make


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db['NAME']})"
