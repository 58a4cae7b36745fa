"""Real-browser tests: Playwright drives Debian's headless Chromium against a live server.

Run them in their own pytest invocation, never under xdist and never mixed with the
main suite (``live_server`` needs ``transactional_db``, which flushes the database after
each test and would wipe the personas the main suite loads once per session)::

    bash scripts/install-browser.sh
    .venv/bin/pytest -m browser tests/browser -p no:xdist

Every test builds the data it needs (``world``): the database is empty after a flush.
Screenshots go to ``test-artifacts/screenshots/`` (git-ignored); a failing test leaves
one named ``FAILED-<test>.png`` there too.

If Chromium cannot start, the tests fail with the reason: CI must never skip them.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.organizations.models import Organization
from apps.sharing.choices import Scope, Status
from tests.conftest import PERSONAS

from .steps import PASSWORD

CHROMIUM = os.environ.get("BROWSER_EXECUTABLE", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "screenshots"
LOCALE = "zh-CN"
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000  # generous: CI shares two cores with the rest of the run


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "browser: real-browser test (Playwright + Chromium, live server); run alone with "
        "`pytest -m browser tests/browser -p no:xdist`",
    )


def pytest_runtest_makereport(item, call):
    # Remember each phase's outcome on the item, for the failure screenshot below.
    if call.when == "call":
        item.browser_call_failed = call.excinfo is not None


# ---- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _browser_run_is_isolated(request):
    """Refuse to run under xdist, before any test flushes a database shared with others."""
    if hasattr(request.config, "workerinput"):
        pytest.fail(
            "browser tests must run in their own pytest invocation without xdist: "
            "`pytest -m browser tests/browser -p no:xdist` (and `-m 'not browser'` for the rest)",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def playwright_session():
    # Playwright's sync API runs an event loop in this thread; Django would then refuse
    # ORM calls from test code ("async unsafe"). Allowed for the browser run only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    playwright = sync_playwright().start()
    try:
        yield playwright
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright_session):
    """Debian's Chromium, headless. A launch failure FAILS the tests, with the fix to try."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `bash scripts/install-browser.sh` "
            "(apt-get install chromium fonts-wqy-microhei).",
            pytrace=False,
        )
    try:
        browser = playwright_session.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:
        pytest.fail(
            f"Chromium at {CHROMIUM} could not be launched by Playwright: {exc}\n"
            "Check `bash scripts/install-browser.sh` and `/usr/bin/chromium --version`.",
            pytrace=False,
        )
    yield browser
    browser.close()


@pytest.fixture
def browser_settings(settings):
    """Plain-HTTP live server: cookies must not be Secure-only (they are when DEBUG is off)."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # Real sign-ins through the login form, without PBKDF2's deliberate slowness.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


@pytest.fixture
def context(browser, live_server, browser_settings):
    """A fresh browser profile per test, in Chinese (locale and Accept-Language)."""
    context = browser.new_context(
        base_url=live_server.url,
        locale=LOCALE,
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        viewport=VIEWPORT,
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture(scope="session")
def screenshots():
    """The screenshot folder, emptied of the previous run's pictures."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS


# Every page reports what its Content-Security-Policy blocked (the DOM's
# securitypolicyviolation event, in every frame, from before the page's own scripts run).
REPORT_CSP_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) =>
  window.reportCspViolation([e.effectiveDirective || e.violatedDirective, e.blockedURI,
    e.sourceFile + ":" + e.lineNumber, e.sample].join(" | ")));"""


@pytest.fixture
def page(context, request, screenshots):
    """A page that remembers its JavaScript errors (``page.js_errors``) and what the
    Content-Security-Policy blocked (``page.csp_violations``: the violation events, and the
    console's "Refused to …" lines). A test that passes with a violation fails at teardown:
    the policy must hold on every page a browser test visits."""
    page = context.new_page()
    errors: list[str] = []
    violations: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.expose_function("reportCspViolation", lambda text: violations.append(text))
    page.add_init_script(REPORT_CSP_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            violations.append(f"console: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.js_errors = errors
    page.csp_violations = violations
    yield page
    if getattr(request.node, "browser_call_failed", False):
        # The page may be gone; the test's own error is what matters.
        with contextlib.suppress(Exception):
            page.screenshot(path=screenshots / f"FAILED-{request.node.name}.png", full_page=True)
    page.close()
    if getattr(request.node, "browser_call_failed", None) is False and violations:
        pytest.fail(f"Content-Security-Policy violations on {request.node.name}: {violations}")


@pytest.fixture
def shot(request, screenshots):
    """``shot(page, "step")`` → saves test-artifacts/screenshots/<test>-NN-step.png.

    The whole page by default; ``full_page=False`` for what the first screen shows.
    """
    test = re.sub(r"[^\w-]+", "_", request.node.name.removeprefix("test_"))
    counter = iter(range(1, 100))

    def take(page, step: str, *, full_page: bool = True) -> Path:
        path = screenshots / f"{test}-{next(counter):02d}-{step}.png"
        page.screenshot(path=path, full_page=full_page)
        return path

    return take


# ---- data ---------------------------------------------------------------------------------


@pytest.fixture
def world(transactional_db, browser_settings):
    """Reference data and every persona with a password, built afresh for each test.

    Idempotent, so it also works on the first test of a run, when the session's
    personas (tests/conftest.py) are still in the database.
    """
    call_command("loaddata", "organizations", "taxonomy", "class_themes", verbosity=0)
    return World()


class World:
    password = PASSWORD

    def user(self, name: str) -> User:
        """The persona ``name`` (see tests/conftest.py), able to sign in with the password."""
        code, role = PERSONAS[name]
        user, _ = User.objects.get_or_create(username=name)
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.get_or_create(
            user=user, organization=Organization.objects.get(code=code), defaults={"role": role}
        )
        return User.objects.get(pk=user.pk)

    def author_at(self, owner_code: str) -> User:
        """A persona seated at ``owner_code`` (resources need an author)."""
        name = next(name for name, (code, _role) in PERSONAS.items() if code == owner_code)
        return self.user(name)

    def published(self, factory, owner_code="440600", scope=Scope.NETWORK, **fields):
        fields.setdefault("author", self.author_at(owner_code))
        return factory(owner_code=owner_code, status=Status.PUBLISHED, scope=scope, **fields)

    def pending(self, factory, author, owner_code="440604010", scope=Scope.DISTRICT, **fields):
        return factory(
            owner_code=owner_code,
            author=author,
            status=Status.PENDING,
            scope=scope,
            submitted_at=timezone.now(),
            **fields,
        )
