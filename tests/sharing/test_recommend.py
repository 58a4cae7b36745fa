"""向上推荐: a district's curator recommends a town's resource to the city, with a note; the
municipal curators accept it (publish at network scope, both credits kept) or decline it.

The rule is the policy's table (apps/sharing/policy.py); the main permission matrix has the
``R`` column, this file the recommendation's own table and its effects.
"""

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from apps.audit.models import AuditEvent
from apps.jobs.queue import run_due_jobs
from apps.notifications.models import Kind, Notification
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from apps.sharing.exceptions import ActionDenied, InvalidInput, InvalidTransition, ResourceNotFound
from tests.conftest import ORG
from tests.factories import LIBRARY_FACTORIES, CourseFactory, author_at, published
from tests.helpers import assert_problem

NOTE = "区内 12 所学校复用，建议全市共享。"


def town_course(scope=Scope.DISTRICT, status=Status.PUBLISHED, factory=CourseFactory):
    return factory(owner_code=ORG["TA"], author=author_at(ORG["TA"]), status=status, scope=scope)


def recommended(factory=CourseFactory, by="dA_curator", persona=None):
    obj = town_course(factory=factory)
    return services.resource_recommend(type(obj), user=persona(by), pk=obj.pk, note=NOTE)


RECOMMENDATION_FIELDS = (
    "recommended_by_id",
    "recommended_by_user_id",
    "recommended_at",
    "recommendation_note",
    "version",
    "status",
    "scope",
)


def state(obj):
    """Everything a refusal must leave as it was (the recommendation's fields are not
    editable, so ``model_to_dict`` leaves them out: read them too)."""
    row = type(obj).objects.get(pk=obj.pk)
    return {
        **model_to_dict(row),
        **{name: getattr(row, name) for name in RECOMMENDATION_FIELDS},
    }


# ---- the service --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_district_curator_recommends_a_town_course_with_a_note(persona):
    course = town_course()
    done = services.resource_recommend(
        type(course), user=persona("dA_curator"), pk=course.pk, note=f"  {NOTE} "
    )
    assert (done.status, done.scope, done.version) == (Status.PUBLISHED, "district", 2)
    assert done.recommended_by.code == ORG["DA"]
    assert done.recommended_by_user.username == "dA_curator"
    assert done.recommendation_note == NOTE
    assert done.recommended_at is not None
    event = AuditEvent.objects.filter(action="recommend", object_id=course.pk).get()
    assert event.user.username == "dA_curator"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("tA_curator", ActionDenied),  # the owner's own curators: not a district above
        ("dA_teacher", ActionDenied),  # a district's teacher is no curator
        ("muni_curator", ActionDenied),  # the city decides, it does not recommend to itself
        ("dB_curator", ResourceNotFound),  # another district cannot see it
        ("tB_teacher", ResourceNotFound),
    ],
)
def test_only_a_curator_of_the_district_above_may_recommend(who, error, persona):
    course = town_course()
    before = state(course)
    with pytest.raises(error):
        services.resource_recommend(type(course), user=persona(who), pk=course.pk, note=NOTE)
    assert state(course) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "scope"),
    [
        (Status.PUBLISHED, Scope.NETWORK),  # already city-wide
        (Status.PENDING, Scope.DISTRICT),  # not published yet
    ],
)
def test_only_a_resource_published_to_its_district_can_be_recommended(status, scope, persona):
    course = town_course(scope=scope, status=status)
    before = state(course)
    with pytest.raises(InvalidTransition):
        services.resource_recommend(
            type(course), user=persona("dA_curator"), pk=course.pk, note=NOTE
        )
    assert state(course) == before


@pytest.mark.django_db
def test_the_districts_own_resource_is_not_recommended_by_it(persona):
    own = published(CourseFactory, owner_code=ORG["DA"], scope=Scope.DISTRICT)
    with pytest.raises(ActionDenied):
        services.resource_recommend(type(own), user=persona("dA_curator"), pk=own.pk, note=NOTE)


@pytest.mark.django_db
def test_a_recommendation_needs_a_note_and_is_made_once(persona):
    course = town_course()
    before = state(course)
    with pytest.raises(InvalidInput) as refused:
        services.resource_recommend(
            type(course), user=persona("dA_curator"), pk=course.pk, note=" "
        )
    assert "note" in refused.value.errors
    assert state(course) == before
    services.resource_recommend(type(course), user=persona("dA_curator"), pk=course.pk, note=NOTE)
    again = state(course)
    with pytest.raises(InvalidTransition):
        services.resource_recommend(
            type(course), user=persona("dA_curator"), pk=course.pk, note="再推荐一次"
        )
    assert state(course) == again


