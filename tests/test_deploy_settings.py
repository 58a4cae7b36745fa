"""Deployment defaults an auditor would sign, and the runs that must stay on plain HTTP.

With DEBUG off (production): HTTPS only (redirect, HSTS, Secure cookies), a strong SECRET_KEY
or no start at all, and ``manage.py check --deploy`` with nothing to say. With DEBUG on (the
SQLite demo, ``make run``) and in the test suite, plain HTTP keeps working. Each default can be
turned off from the environment (the benchmark serves plain HTTP on loopback with DEBUG off).

The settings are read once per process, so the production cases run ``manage.py`` in a
subprocess with the environment under test (without ``PYTEST_VERSION``, which lets the suite
run without a SECRET_KEY).
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from config.settings import secret_key_problem

REPO_ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = secrets.token_urlsafe(50)
ENV_EXAMPLE = REPO_ROOT / "platform" / "env.example"
PRINT_SETTINGS = (
    "from django.conf import settings as s;"
    "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
    " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
    " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
)


def manage(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``manage.py *args`` in a fresh process: SQLite in ``tmp_path``, only ``env`` set."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_SETTINGS_MODULE",
            "PYTHONPATH",
            "PYTEST_VERSION",
            "DATABASE_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "CSRF_TRUSTED_ORIGINS",
            "SECURE_COOKIES",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
        }
        and not k.startswith("CSP_")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env={**clean, "VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def production(**env: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "resources.example.gov.cn",
        **env,
    }


# ---- check --deploy -------------------------------------------------------------------------


def test_check_deploy_has_nothing_to_report_in_production(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_defaults_are_https_only(tmp_path):
    result = manage(tmp_path, "shell", "-v", "0", "-c", PRINT_SETTINGS, **production())

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "31536000", "True", "True", "True", "True"]


def test_each_production_default_can_be_turned_off_from_the_environment(tmp_path):
    result = manage(
        tmp_path,
        "shell",
        "-v",
        "0",
        "-c",
        PRINT_SETTINGS,
        **production(
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
            SECURE_HSTS_PRELOAD="0",
            SECURE_COOKIES="0",
        ),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "0", "False", "False", "False", "False"]


def test_the_sqlite_demo_stays_on_plain_http(tmp_path):
    """``make run``: no DATABASE_URL, no DEBUG, no SECRET_KEY; http://127.0.0.1:8000 works."""
    result = manage(tmp_path, "shell", "-v", "0", "-c", PRINT_SETTINGS)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "0", "False", "False", "False", "False"]


# ---- SECRET_KEY -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "x",
        "k" * 60,  # long, but one character
        "abcd" * 20,  # four distinct characters
        "Zq8-vR2xLm4TnW7pKc1sYb9dHf3jGa6uEo0iX5wQ_yVtNrMlB",  # 49: one short of Django's minimum
        "django-insecure-Zq8-vR2xLm4TnW7pKc1sYb9dHf3jGa6uEo0iX5wQ_yVtNrMlB",  # startproject's
        "insecure-development-key-only-for-the-local-demo",
    ],
    ids=["one-char", "one-distinct", "four-distinct", "49-chars", "django-insecure", "dev-key"],
)
def test_a_weak_secret_key_is_named(key):
    assert secret_key_problem(key)


def test_the_placeholder_of_env_example_is_weak():
    line = next(
        line for line in ENV_EXAMPLE.read_text().splitlines() if line.startswith("SECRET_KEY=")
    )
    assert secret_key_problem(line.removeprefix("SECRET_KEY="))


def test_a_generated_secret_key_is_strong():
    assert secret_key_problem(secrets.token_urlsafe(50)) is None
    assert secret_key_problem(STRONG_KEY) is None


def test_with_debug_off_a_weak_secret_key_refuses_to_start(tmp_path):
    result = manage(tmp_path, "check", **production(SECRET_KEY="x"))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr
    assert "50" in result.stderr  # the message says what a strong key is


def test_with_debug_off_a_missing_secret_key_refuses_to_start(tmp_path):
    env = production()
    del env["SECRET_KEY"]
    result = manage(tmp_path, "check", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_with_debug_off_a_strong_secret_key_starts(tmp_path):
    result = manage(tmp_path, "check", **production())

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_with_debug_on_any_secret_key_will_do(tmp_path):
    result = manage(tmp_path, "check", DEBUG="1", SECRET_KEY="x")

    assert result.returncode == 0, result.stderr


# ---- what the middleware does with the production values -------------------------------------


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    ALLOWED_HOSTS=["resources.example.gov.cn"],
)
def test_plain_http_is_sent_to_https_and_https_gets_hsts(db):
    client = Client(HTTP_HOST="resources.example.gov.cn")

    plain = client.get("/login/?next=/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://resources.example.gov.cn/login/?next=/"

    behind_the_proxy = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert behind_the_proxy.status_code == 200
    assert behind_the_proxy["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_the_test_suite_speaks_plain_http(client, db):
    """tests/conftest.py turns the redirect off for the test client and the live server."""
    response = client.get("/login/")

    assert response.status_code == 200


# ---- the reverse proxy example --------------------------------------------------------------


def server_blocks(conf: str) -> list[str]:
    """The top-level ``server { … }`` blocks of an nginx configuration (comments dropped)."""
    text = "\n".join(line.split("#", 1)[0] for line in conf.splitlines())
    blocks, depth, start = [], 0, None
    for i, char in enumerate(text):
        if char == "{":
            if depth == 0:
                start = text.rfind("server", 0, i)
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                blocks.append(text[start : i + 1])
    return blocks


def test_the_nginx_example_sends_plain_http_to_https():
    blocks = server_blocks((REPO_ROOT / "platform" / "nginx.conf.example").read_text())
    plain = [b for b in blocks if re.search(r"listen\s+80\s*;", b)]
    tls = [b for b in blocks if re.search(r"listen\s+443\s+ssl\s*;", b)]

    assert len(plain) == 1, "one server block for port 80"
    assert re.search(r"return\s+301\s+https://\$server_name\$request_uri\s*;", plain[0])
    assert "proxy_pass" not in plain[0], "plain HTTP never reaches the application"
    assert len(tls) == 1
    # What SECURE_PROXY_SSL_HEADER trusts: the proxy sets it on every request.
    assert re.search(r"proxy_set_header\s+X-Forwarded-Proto\s+\$scheme\s*;", tls[0])
