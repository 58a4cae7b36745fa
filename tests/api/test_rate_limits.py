"""Rate limits for sessions (per person) and anonymous requests (per address), not only tokens."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from apps.api import throttling
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(monkeypatch):
    """Lower rates for the two throttles under test."""

    def set_rates(**rates):
        for name, rate in rates.items():
            cls = {"session": "SessionRateThrottle", "anon": "AnonRateThrottle"}[name]
            monkeypatch.setattr(getattr(throttling, cls), "THROTTLE_RATES", {name: rate})

    return set_rates


def test_a_session_over_its_rate_gets_429_problem_with_retry_after(api, rates):
    rates(session="3/min")
    client = api("tA_teacher")
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]

    limited = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert_problem(limited, 429)
    assert int(limited["Retry-After"]) > 0
    # A second session of the same person shares the allowance; another person has their own.
    assert api("tA_teacher").get("/api/v1/me/").status_code == 429
    assert api("tA_curator").get("/api/v1/me/").status_code == 200


def test_anonymous_requests_are_limited_per_address(rates):
    rates(anon="2/min")
    client = APIClient(REMOTE_ADDR="203.0.113.5")
    assert [client.get("/api/schema/").status_code for _ in range(2)] == [200, 200]

    limited = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="en")

    assert_problem(limited, 429)
    assert int(limited["Retry-After"]) > 0
    # A forged X-Forwarded-For does not buy a new allowance (no trusted proxy by default)...
    assert client.get("/api/schema/", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    # ...while another address has its own.
    assert APIClient(REMOTE_ADDR="203.0.113.6").get("/api/schema/").status_code == 200


def test_default_rates_are_generous():
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert set(rates) >= {"token", "session", "anon"}
    for scope in ("session", "anon"):
        count, period = rates[scope].split("/")
        assert period.startswith("m") and int(count) >= 120
