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


def _class_state(cls) -> tuple:
    cls.refresh_from_db()
    return cls.title, cls.status, cls.version, cls.trainee_count, cls.start_date


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "trainee_count": "x", "start_date": "not a date"},  # invalid: was a 400
        {},  # nothing at all
        {"title": "改了", "trainee_count": "10"},
    ],
)
def test_a_viewer_is_refused_before_the_class_form_is_read(browser, data):
    cls = TrainingClassFactory()
    before = _class_state(cls)

    response = browser("tA_viewer").post(f"/classes/{cls.pk}/edit/", data)

    assert response.status_code == 403
    assert _class_state(cls) == before


def test_an_editors_invalid_class_form_is_still_shown_with_its_errors(browser):
    cls = TrainingClassFactory()
    before = _class_state(cls)

    response = browser("tA_teacher").post(f"/classes/{cls.pk}/edit/", {"title": ""})

    assert response.status_code == 400
    assert response.context["form"].errors
    assert _class_state(cls) == before
