"""The class pages' guards: a year outside any class's reach filters nothing (never a 500);
a viewer's class edit is refused before its form is read."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import TrainingClassFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "year", ["0", "99999", "1899", "2101", "02024", "-1", "x", "²", "２０２４", " "]
)
def test_a_year_the_list_cannot_filter_by_is_ignored(browser, year):
    cls = TrainingClassFactory(
        title="今年的班", start_date=timezone.localdate() + timedelta(days=3)
    )

    response = browser("tA_teacher").get("/classes/", {"year": year})

    assert response.status_code == 200
    assert cls.title in response.content.decode()
    assert response.context["year"] == ""


@pytest.mark.parametrize("year", ["1900", "2100"])
def test_the_bounds_are_years_the_list_filters_by(browser, year):
    cls = TrainingClassFactory(
        title="今年的班", start_date=timezone.localdate() + timedelta(days=3)
    )

    response = browser("tA_teacher").get("/classes/", {"year": year})

    assert response.status_code == 200
    assert cls.title not in response.content.decode()
    assert response.context["year"] == year