@pytest.mark.django_db
def test_the_city_publishes_it_and_both_credits_stay(persona):
    course = recommended(persona=persona)
    done = services.resource_publish(
        type(course), user=persona("muni_curator"), pk=course.pk, scope=Scope.NETWORK
    )
    assert (done.status, done.scope, done.audience.code) == (Status.PUBLISHED, "network", "440600")
    assert (done.owner.code, done.recommended_by.code) == (ORG["TA"], ORG["DA"])
    assert done.recommendation_note == NOTE


@pytest.mark.django_db
def test_the_city_declines_with_a_reason_and_the_district_is_told(persona):
    course = recommended(persona=persona)
    before = state(course)
    with pytest.raises(InvalidInput):
        services.resource_decline_recommendation(
            type(course), user=persona("muni_curator"), pk=course.pk, reason=""
        )
    with pytest.raises(ActionDenied):
        services.resource_decline_recommendation(
            type(course), user=persona("dA_curator"), pk=course.pk, reason="不行"
        )
    assert state(course) == before
    done = services.resource_decline_recommendation(
        type(course), user=persona("muni_curator"), pk=course.pk, reason="与现有课程重复"
    )
    assert (done.status, done.scope, done.recommended_by_id) == (Status.PUBLISHED, "district", None)
    assert done.recommendation_note == ""
    run_due_jobs()
    told = Notification.objects.filter(kind=Kind.RECOMMENDATION_DECLINED, object_id=course.pk)
    assert set(told.values_list("recipient__username", flat=True)) == {"dA_curator"}
    assert told.first().data["reason"] == "与现有课程重复"
    # Declined, it may be recommended again.
    again = services.resource_recommend(
        type(course), user=persona("dA_curator"), pk=course.pk, note="补充了新的教学视频"
    )
    assert again.recommended_by.code == ORG["DA"]


@pytest.mark.django_db
def test_the_city_and_the_owner_are_told_of_a_recommendation(persona):
    course = recommended(persona=persona)
    run_due_jobs()
    told = set(
        Notification.objects.filter(kind=Kind.RECOMMENDED, object_id=course.pk).values_list(
            "recipient__username", flat=True
        )
    )
    assert {"muni_curator", "muni_admin", "tA_curator", "tA_admin"} <= told
    assert "dA_curator" not in told  # who recommended is not told of it
    assert "dB_curator" not in told


@pytest.mark.django_db
def test_a_withdrawn_recommendation_leaves_the_queue_for_good(persona):
    course = recommended(persona=persona)
    services.resource_withdraw(type(course), user=persona("dA_curator"), pk=course.pk)
    after = type(course).objects.get(pk=course.pk)
    assert after.recommended_by_id is None
    assert not type(course).objects.restrict(persona("muni_curator"), "review").exists()


# ---- the review queue ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_review_queue_holds_recommendations_only_for_the_city(persona):
    course = recommended(persona=persona)
    model = type(course)
    pending = town_course(scope=Scope.NETWORK, status=Status.PENDING)
    queue = set(
        model.objects.restrict(persona("muni_curator"), "review").values_list("pk", flat=True)
    )
    assert queue == {course.pk, pending.pk}
    for who in ("dA_curator", "tA_curator", "dB_curator", "muni_teacher", "dept"):
        assert not model.objects.restrict(persona(who), "review").filter(pk=course.pk).exists()
    services.resource_publish(model, user=persona("muni_curator"), pk=course.pk, scope="network")
    assert (
        not model.objects.restrict(persona("muni_curator"), "review").filter(pk=course.pk).exists()
    )


# ---- the recommendation's own permission table, through the API of every library ---------

# persona         recommended, waiting: what each may do
#   P: publish at network (accept)   K: decline   R: recommend again   ·: nothing
# (see, 404 else)
DECIDERS = {
    "muni_admin": "VPK",
    "muni_curator": "VPK",
    "muni_teacher": "",  # a district-wide resource is not the city's teachers' to see
    "dA_curator": "V",
    "dA_teacher": "V",
    "tA_curator": "V",
    "tA_teacher": "V",
    "dB_curator": "",
    "tB_teacher": "",
    "dept": "",
}


