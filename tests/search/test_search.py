"""Chinese full-text search over realistic titles and texts, on SQLite and PostgreSQL alike.

Every query here runs through ``restrict(user).search_ranked(q)`` (what the pages do) and
the API's ``?q=``; both must give the same resources.
"""

import pytest

from apps.courses.models import Course
from apps.search.query import search, search_ranked
from apps.sharing.registry import get_library, libraries

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
# Content fields set explicitly so that no factory default ("课程简介") matches by accident.
PLAIN = {
    "summary": "围绕专题开展教学。",
    "outline": "一、背景\n二、做法",
    "target_audience": "镇街干部",
}


@pytest.fixture
def corpus(make):
    """Courses of 祖庙街道党校 (tA_teacher sees them all), oldest first."""

    def course(title, **content):
        return make("courses", title=title, **{**PLAIN, **content})

    return {
        "village": course("村级工业园区改造的南海经验", summary="土地整备与利益协调。"),
        "sanlongwan": course("三龙湾高端创新集聚区园区建设实践"),
        "finance": course("金融赋能实体经济", summary="普惠金融与产业基金。"),
        "upstairs": course("推动工业上楼 破解用地瓶颈"),
        "digital": course(
            "5G+工业互联网赋能制造业转型", summary="AI与工业软件带动GDP增长的佛山样本。"
        ),
        "ideology": course("课程思政建设的方法"),
        "culture": course("红色文化资源的保护与传承", summary="讲好党的故事。"),
        # 园区 only in the content, and the newest: it must still come after title matches
        "body_only": course("制造业转型升级专题", summary="以产业园区为载体推进产业集聚。"),
    }


def found(user, q, model=Course):
    return list(model.objects.restrict(user, "view").search_ranked(q))


def names(corpus, resources):
    by_pk = {obj.pk: name for name, obj in corpus.items()}
    return [by_pk[obj.pk] for obj in resources]


def api_names(corpus, client, q, path=COURSES):
    response = client.get(path, {"q": q, "page_size": 100})
    assert response.status_code == 200, response.content
    assert response.json()["next"] is None
    by_pk = {obj.pk: name for name, obj in corpus.items()}
    return {by_pk[item["id"]] for item in response.json()["results"]}


SEARCHES = [
    # (query, the courses found, in rank order where it matters)
    ("园区", ["sanlongwan", "village", "body_only"]),
    ("金融", ["finance"]),
    ("课", ["ideology"]),  # one character finds 课程 in a title
    ("工业上楼", ["upstairs"]),  # four characters
    ("5G", ["digital"]),
    ("5g", ["digital"]),
    ("５Ｇ", ["digital"]),
    ("AI", ["digital"]),
    ("ai", ["digital"]),
    ("GDP", ["digital"]),
    ("gdp增长", ["digital"]),
    ("工业互联网", ["digital"]),
    ("村级工业园区改造", ["village"]),
    ("改造园区", ["village"]),  # the words, reordered
    ("园区 南海", ["village"]),  # blanks mean "and"
    ("金融 园区", []),
    ("党校秘密规划", []),
    ("+++", []),
]


@pytest.mark.parametrize(("q", "expected"), SEARCHES, ids=[q for q, _ in SEARCHES])
def test_chinese_queries_find_the_right_courses(q, expected, corpus, persona, api):
    teacher = persona("tA_teacher")

    assert names(corpus, found(teacher, q)) == expected
    assert api_names(corpus, api("tA_teacher"), q) == set(expected)


def test_unrelated_courses_are_not_found(corpus, persona):
    result = set(names(corpus, found(persona("tA_teacher"), "园区")))

    assert not result & {"finance", "upstairs", "digital", "ideology", "culture"}


def test_a_title_match_ranks_before_a_content_match(corpus, persona):
    ranked = found(persona("tA_teacher"), "园区")

    assert [r.search_rank > 0 for r in ranked] == [True, True, False]
    assert ranked[-1].pk == corpus["body_only"].pk
    assert corpus["body_only"].pk > corpus["village"].pk  # newest, yet last


def test_a_title_matching_more_of_the_query_ranks_higher(make, persona):
    partial = make("courses", title="工业园区的土地整备", summary="推进村级改造")
    full = make("courses", title="土地", summary="村级工业园区改造")
    whole = make("courses", title="村级工业园区改造", **PLAIN)

    ranked = found(persona("tA_teacher"), "村级工业园区改造")

    assert [r.pk for r in ranked] == [whole.pk, partial.pk, full.pk]


