"""A long search never breaks: the query is built flat, and the search text is bounded.

A pasted paragraph used to be a 500 (SQLite: "parser stack overflow" from about 60 Chinese
characters; PostgreSQL: RecursionError from about 150), because the query nested one
expression per token. Now any text builds a query of a few levels, and a search over
SEARCH_MAX_CHARS characters or SEARCH_MAX_TOKENS words is refused where it comes in: 400
naming ``q`` and the limit on the API, the message beside the search box on the pages.
"""

import pytest
from django.core.exceptions import ValidationError

from apps.courses.models import Course
from apps.search.query import bounded_runs, search, search_ranked, validate_search_text

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
# 170 characters, no two runs alike: what a user pastes from a report.
PARAGRAPH = (
    "习近平新时代中国特色社会主义思想是当代中国马克思主义二十一世纪马克思主义是中华文化和中国"
    "精神的时代精华实现了马克思主义中国化时代化新的飞跃佛山市委党校牵头与五个区委党校三十二个"
    "镇街党校及三十余个职能部门共建共享课程库师资库案例库和现场教学库市委党校发布区镇党校检索"
    "和复用各级向上推荐职能部门通过接口报送案例市委党校掌握全网共享复用与短板情况"
)
# 33 different words in 65 characters.
WORDS = " ".join("abcdefghijklmnopqrstuvwxyz0123456")


def test_the_defaults_are_a_hundred_characters_and_32_words(settings):
    assert (settings.SEARCH_MAX_CHARS, settings.SEARCH_MAX_TOKENS) == (100, 32)
    assert len(PARAGRAPH) > 150 and len(WORDS.split()) == 33


def test_a_pasted_paragraph_builds_a_query_that_runs(persona, make):
    """Called directly with more than a search may hold, the builder reads the first
    SEARCH_MAX_CHARS characters and answers (was: parser stack overflow / RecursionError)."""
    match = make("courses", title=PARAGRAPH[:40])
    visible = Course.objects.restrict(persona("tA_teacher"), "view")

    assert list(search_ranked(visible, PARAGRAPH)) == []
    assert list(search(visible, PARAGRAPH[:40])) == [match]
    assert list(search_ranked(visible, PARAGRAPH[:100])) == []


def test_the_builder_reads_no_more_than_the_bounds(settings):
    settings.SEARCH_MAX_CHARS, settings.SEARCH_MAX_TOKENS = 10, 3

    assert "".join(run.tokens[0][:1] for run in bounded_runs("金融")) == "金"
    assert len(bounded_runs(WORDS)) == 3
    assert len(bounded_runs(PARAGRAPH)) == 1
    assert max(len(a) for run in bounded_runs(PARAGRAPH) for a in run.alternatives) <= 9


def test_a_search_at_the_limit_is_answered(api, make):
    make("courses", title=PARAGRAPH[:100])

    response = api("tA_teacher").get(COURSES, {"q": PARAGRAPH[:100]})

    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == 1


@pytest.mark.parametrize(
    ("q", "limit"),
    [(PARAGRAPH[:101], "100"), (PARAGRAPH, "100"), (WORDS, "32")],
    ids=["101-characters", "170-characters", "33-words"],
)
def test_the_api_refuses_a_longer_search_naming_q_and_the_limit(api, q, limit):
    response = api("tA_teacher").get(COURSES, {"q": q}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert set(errors) == {"q"}
    assert limit in errors["q"][0]


def test_the_limit_is_said_in_chinese_by_default(api):
    response = api("tA_teacher").get(COURSES, {"q": PARAGRAPH})

    assert response.json()["errors"]["q"] == ["搜索内容最多 100 个字符（本次搜索有 170 个）。"]


def test_the_list_page_shows_the_limit_beside_the_search_box_and_keeps_the_text(browser, make):
    make("courses", title="金融赋能实体经济")
    client = browser("tA_teacher")

    response = client.get("/library/courses/", {"q": PARAGRAPH[:101]})

    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="{PARAGRAPH[:101]}"' in page
    assert "搜索内容最多 100 个字符（本次搜索有 101 个）。" in page


def test_validation_measures_the_normalised_text_and_ignores_outer_blanks():
    validate_search_text("  " + PARAGRAPH[:100] + "  ")
    validate_search_text("ＡＩ" * 50)  # full-width letters are one character each
    with pytest.raises(ValidationError):
        validate_search_text("㍿" * 30)  # four characters each once normalised
