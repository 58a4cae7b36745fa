"""The one read path: the database filter and the object check agree, and nothing leaks."""

import pytest

from apps.accounts.actor import actor_for
from apps.courses.models import Course
from apps.sharing.policy import policy
from tests.conftest import ORG, PERSONAS
from tests.factories import CourseFactory
from tests.sharing.test_permission_matrix import AUTHORS, ROWS


@pytest.mark.django_db
def test_restrict_and_can_view_agree_for_every_persona_and_resource(persona):
    courses = [
        CourseFactory(
            owner_code=ORG[owner], author=persona(AUTHORS[owner]), status=status, scope=scope
        )
        for (owner, status, scope), _cells in ROWS
    ]
    for name in PERSONAS:
        user = persona(name)
        actor = actor_for(user)
        in_query = set(Course.objects.restrict(user, "view").values_list("pk", flat=True))
        by_object = {
            c.pk
            for c in Course.objects.select_related("owner", "audience")
            if policy.can_view(actor, c)
        }
        assert in_query == by_object, name
        expected = {
            course.pk
            for course, (_row, cells) in zip(courses, ROWS, strict=True)
            if "V" in cells[name]
        }
        assert in_query == expected, name


@pytest.mark.django_db
def test_a_copy_does_not_reveal_a_source_that_left_the_readers_sight(persona, api):
    source = CourseFactory(
        owner_code=ORG["DA"], author=persona("dA_teacher"), status="published", scope="district"
    )
    client = api("tA_teacher")
    copy_id = client.post(
        f"/api/v1/courses/{source.pk}/reuse/", {"owner": ORG["TA"]}, format="json"
    ).json()["id"]
    assert client.get(f"/api/v1/courses/{copy_id}/").json()["source"] == source.pk

    response = api("dA_curator").post(f"/api/v1/courses/{source.pk}/withdraw/", format="json")
    assert response.status_code == 200

    body = client.get(f"/api/v1/courses/{copy_id}/").json()
    assert body["source"] is None
    assert body["source_version"] == 1
    assert client.get(f"/api/v1/courses/{source.pk}/").status_code == 404


@pytest.mark.django_db
def test_anonymous_and_seatless_users_see_nothing(django_user_model, api):
    CourseFactory(
        owner_code=ORG["M"],
        status="published",
        scope="network",
        author=django_user_model.objects.get(username="muni_teacher"),
    )
    seatless = django_user_model.objects.create_user(username="nobody")
    assert not Course.objects.restrict(seatless, "view").exists()
    assert not Course.objects.restrict(None, "view").exists()
    client = api()
    client.force_login(seatless)
    body = client.get("/api/v1/courses/").json()
    assert body["results"] == []


@pytest.mark.django_db
def test_publishable_scopes_agree_with_the_publish_check(persona):
    from apps.sharing.exceptions import SharingError
    from apps.sharing.policy import audience_for

    courses = [
        CourseFactory(
            owner_code=ORG[owner], author=persona(AUTHORS[owner]), status=status, scope=scope
        )
        for (owner, status, scope), _cells in ROWS
    ]
    for name in PERSONAS:
        actor = actor_for(persona(name))
        for course in Course.objects.filter(pk__in=[c.pk for c in courses]).select_related("owner"):
            expected = []
            for scope in ("private", "district", "network"):
                try:
                    policy.check_publish(actor, course, audience_for(course.owner, scope))
                except SharingError:
                    continue
                expected.append(scope)
            assert policy.publishable_scopes(actor, course) == expected, (name, course.title)


@pytest.mark.django_db
def test_a_provincial_curator_may_publish_the_provinces_own_work_at_every_scope(persona):
    from apps.accounts.models import Membership, User
    from apps.organizations.models import Organization
    from apps.sharing.exceptions import SharingError
    from apps.sharing.policy import audience_for

    province = Organization.objects.create(code="440000", name="中共广东省委党校", kind="province")
    curator = User.objects.create_user(username="prov_curator")
    Membership.objects.create(user=curator, organization=province, role="curator")
    course = CourseFactory(owner_code="440000", author=curator, status="draft", scope="private")
    actor = actor_for(curator)

    allowed = []
    for scope in ("private", "district", "network"):
        try:
            policy.check_publish(actor, course, audience_for(province, scope))
        except SharingError:
            continue
        allowed.append(scope)

    assert allowed == ["private", "district", "network"]
    assert policy.publishable_scopes(actor, course) == allowed
