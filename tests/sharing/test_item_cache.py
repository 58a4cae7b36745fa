"""A library item's API answer (``GET /api/v1/<library>/<id>/``) is cached per audience like
the lists: a second read costs no query on the libraries, and nothing stale or out of the
reader's sight is ever served from it."""

import pickle

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.courses.models import Course
from apps.faculty.models import Lecturer
from apps.sharing import api as sharing_api
from apps.sharing import services
from tests.conftest import ORG
from tests.factories import CourseFactory, LecturerFactory

from .cache_setup import COURSES, committed, published, taught_course

pytestmark = pytest.mark.django_db


def read(client, url):
    """``(response, whether it came from the cache)``: no query read the courses."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    touched = [q for q in queries.captured_queries if "courses_course" in q["sql"]]
    return response, not touched, len(queries.captured_queries)


def test_a_second_read_of_an_item_comes_from_the_cache_with_its_etag(persona, api):
    course = published(persona)
    client = api("tA_teacher")

    cold, cold_cached, cold_queries = read(client, f"{COURSES}{course.pk}/")
    warm, warm_cached, warm_queries = read(client, f"{COURSES}{course.pk}/")

    assert cold.status_code == warm.status_code == 200
    assert not cold_cached and warm_cached
    assert warm.json() == cold.json()
    assert warm["ETag"] == cold["ETag"] == course.etag
    # The session, its user, the reader's seats, the content versions: nothing else.
    assert warm_queries == 4 < cold_queries


def test_an_edit_shows_on_the_next_read_with_its_new_etag(persona, api):
    course = published(persona, title="旧标题")
    reader = api("tA_teacher")
    assert reader.get(f"{COURSES}{course.pk}/").json()["title"] == "旧标题"

    edited = api("muni_curator").patch(
        f"{COURSES}{course.pk}/", {"title": "新标题"}, format="json", HTTP_IF_MATCH=course.etag
    )

    assert edited.status_code == 200
    again = reader.get(f"{COURSES}{course.pk}/")
    assert again.json()["title"] == "新标题"
    assert again["ETag"] == edited["ETag"] != course.etag


def test_a_change_to_a_linked_lecturer_shows_in_the_course(persona, api):
    course, lecturer = taught_course(persona, "张老师")
    reader = api("tA_teacher")
    assert "张老师" in str(reader.get(f"{COURSES}{course.pk}/").json())

    lecturer.title = "张教授"
    lecturer.save()

    body = str(reader.get(f"{COURSES}{course.pk}/").json())
    assert "张教授" in body and "张老师" not in body


def test_an_item_narrowed_out_of_sight_answers_404_at_once(
    persona, api, django_capture_on_commit_callbacks
):
    course = committed(
        django_capture_on_commit_callbacks,
        lambda: CourseFactory(
            owner_code=ORG["TA"],
            status="published",
            scope="network",
            author=persona("tA_teacher"),
        ),
    )
    other_district = api("tB_teacher")
    assert other_district.get(f"{COURSES}{course.pk}/").status_code == 200

    committed(
        django_capture_on_commit_callbacks,
        lambda: services.resource_publish(
            Course, user=persona("dA_curator"), pk=course.pk, scope="district"
        ),
    )

    assert other_district.get(f"{COURSES}{course.pk}/").status_code == 404
    assert api("tA2_teacher").get(f"{COURSES}{course.pk}/").status_code == 200


def test_an_item_out_of_sight_is_never_cached_and_is_seen_once_published(
    persona, api, django_capture_on_commit_callbacks
):
    course = committed(
        django_capture_on_commit_callbacks,
        lambda: CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher")),
    )
    neighbour = api("tA2_teacher")  # another town of the same district
    assert neighbour.get(f"{COURSES}{course.pk}/").status_code == 404

    def publish_district_wide():
        services.resource_submit(Course, user=persona("tA_teacher"), pk=course.pk, scope="district")
        services.resource_publish(
            Course, user=persona("dA_curator"), pk=course.pk, scope="district"
        )

    committed(django_capture_on_commit_callbacks, publish_district_wide)
    response, from_cache, _n = read(neighbour, f"{COURSES}{course.pk}/")
    assert response.status_code == 200 and not from_cache


@pytest.mark.parametrize(
    ("first", "second"), [("muni_curator", "tA_teacher"), ("tA_teacher", "muni_curator")]
)
def test_a_lecturers_contact_is_cached_only_for_the_seats_that_may_read_it(
    first, second, persona, api
):
    lecturer = LecturerFactory(
        owner_code=ORG["M"], status="published", scope="network", author=persona("muni_teacher")
    )
    Lecturer.objects.get(pk=lecturer.pk).set_extra(
        {"contact": {"phone": "13800000000"}}, user=persona("muni_curator")
    )
    url = f"/api/v1/faculty/{lecturer.pk}/"
    api(first).get(url)  # cached for the first reader's seats

    answers = {name: str(api(name).get(url).json()) for name in (second, first)}

    assert "13800000000" in answers["muni_curator"]
    assert "13800000000" not in answers["tA_teacher"]


def test_turning_the_cache_off_reads_the_item_every_time(persona, api, settings):
    settings.LIST_CACHE_SECONDS = 0
    course = published(persona)
    client = api("tA_teacher")
    client.get(f"{COURSES}{course.pk}/")

    _response, from_cache, _n = read(client, f"{COURSES}{course.pk}/")

    assert not from_cache


def test_no_personal_contact_data_is_kept_in_the_shared_cache(persona, api):
    """A curator may read a lecturer's contact; the answer is not kept (found in review)."""
    lecturer = LecturerFactory(
        owner_code=ORG["M"], status="published", scope="network", author=persona("muni_teacher")
    )
    Lecturer.objects.get(pk=lecturer.pk).set_extra(
        {"contact": {"phone": "13800000000", "id_number": "440602199001011234"}},
        user=persona("muni_curator"),
    )
    for _ in range(2):
        answer = api("muni_curator").get(f"/api/v1/faculty/{lecturer.pk}/")
        assert answer.json()["contact"]["id_number"] == "440602199001011234"  # the curator may

    store = caches["lists"]._cache  # the tests' cache is in process (settings)
    kept = [str(pickle.loads(value)) for value in list(store.values())]
    assert not [value for value in kept if "440602199001011234" in value]