def test_equal_ranks_are_newest_first(make, persona):
    older = make("courses", title="园区一", **PLAIN)
    newer = make("courses", title="园区二", **PLAIN)

    assert [r.pk for r in found(persona("tA_teacher"), "园区")] == [newer.pk, older.pk]


def test_a_blank_query_changes_nothing(corpus, persona):
    visible = Course.objects.restrict(persona("tA_teacher"), "view")

    assert search(visible, "  ") is visible
    assert search_ranked(visible, "") is visible


def test_searching_twice_for_the_same_query_adds_no_second_condition(corpus, persona):
    once = search(Course.objects.restrict(persona("tA_teacher"), "view"), "园区")
    twice = once.search_ranked("园区")

    def where(queryset):
        return str(queryset.query).split(" WHERE ", 1)[1].split(" ORDER BY ")[0]

    assert where(twice) == where(once)
    assert set(twice) == set(once)


# ---- never more than the reader may see ------------------------------------------------------


@pytest.mark.parametrize("key", [library.key for library in libraries()])
def test_a_term_only_in_another_towns_draft_finds_nothing(key, make, persona, api):
    other = make(key, owner="440604011", title="石湾陶瓷产业园区秘密规划")  # 石湾's draft
    mine = make(key, title="祖庙园区公开介绍")
    model = get_library(key).model
    path = f"/api/v1/{key}/"

    # 祖庙's teacher: nothing for the secret term, only their own for a shared one
    assert found(persona("tA_teacher"), "秘密规划", model) == []
    assert api("tA_teacher").get(path, {"q": "秘密规划"}).json()["results"] == []
    assert [r.pk for r in found(persona("tA_teacher"), "园区", model)] == [mine.pk]
    ids = [i["id"] for i in api("tA_teacher").get(path, {"q": "园区"}).json()["results"]]
    assert ids == [mine.pk]
    # the term is indexed: 石湾's own teacher finds it
    assert [r.pk for r in found(persona("tA2_teacher"), "秘密规划", model)] == [other.pk]
    ids = [i["id"] for i in api("tA2_teacher").get(path, {"q": "秘密规划"}).json()["results"]]
    assert ids == [other.pk]


def test_search_only_narrows_the_queryset_it_is_given(corpus, persona):
    teacher = persona("tA_teacher")
    only_finance = Course.objects.restrict(teacher, "view").filter(pk=corpus["finance"].pk)

    assert list(search_ranked(only_finance, "园区")) == []
    assert list(Course.objects.restrict(None, "view").search_ranked("园区")) == []


# ---- every library -------------------------------------------------------------------------

CONTENT = {
    # library: (a content field it searches, a text, a query found only there)
    "courses": ("outline", "一、顺德可逆式改造经验", "可逆式"),
    "faculty": ("biography", "长期研究数字经济与区块链金融。", "区块链"),
    "cases": ("discussion_questions", "如何算好土地整备的经济账？", "经济账"),
    "sites": ("teaching_points", "参观智能制造示范车间。", "示范车间"),
}


@pytest.mark.parametrize("key", list(CONTENT))
def test_every_library_searches_its_title_and_content(key, make, persona, api):
    field, text, term = CONTENT[key]
    by_title = make(key, title=f"关于{term}的调研")
    by_content = make(key, title="另一份材料", **{field: text})
    model = get_library(key).model

    ranked = found(persona("tA_teacher"), term, model)
    response = api("tA_teacher").get(f"/api/v1/{key}/", {"q": term})

    assert [r.pk for r in ranked] == [by_title.pk, by_content.pk]
    assert {i["id"] for i in response.json()["results"]} == {by_title.pk, by_content.pk}


@pytest.mark.parametrize("key", [library.key for library in libraries()])
def test_what_q_searched_before_is_still_searched(key):
    library = get_library(key)
    indexed = {"title", *library.model.SEARCH_TEXT_FIELDS}

    assert set(library.filterset.SEARCH_FIELDS) <= indexed
    for name in library.model.SEARCH_TEXT_FIELDS:
        assert library.model._meta.get_field(name).get_internal_type() in {
            "CharField",
            "TextField",
        }
