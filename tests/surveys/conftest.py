import pytest


@pytest.fixture(autouse=True)
def _every_answer_counts(settings):
    """The figures below are computed by hand from one or two answers a cell; the minimum that
    hides thin cells (GAP_MAP_MIN_ANSWERS) has its own test in test_gaps.py."""
    settings.GAP_MAP_MIN_ANSWERS = 1
