"""仅本校 means this school only: a resource published at private scope is seen by its owner's
members, never by the schools below the owner nor by curators above it.

One municipal and one district resource, published privately, with a file attached. A town
below both and the district below the city look for them through every entry point: API list,
search, detail, facet counts, export, reuse, attachments, history, the list page and the
detail page. Nothing is found; the owner's own members still see them.
"""

import hashlib
import io

import openpyxl
import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.actor import actor_for
from apps.attachments.services import attachment_add
from apps.courses.models import Course
from apps.sharing import content_version, list_cache
from apps.sharing.choices import Scope, Status
from apps.sharing.registry import get_library
from apps.web.facets import facet_counts
from tests.factories import CourseFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OUTSIDERS = ["tA_teacher", "tA_curator", "dA_curator"]  # below the city; town below 禅城


@pytest.fixture
def private(persona):
    """The city's and 禅城区's internal material, published privately, each with a file."""
    made = {}
    for key, code, author in (("M", "440600", "muni_teacher"), ("DA", "440604", "dA_teacher")):
        course = CourseFactory(
            owner_code=code,
            author=persona(author),
            title=f"园区内部资料汇编{key}",
            summary="仅限本校内部使用",
            status=Status.PUBLISHED,
            scope=Scope.PRIVATE,
        )
        curator = "muni_curator" if key == "M" else "dA_curator"
        attachment_add(
            Course,
            user=persona(curator),
            pk=course.pk,
            upload=SimpleUploadedFile("内部.pdf", PDF, content_type="application/pdf"),
        )
        made[key] = Course.objects.get(pk=course.pk)
    return made


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def visible_to(name: str, private) -> set[str]:
    """Which of the two private resources ``name`` sees (the district curator owns DA's)."""
    owns = {"dA_curator": {"DA"}, "muni_curator": {"M"}, "muni_teacher": {"M"}}
    return owns.get(name, set())


@pytest.mark.parametrize("name", OUTSIDERS)
def test_the_api_list_and_search_show_no_private_resource_of_a_school_above(name, private, api):
    client = api(name)
    expected = {private[k].title for k in visible_to(name, private)}
    assert set(titles(client.get("/api/v1/courses/"))) & {c.title for c in private.values()} == (
        expected
    )
    found = set(titles(client.get("/api/v1/courses/", {"q": "园区"})))
    assert found == expected


@pytest.mark.parametrize("name", OUTSIDERS)
def test_detail_reuse_attachments_and_history_answer_404(name, private, api, persona):
    client = api(name)
    for key, course in private.items():
        if key in visible_to(name, private):
            continue
        base = f"/api/v1/courses/{course.pk}/"
        assert client.get(base).status_code == 404
        assert client.get(f"{base}attachments/").status_code == 404
        assert client.get(f"{base}history/").status_code == 404
        uid = course_attachment_uid(course)
        assert client.get(f"/api/v1/attachments/{uid}/download/").status_code == 404
        before = Course.objects.count()
        response = client.post(f"{base}reuse/", {"owner": "440604010"}, format="json")
        assert response.status_code == 404
        assert Course.objects.count() == before  # the refused reuse copied nothing
        course.refresh_from_db()
        assert course.reuse_count == 0


def course_attachment_uid(course):
    from apps.attachments.services import attachments_of

    return attachments_of(course).get().uid


@pytest.mark.parametrize("name", OUTSIDERS)
def test_export_and_facet_counts_leave_them_out(name, private, api, persona):
    response = api(name).get("/api/v1/courses/export/", {"q": "园区"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    exported = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    expected = {private[k].title for k in visible_to(name, private)}
    assert exported == expected

    library = get_library("courses")
    user = persona(name)
    queryset = library.model.objects.restrict(user, "view").search("园区")
    counts = facet_counts(library, queryset, actor_for(user), _params(q="园区"))
    assert counts["total"] == len(expected)


def _params(**values):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(values)
    return query


@pytest.mark.parametrize("name", OUTSIDERS)
def test_the_pages_show_them_neither_in_the_list_nor_on_their_detail(name, private, browser):
    client = browser(name)
    body = client.get("/library/courses/", {"q": "园区"}).content.decode()
    for key, course in private.items():
        shown = key in visible_to(name, private)
        assert (course.title in body) is shown
        assert client.get(f"/library/courses/{course.pk}/").status_code == (200 if shown else 404)


@pytest.mark.parametrize("name", ["muni_curator", "muni_teacher"])
def test_the_owners_members_still_see_and_reuse_their_own(name, private, api):
    client = api(name)
    assert private["M"].title in titles(client.get("/api/v1/courses/", {"q": "园区"}))
    assert client.get(f"/api/v1/courses/{private['M'].pk}/").status_code == 200
    response = client.post(
        f"/api/v1/courses/{private['M'].pk}/reuse/", {"owner": "440600"}, format="json"
    )
    assert response.status_code == 201


def test_a_town_is_never_served_a_list_cached_under_the_old_rules(private, api, persona):
    """A shared cache (Redis) outlives a deployment. A list computed for the town's seats
    under the old rules held the city's private material; the new key never reads it."""
    town = persona("tA_teacher")
    actor = actor_for(town)
    url = "http://testserver/api/v1/courses/"
    parts = (url, "zh-hans")
    stale = {"next": None, "previous": None, "results": [{"title": private["M"].title}]}
    seats = sorted((s.org_id, s.role) for s in actor.seats)
    digest = hashlib.blake2s(repr((seats, parts)).encode(), digest_size=16).hexdigest()
    version = content_version.current(actor, "courses")
    old_key = f"lists:api:courses.course:{version}:{digest}"  # rules 1
    caches["lists"].set(old_key, stale)

    assert list_cache.key("api:courses.course", actor, parts, library="courses") != old_key
    assert private["M"].title not in titles(api("tA_teacher").get("/api/v1/courses/"))


def test_the_scope_choices_say_who_will_see_the_resource(persona, browser):
    from apps.sharing.policy import scope_choices

    course = CourseFactory(owner_code="440604010", author=persona("tA_teacher"))
    assert scope_choices(course.owner) == [
        ("private", "仅本校（禅城区祖庙街道党校）"),
        ("district", "本区（中共佛山市禅城区委党校及所属各级党校）"),
        ("network", "全市（中共佛山市委党校及所属各级党校、职能部门）"),
    ]
    body = browser("tA_teacher").get(f"/library/courses/{course.pk}/").content.decode()
    assert "仅本校（禅城区祖庙街道党校）" in body
