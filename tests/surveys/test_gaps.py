"""The gap map's figures, computed by hand (apps.surveys.gaps, its DEFINITIONS), and its cost."""

import pytest
from django.utils import timezone

from apps.surveys import gaps, services
from tests.factories import CaseFactory, CourseFactory, TrainingClassFactory, published

from .helpers import domain, links, make_survey, questions

pytestmark = pytest.mark.django_db


def _answer(curator, survey, at, rating=None, choice=None):
    rating_q, choice_q, _text = questions(survey)
    [token] = links(curator, survey, at=at)
    answers = {}
    if rating is not None:
        answers[str(rating_q.pk)] = rating
    if choice is not None:
        answers[str(choice_q.pk)] = choice
    services.response_submit(token=token, answers=answers)


def _cell(result, domain_code, area_code):
    row = next(r for r in result.rows if r.domain.code == domain_code)
    index = [a.code for a in result.areas].index(area_code)
    return row, row.cells[index]


def test_need_supply_and_gap_by_hand(persona):
    curator = persona("muni_curator")
    survey = make_survey(curator)
    # 禅城 (440604): ratings 5 and 3 → need (100 + 50) / 2 = 75
    _answer(curator, survey, "440604010", rating=5)
    _answer(curator, survey, "440604", rating=3)
    # 南海 (440605): choice 急需 (100) and 不清楚 (no weight: not counted) → need 100, 1 answer
    _answer(curator, survey, "440605", choice=0)
    _answer(curator, survey, "440605011", choice=3)
    # supply: industrial-system 1 network resource, 0 classes; finance 2 resources, 1 class
    published(CourseFactory, domains=["industrial-system"])
    published(CaseFactory, domains=["finance"])
    published(CourseFactory, domains=["finance"])
    published(CourseFactory, scope="private", domains=["industrial-system"])  # not network-wide
    held = TrainingClassFactory(start_date=timezone.localdate())
    held.domains.set([domain("finance")])

    result = gaps.gap_map()
    assert [a.code for a in result.areas] == [
        "440600",
        "440604",
        "440605",
        "440606",
        "440607",
        "440608",
    ]
    row, cell = _cell(result, "industrial-system", "440604")
    assert (row.resources, row.classes) == (1, 0)
    assert row.supply == 25.0  # 50 × 1/2 + 50 × 0/1
    assert (cell.need, cell.answers) == (75.0, 2)
    assert cell.gap == 56.2  # 75 × (100 − 25) / 100 = 56.25 → 56.2
    assert cell.is_gap and cell.level == 2 and cell.css == "gap-2"
    row, cell = _cell(result, "finance", "440605")
    assert (row.resources, row.classes, row.supply) == (2, 1, 100.0)
    assert (cell.need, cell.answers, cell.gap) == (100.0, 1, 0.0)
    assert not cell.is_gap and cell.level == 0
    _row, empty = _cell(result, "industrial-system", "440606")
    assert (empty.need, empty.gap, empty.css) == (None, None, "gap-none")


def test_drafts_do_not_count_and_survey_filter(persona):
    curator = persona("muni_curator")
    survey = make_survey(curator)
    _answer(curator, survey, "440604", rating=5)
    other = make_survey(curator, title="另一项")
    _answer(curator, other, "440604", rating=1)
    _row, cell = _cell(gaps.gap_map(), "industrial-system", "440604")
    assert (cell.need, cell.answers) == (50.0, 2)
    _row, cell = _cell(gaps.gap_map(survey_ids=[survey.pk]), "industrial-system", "440604")
    assert (cell.need, cell.answers) == (100.0, 1)


def test_gap_map_queries_do_not_grow(persona, django_assert_max_num_queries):
    curator = persona("muni_curator")
    survey = make_survey(curator, audience="trainees")
    for at in ("440604", "440605", "440606", "440604010", "440600-fgj"):
        _answer(curator, survey, at, rating=4, choice=1)
    with django_assert_max_num_queries(8):
        result = gaps.gap_map()
        result.as_dict()


def test_supply_is_placed_between_the_fewest_and_the_most():
    assert gaps.supply_index(5, 10, [5, 5, 5], [0, 10, 20]) == 25.0  # same resources: 0
    assert gaps.supply_index(3, 0, [3, 3], [0, 0]) == 0.0  # nothing tells them apart
    assert gaps.supply_index(9, 20, [1, 9], [0, 20]) == 100.0
    assert gaps.gap_of(80.0, 25.0) == 60.0 and gaps.gap_of(None, 0.0) is None


def test_a_thin_cell_shows_no_need(persona, settings):
    """One respondent's rating is their answer: under GAP_MAP_MIN_ANSWERS a cell shows none."""
    settings.GAP_MAP_MIN_ANSWERS = 2
    curator = persona("muni_curator")
    survey = make_survey(curator)
    _answer(curator, survey, "440605", rating=5)  # 南海: one answer
    _answer(curator, survey, "440604010", rating=5)  # 禅城: two answers
    _answer(curator, survey, "440604", rating=3)

    result = gaps.gap_map()
    _row, alone = _cell(result, "industrial-system", "440605")
    assert (alone.need, alone.gap, alone.css) == (None, None, "gap-none")
    assert alone.answers == 1
    _row, enough = _cell(result, "industrial-system", "440604")
    assert (enough.need, enough.answers) == (75.0, 2)