@pytest.mark.django_db
@pytest.mark.parametrize("library", list(LIBRARY_FACTORIES))
@pytest.mark.parametrize(("who", "allowed"), list(DECIDERS.items()))
def test_who_may_decide_a_recommendation(library, who, allowed, persona, api):
    obj = recommended(factory=LIBRARY_FACTORIES[library], persona=persona)
    model = type(obj)
    client = api(who)
    url = f"/api/v1/{library}/{obj.pk}/"
    requests = {
        "P": lambda: client.post(url + "publish/", {"scope": "network"}, format="json"),
        "K": lambda: client.post(
            url + "decline-recommendation/", {"reason": "重复"}, format="json"
        ),
        "R": lambda: client.post(url + "recommend/", {"note": "再推"}, format="json"),
    }
    for action, send in requests.items():
        with transaction.atomic():
            before = state(obj)
            response = send()
            if action in allowed:
                assert response.status_code == 200, response.content
                after = model.objects.get(pk=obj.pk)
                assert after.version == obj.version + 1
                if action == "P":
                    assert (after.scope, after.recommended_by.code) == ("network", ORG["DA"])
                else:
                    assert after.recommended_by_id is None
            else:
                expected = {403, 409} if "V" in allowed else {404}
                assert response.status_code in expected, (action, response.content)
                assert state(obj) == before
            transaction.set_rollback(True)


# ---- the API ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("library", ["courses", "cases"])
def test_api_recommend_answers_the_resource_with_its_credits(library, api, persona):
    obj = town_course(factory=LIBRARY_FACTORIES[library])
    client = api("dA_curator")
    response = client.post(
        f"/api/v1/{library}/{obj.pk}/recommend/",
        {"note": NOTE},
        format="json",
        HTTP_IF_MATCH=obj.etag,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["recommended_by"]["code"] == ORG["DA"]
    assert body["recommended_by"]["name"] == "中共佛山市禅城区委党校"
    assert body["recommendation_note"] == NOTE
    assert body["recommended_at"]
    assert response["ETag"] == f'"{obj.version + 1}"'
    published_body = (
        api("muni_curator")
        .post(f"/api/v1/{library}/{obj.pk}/publish/", {"scope": "network"}, format="json")
        .json()
    )
    assert published_body["owner"] == ORG["TA"]
    assert published_body["recommended_by"]["code"] == ORG["DA"]
    # Any reader in the city sees both credits.
    seen = api("tB_teacher").get(f"/api/v1/{library}/{obj.pk}/").json()
    assert (seen["owner_name"], seen["recommended_by"]["code"]) == (obj.owner.name, ORG["DA"])


@pytest.mark.django_db
@pytest.mark.parametrize("library", ["courses", "faculty"])
def test_api_refusals_change_nothing(library, api):
    obj = town_course(factory=LIBRARY_FACTORIES[library])
    url = f"/api/v1/{library}/{obj.pk}/recommend/"
    before = state(obj)
    assert_problem(api("dA_curator").post(url, {}, format="json"), 400, ["note"])
    assert_problem(api("dA_curator").post(url, {"note": "  "}, format="json"), 400, ["note"])
    assert_problem(
        api("dA_curator").post(url, {"note": NOTE}, format="json", HTTP_IF_MATCH='"99"'), 412
    )
    assert_problem(api("tA_curator").post(url, {"note": NOTE}, format="json"), 403)
    assert_problem(api("dB_curator").post(url, {"note": NOTE}, format="json"), 404)
    assert api(None).post(url, {"note": NOTE}, format="json").status_code == 401
    assert state(obj) == before
    city = town_course(scope=Scope.NETWORK, factory=LIBRARY_FACTORIES[library])
    assert_problem(
        api("dA_curator").post(
            f"/api/v1/{library}/{city.pk}/recommend/", {"note": NOTE}, format="json"
        ),
        409,
    )


@pytest.mark.django_db
def test_api_lists_filter_recommendations(api, persona):
    waiting = recommended(persona=persona)
    credited = recommended(persona=persona)
    services.resource_publish(
        type(credited), user=persona("muni_curator"), pk=credited.pk, scope="network"
    )
    town_course()  # not recommended
    client = api("muni_curator")
    ids = lambda value: {  # noqa: E731
        row["id"] for row in client.get(f"/api/v1/courses/?recommended={value}").json()["results"]
    }
    assert ids("waiting") == {waiting.pk}
    assert ids("credited") == {credited.pk}


# ---- pages and admin ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_detail_page_offers_the_recommend_form_to_the_district_curator(browser, persona):
    course = town_course()
    page = browser("dA_curator").get(f"/library/courses/{course.pk}/").content.decode()
    assert "/recommend/" in page
    for who in ("tA_curator", "muni_curator", "dA_teacher"):
        page = browser(who).get(f"/library/courses/{course.pk}/").content.decode()
        assert "/recommend/" not in page, who


@pytest.mark.django_db
def test_recommending_from_the_page_and_a_refusal(browser):
    course = town_course()
    client = browser("dA_curator")
    refused = client.post(f"/library/courses/{course.pk}/recommend/", {"note": ""}, follow=True)
    assert refused.status_code == 200
    assert type(course).objects.get(pk=course.pk).recommended_by_id is None
    client.post(f"/library/courses/{course.pk}/recommend/", {"note": NOTE})
    assert type(course).objects.get(pk=course.pk).recommended_by.code == ORG["DA"]
    assert (
        browser("dB_curator")
        .post(f"/library/courses/{course.pk}/recommend/", {"note": NOTE})
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_the_review_page_shows_the_recommendation_and_both_credits_after(browser, persona):
    course = recommended(persona=persona)
    client = browser("muni_curator")
    queue = client.get("/review/").content.decode()
    assert course.title in queue
    assert NOTE in queue
    assert "decline_recommendation" in queue
    client.post(f"/library/courses/{course.pk}/publish/", {"scope": "network"})
    page = browser("tB_teacher").get(f"/library/courses/{course.pk}/").content.decode()
    assert "credits" in page
    assert course.owner.name in page and "禅城" in page


@pytest.mark.django_db
def test_declining_from_the_review_page(browser, persona):
    course = recommended(persona=persona)
    browser("muni_curator").post(
        f"/library/courses/{course.pk}/decline_recommendation/", {"reason": "与现有课程重复"}
    )
    after = type(course).objects.get(pk=course.pk)
    assert (after.status, after.recommended_by_id) == (Status.PUBLISHED, None)


@pytest.mark.django_db
def test_the_review_queue_costs_the_same_with_more_recommendations(
    browser, persona, django_assert_max_num_queries
):
    client = browser("muni_curator")
    recommended(persona=persona)
    client.get("/review/")
    with django_assert_max_num_queries(40) as few:
        client.get("/review/")
    for _ in range(6):
        recommended(persona=persona)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/review/")
    assert response.content.decode().count("decline_recommendation") >= 7


# ---- admin ----------------------------------------------------------------------------------

CHANGELIST = "/admin/courses/course/"


def admin_client(client, persona, name):
    user = persona(name)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return client


def admin_action(client, action, obj, **extra):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [obj.pk], "index": 0, **extra},
    )


