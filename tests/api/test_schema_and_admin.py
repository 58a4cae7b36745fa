"""The OpenAPI schema and docs page, and the Django admin scoped through the sharing policy."""

import json
import re

import pytest
from django.contrib.messages import ERROR, INFO, get_messages

from apps.courses.models import Course
from apps.sharing.choices import Scope, Status
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

TA, TA2, TB, DA, DB, M = "440604010", "440604011", "440605011", "440604", "440605", "440600"
CHANGELIST = "/admin/courses/course/"


def state(course: Course) -> dict:
    """Every stored column of the course, and its many-to-many content."""
    row = Course.objects.filter(pk=course.pk).values().get()
    row["domains"] = sorted(course.domains.values_list("pk", flat=True))
    row["methods"] = sorted(course.methods.values_list("pk", flat=True))
    return row


# ---- schema and docs -----------------------------------------------------------------------


def test_schema_is_openapi_3_with_courses_actions_and_me(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/courses/"])
    item_methods = set(paths["/api/v1/courses/{id}/"])
    assert {"get", "patch", "delete"} <= item_methods
    assert "put" not in item_methods  # edits are partial: the owner is fixed at creation
    for name in ("submit", "publish", "reject", "withdraw", "reuse"):
        assert "post" in paths[f"/api/v1/courses/{{id}}/{name}/"], name
    assert "get" in paths["/api/v1/courses/{id}/reuses/"]
    assert "get" in paths["/api/v1/me/"]


def test_schema_documents_bearer_token_authentication(client):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    schemes = schema["components"]["securitySchemes"]
    bearer = [
        name
        for name, scheme in schemes.items()
        if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer"
    ]
    assert len(bearer) == 1, schemes
    assert {bearer[0]: []} in schema["paths"]["/api/v1/me/"]["get"]["security"]
    assert {bearer[0]: []} in schema["paths"]["/api/v1/courses/"]["post"]["security"]


@pytest.mark.parametrize("library", ["courses", "faculty", "cases", "sites"])
def test_a_librarys_create_documents_the_call_it_may_answer(client, library):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    components = schema["components"]["schemas"]

    def properties(ref):
        found = components[ref.rsplit("/", 1)[-1]]
        merged = {}
        for part in found.get("allOf", [found]):
            merged |= properties(part["$ref"]) if "$ref" in part else part.get("properties", {})
        return merged

    create = schema["paths"][f"/api/v1/{library}/"]["post"]["requestBody"]["content"]
    for media in ("application/json", "multipart/form-data"):
        call = properties(create[media]["schema"]["$ref"])["call"]
        assert call["type"] == "integer" and call["writeOnly"]
        assert "400" in call["description"]
    # An edit takes no call.
    replace = schema["paths"][f"/api/v1/{library}/{{id}}/"]["patch"]["requestBody"]["content"]
    assert "call" not in properties(replace["application/json"]["schema"]["$ref"])


def test_schema_default_rendering_is_yaml_openapi(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response.content.decode().startswith("openapi: 3.")


def test_docs_page_uses_only_local_static_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    script_srcs = re.findall(r"<script[^>]*\ssrc=[\"']([^\"']+)", html)
    link_hrefs = re.findall(r"<link[^>]*\shref=[\"']([^\"']+)", html)
    assets = script_srcs + link_hrefs
    assert any("swagger-ui-bundle.js" in src for src in script_srcs)
    assert any(href.endswith(".css") for href in link_hrefs)
    for asset in assets:
        assert asset.startswith("/static/"), asset
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html)
    assert "cdn.jsdelivr" not in html
    assert "unpkg.com" not in html


# ---- the admin -------------------------------------------------------------------------------


@pytest.fixture
def curator(persona, client):
    """tA_curator (祖庙), signed in to the admin."""
    user = persona("tA_curator")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return user


@pytest.fixture
def courses(persona):
    """Courses across the network, some within the tA curator's sight, some not."""
    teacher = persona("tA_teacher")
    return {
        "own_draft": CourseFactory(owner_code=TA, author=teacher),
        "own_pending": CourseFactory(
            owner_code=TA, author=teacher, status=Status.PENDING, scope=Scope.DISTRICT
        ),
        "sibling_draft": CourseFactory(owner_code=TA2, author=persona("tA2_teacher")),
        "sibling_published_district": CourseFactory(
            owner_code=TA2,
            author=persona("tA2_teacher"),
            status=Status.PUBLISHED,
            scope=Scope.DISTRICT,
        ),
        "sibling_published_private": CourseFactory(
            owner_code=TA2,
            author=persona("tA2_teacher"),
            status=Status.PUBLISHED,
            scope=Scope.PRIVATE,
        ),
        "other_district_network": CourseFactory(
            owner_code=TB,
            author=persona("tB_teacher"),
            status=Status.PUBLISHED,
            scope=Scope.NETWORK,
        ),
        "other_district_district": CourseFactory(
            owner_code=DB,
            author=persona("dB_curator"),
            status=Status.PUBLISHED,
            scope=Scope.DISTRICT,
        ),
        "muni_draft": CourseFactory(owner_code=M, author=persona("muni_teacher")),
    }


def test_curator_changelist_shows_exactly_what_the_policy_allows(curator, courses, client):
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    cl = response.context["cl"]
    listed = {c.pk for c in cl.result_list}
    allowed = set(Course.objects.restrict(curator, "view").values_list("pk", flat=True))
    assert listed == allowed
    assert cl.result_count == len(allowed)
    names = {name for name, c in courses.items() if c.pk in listed}
    assert names == {
        "own_draft",
        "own_pending",
        "sibling_published_district",
        "other_district_network",
    }
    html = response.content.decode()
    assert courses["sibling_draft"].title not in html
    assert courses["muni_draft"].title not in html


@pytest.mark.parametrize("name", ["sibling_draft", "sibling_published_private", "muni_draft"])
def test_curator_cannot_open_a_course_out_of_sight(curator, courses, client, name):
    course = courses[name]
    before = state(course)
    response = client.get(f"{CHANGELIST}{course.pk}/change/")
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert f"/{course.pk}/change/" not in response["Location"]
    assert course.title not in response.content.decode()

    response = client.post(f"{CHANGELIST}{course.pk}/change/", {"title": "被改掉的标题"})
    assert response.status_code in (302, 404)
    assert state(course) == before


def test_curator_opens_own_course_change_page(curator, courses, client):
    course = courses["own_draft"]
    response = client.get(f"{CHANGELIST}{course.pk}/change/")
    assert response.status_code == 200
    assert course.title in response.content.decode()


def run_action(client, action, *courses):
    return client.post(
        CHANGELIST,
        {
            "action": action,
            "_selected_action": [c.pk for c in courses],
            "index": 0,
            "select_across": 0,
        },
    )


def test_publish_private_action_publishes_own_complete_draft(curator, courses, client):
    course = courses["own_draft"]
    assert course.missing_for_submission() == {}
    response = run_action(client, "publish_private", course)
    assert response.status_code == 302
    assert [m.level for m in get_messages(response.wsgi_request)] == [INFO]
    after = Course.objects.get(pk=course.pk)
    assert after.status == Status.PUBLISHED
    assert after.scope == Scope.PRIVATE
    assert after.audience.code == TA
    assert after.version == course.version + 1
    assert after.reviewed_by_id == curator.pk
    assert after.published_at is not None


@pytest.mark.parametrize(
    "name",
    [
        "sibling_published_district",  # visible to the curator, but not theirs to publish
        "other_district_network",  # visible, another district's school
        "sibling_draft",  # not even visible
    ],
)
def test_publish_private_action_on_another_schools_course_changes_nothing(
    curator, courses, client, name
):
    course = courses[name]
    before = state(course)
    response = run_action(client, "publish_private", course)
    assert response.status_code == 302
    assert state(course) == before
    messages = list(get_messages(response.wsgi_request))
    assert all(m.level != INFO for m in messages)
    if name != "sibling_draft":  # a visible course is refused out loud, by title
        assert [m.level for m in messages] == [ERROR]
        assert course.title in messages[0].message


def test_publish_private_mixed_selection_publishes_only_own(curator, courses, client):
    own, other = courses["own_draft"], courses["sibling_published_district"]
    other_before = state(other)
    response = run_action(client, "publish_private", own, other)
    after = Course.objects.get(pk=own.pk)
    assert (after.status, after.version) == (Status.PUBLISHED, own.version + 1)
    assert state(other) == other_before
    levels = sorted(m.level for m in get_messages(response.wsgi_request))
    assert levels == [INFO, ERROR]


def test_viewer_without_staff_cannot_reach_the_admin(persona, client, courses):
    viewer = persona("tA_viewer")
    assert not viewer.is_staff
    client.force_login(viewer)
    for url in ("/admin/", CHANGELIST):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    before = state(courses["own_draft"])
    run_action(client, "publish_private", courses["own_draft"])
    assert state(courses["own_draft"]) == before


def test_anonymous_is_sent_to_the_admin_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