def test_a_teachers_lecturer_answers_are_still_cached(persona, api):
    lecturer = LecturerFactory(
        owner_code=ORG["M"], status="published", scope="network", author=persona("muni_teacher")
    )
    client = api("tA_teacher")
    client.get(f"/api/v1/faculty/{lecturer.pk}/")

    with CaptureQueriesContext(connection) as queries:
        client.get(f"/api/v1/faculty/{lecturer.pk}/")

    assert not [q for q in queries.captured_queries if "faculty_lecturer" in q["sql"]]


def test_the_browsable_api_is_never_answered_from_the_cache(persona, api):
    """Its edit form is filled from the serializer, which a cached answer does not have."""
    course = published(persona, title="可浏览")
    client = api("muni_curator")
    for _ in range(2):
        page = client.get(f"{COURSES}{course.pk}/", {"format": "api"}, HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    html = page.content.decode()
    # Shown as the answer, and filled into the edit form (the raw data form's textarea).
    form = html[html.index('id="id__content"') :]
    assert "&quot;title&quot;: &quot;可浏览&quot;" in form.split("</textarea>")[0]


@pytest.fixture
def fresh_worker():
    """No field prototypes yet, as in a worker's first request; none left for later tests."""
    sharing_api._FIELD_PROTOTYPES.clear()
    yield
    sharing_api._FIELD_PROTOTYPES.clear()


def test_field_labels_follow_each_requests_language_not_the_first_ones(api, fresh_worker):
    """The serializers' fields are built once per class and language (found in review)."""
    client = api("muni_curator")

    client.options(COURSES, HTTP_ACCEPT_LANGUAGE="en")  # the worker's first request
    chinese = client.options(COURSES, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    english = client.options(COURSES, HTTP_ACCEPT_LANGUAGE="en").json()

    assert chinese["actions"]["POST"]["title"]["label"] == "标题"
    assert english["actions"]["POST"]["title"]["label"] == "Title"
