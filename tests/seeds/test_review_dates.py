"""``seed_demo``'s review-by dates (待复核): overdue and due-soon cases and courses, and one
re-review confirmed through the service; a second run adds nothing."""

import datetime

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.cases.models import Case
from apps.sharing.choices import Status
from apps.sharing.models import ReviewRecord
from seeds.review_dates import DUE_SOON, OVERDUE, review_figures, seed_review_dates
from tests.factories import CaseFactory, CourseFactory, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def library_items():
    """Enough published originals in both libraries, some owned by the city."""
    for _ in range(OVERDUE + DUE_SOON + 1):
        published(CaseFactory)
        published(CourseFactory)


def test_the_demo_has_overdue_and_due_soon_items_and_one_re_review(library_items, persona):
    users = {"muni_curator": persona("muni_curator")}
    assert seed_review_dates(users) == {
        "review dates set": 2 * (OVERDUE + DUE_SOON),
        "re-reviews": 1,
    }
    # One overdue case was confirmed: it is current again.
    assert review_figures() == {"overdue": 2 * OVERDUE - 1, "due soon": 2 * DUE_SOON}
    record = ReviewRecord.objects.get()
    assert (record.outcome, record.user.username) == ("confirm", "muni_curator")
    confirmed = Case.objects.get(pk=record.object_id)
    assert confirmed.review_by > timezone.localdate() + datetime.timedelta(days=365)
    assert AuditEvent.objects.filter(action="rereview", object_id=confirmed.pk).exists()
    assert confirmed.status == Status.PUBLISHED


def test_a_second_run_adds_nothing(library_items, persona):
    users = {"muni_curator": persona("muni_curator")}
    seed_review_dates(users)
    before = review_figures(), ReviewRecord.objects.count()
    assert seed_review_dates(users) == {"review dates set": 0, "re-reviews": 0}
    assert (review_figures(), ReviewRecord.objects.count()) == before
