"""Property: any text is a search that runs, on the current database, within the bounds.

Hypothesis with a fixed seed (``derandomize``) and few examples, so the run is the same every
time and short. Texts lean on what users type (Chinese, Latin, digits, punctuation, blanks)
and on what they should not (control characters, compatibility characters that normalise
into several, very long runs).
"""

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.courses.models import Course
from apps.search.query import bounded_runs, search_ranked, validate_search_text

pytestmark = pytest.mark.django_db

CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
TYPED = st.one_of(
    CHINESE,
    st.sampled_from("abcxyz0123456789 ，。、+-_/\\'\"%*:&|!()\t\n\x00\x1f㍿ＡＩ５"),
    st.characters(codec="utf-8"),
)
TEXTS = st.one_of(
    st.text(TYPED, max_size=300),
    st.text(CHINESE, min_size=90, max_size=400),
    st.lists(st.text(TYPED, min_size=1, max_size=4), max_size=80).map(" ".join),
)
PROPERTY = settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(q=TEXTS)
def test_any_text_is_a_bounded_search_that_runs(q):
    runs = bounded_runs(q)
    max_chars, max_words = django_settings.SEARCH_MAX_CHARS, django_settings.SEARCH_MAX_TOKENS
    assert len(runs) <= max_words
    # tokens: at most a bigram and a word per character read
    assert sum(len(a) for run in runs for a in run.alternatives) <= 2 * max_chars

    list(search_ranked(Course.objects.all(), q)[:5])  # runs on SQLite and PostgreSQL alike

    try:
        validate_search_text(q)
    except ValidationError as refused:
        assert refused.code in {"max_length", "max_words"}


@PROPERTY
@given(q=TEXTS)
def test_any_search_through_the_api_is_answered_or_refused(q, api):
    response = api("tA_teacher").get("/api/v1/courses/", {"q": q})

    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response["Content-Type"].startswith("application/problem+json")
        assert set(response.json()["errors"]) == {"q"}
