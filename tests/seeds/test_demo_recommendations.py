"""``seed_demo``'s recommendations (向上推荐): two districts each recommend two street-school
courses to the city; the city has accepted one of each (both credits), the other waits in its
review queue; all through the services, and a second run adds nothing."""

import pytest

from apps.audit.models import AuditEvent
from apps.courses.models import Course
from apps.sharing.choices import Scope, Status
from seeds.recommendations import COURSES, seed_recommendations

pytestmark = pytest.mark.django_db

# The demo's users, played by the test personas seated in the same schools.
SEATS = {
    "zumiao_teacher": "tA_teacher",
    "chancheng_curator": "dA_curator",
    "guicheng_teacher": "tB_teacher",
    "nanhai_curator": "dB_curator",
    "muni_curator": "muni_curator",
}


@pytest.fixture
def seeded(persona):
    return seed_recommendations({name: persona(seat) for name, seat in SEATS.items()})


def recommended():
    return Course.objects.filter(recommended_by__isnull=False).select_related(
        "owner", "recommended_by"
    )


def test_two_districts_recommend_two_courses_each_and_the_city_accepted_one_of_each(seeded):
    assert seeded == {"recommended courses": 4, "of which accepted by the city": 2}
    by_district = {}
    for course in recommended():
        assert course.status == Status.PUBLISHED
        assert course.recommendation_note
        assert course.owner.kind == "town"
        assert course.owner.path.startswith(course.recommended_by.path)
        by_district.setdefault(course.recommended_by.code, []).append(course.scope)
    assert {code: sorted(scopes) for code, scopes in by_district.items()} == {
        "440604": [Scope.DISTRICT, Scope.NETWORK],
        "440605": [Scope.DISTRICT, Scope.NETWORK],
    }


def test_the_waiting_ones_are_in_the_citys_review_queue(seeded, persona):
    queue = Course.objects.restrict(persona("muni_curator"), "review")
    waiting = set(recommended().filter(scope=Scope.DISTRICT).values_list("pk", flat=True))
    assert len(waiting) == 2
    assert waiting <= set(queue.values_list("pk", flat=True))


def test_every_step_went_through_the_services_and_a_second_run_adds_nothing(seeded, persona):
    ids = list(recommended().values_list("pk", flat=True))
    actions = AuditEvent.objects.filter(object_id__in=ids, action="recommend")
    assert actions.count() == len(COURSES)
    again = seed_recommendations({name: persona(seat) for name, seat in SEATS.items()})
    assert again == {"recommended courses": 0, "of which accepted by the city": 0}
    assert recommended().count() == len(COURSES)