@pytest.mark.django_db
def test_the_admin_asks_for_a_note_then_recommends_through_the_service(client, persona):
    course = town_course()
    client = admin_client(client, persona, "dA_curator")
    asked = admin_action(client, "recommend", course)
    assert asked.status_code == 200
    assert 'name="note"' in asked.content.decode()
    assert state(course)["recommended_by_id"] is None
    refused = admin_action(client, "recommend", course, apply="1", note=" ")
    assert refused.status_code == 302
    assert type(course).objects.get(pk=course.pk).recommended_by_id is None
    done = admin_action(client, "recommend", course, apply="1", note=NOTE)
    assert done.status_code == 302
    after = type(course).objects.get(pk=course.pk)
    assert (after.recommended_by.code, after.recommendation_note) == (ORG["DA"], NOTE)
    assert AuditEvent.objects.filter(action="recommend", object_id=course.pk).count() == 1


@pytest.mark.django_db
def test_the_admin_refuses_a_town_curator_and_declines_for_the_city(client, persona):
    course = town_course()
    town = admin_client(client, persona, "tA_curator")
    admin_action(town, "recommend", course, apply="1", note=NOTE)
    assert type(course).objects.get(pk=course.pk).recommended_by_id is None
    services.resource_recommend(type(course), user=persona("dA_curator"), pk=course.pk, note=NOTE)
    city = admin_client(client, persona, "muni_curator")
    admin_action(city, "decline_recommendation", course, apply="1", reason="与现有课程重复")
    after = type(course).objects.get(pk=course.pk)
    assert (after.status, after.recommended_by_id) == (Status.PUBLISHED, None)
