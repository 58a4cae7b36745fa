"""The API's ``?q=``: the same resources as the pages, best matches first (the list's
pagination mixes in ``SearchRankedCursorMixin``, apps/search/pagination.py)."""

import pytest
from rest_framework.test import APIRequestFactory, force_authenticate

from apps.api.pagination import NewestFirstCursorPagination
from apps.courses.api.views import CourseViewSet

pytestmark = pytest.mark.django_db

PLAIN = {"summary": "围绕专题开展教学。", "outline": "一、背景", "target_audience": "镇街干部"}


ranked_list = CourseViewSet.as_view({"get": "list"}, pagination_class=NewestFirstCursorPagination)


def get_all(user, params):
    """Every page of the ranked list, following ``next``; the ids in the order served."""
    factory = APIRequestFactory()
    request = factory.get("/api/v1/courses/", params)
    ids = []
    for _page in range(20):  # a cursor that does not advance must fail, not hang
        force_authenticate(request, user=user)
        response = ranked_list(request)
        assert response.status_code == 200, response.data
        ids += [item["id"] for item in response.data["results"]]
        if response.data["next"] is None:
            return ids
        request = factory.get(response.data["next"])
    raise AssertionError(f"the cursor never reached the end: {ids}")


@pytest.fixture
def courses(make):
    """Oldest first: two title matches, then content matches that are newer."""
    return {
        "title_old": make("courses", title="村级工业园区改造", **PLAIN),
        "title_new": make("courses", title="三龙湾园区建设", **PLAIN),
        "body_1": make("courses", title="制造业专题", summary="产业园区载体"),
        "other": make("courses", title="金融赋能实体经济", **PLAIN),
        "body_2": make("courses", title="招商引资专题", summary="园区招商"),
    }


@pytest.mark.parametrize("page_size", [1, 2, 20])
def test_title_matches_come_first_across_cursor_pages(page_size, courses, persona):
    ids = get_all(persona("tA_teacher"), {"q": "园区", "page_size": page_size})

    c = courses
    assert ids == [c["title_new"].pk, c["title_old"].pk, c["body_2"].pk, c["body_1"].pk]


def test_an_explicit_ordering_wins_over_the_rank(courses, persona):
    ids = get_all(persona("tA_teacher"), {"q": "园区", "ordering": "-id"})

    assert ids == sorted(ids, reverse=True)
    assert len(ids) == 4


def test_without_q_the_list_stays_newest_first(courses, persona):
    ids = get_all(persona("tA_teacher"), {})

    assert ids == sorted(ids, reverse=True)
    assert len(ids) == 5


def test_the_api_finds_what_the_pages_find(courses, persona, api):
    from apps.courses.models import Course

    teacher = persona("tA_teacher")
    pages = [c.pk for c in Course.objects.restrict(teacher, "view").search_ranked("园区")]

    assert get_all(teacher, {"q": "园区"}) == pages
    served = api("tA_teacher").get("/api/v1/courses/", {"q": "园区"}).json()["results"]
    assert {item["id"] for item in served} == set(pages)
