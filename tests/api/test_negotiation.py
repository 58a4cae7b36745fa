"""A stray ``?format=`` does not hide a resource (apps.api.negotiation)."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_format_parameter_is_ignored_not_a_404(api):
    client = api("tA_teacher")

    response = client.get("/api/v1/courses/", {"format": "no-such-format"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "results" in response.json()


def test_a_known_format_parameter_still_chooses_the_renderer(api):
    response = api("tA_teacher").get("/api/v1/courses/", {"format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
