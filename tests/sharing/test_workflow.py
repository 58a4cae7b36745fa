"""The review workflow as a user meets it through the REST API (``/api/v1/courses/``).

Who may do what is the permission matrix's business (test_permission_matrix.py);
this file checks what happens when they do it: completeness on submission, the
status machine (409 from the wrong state), versions and ETags, optimistic
concurrency with ``If-Match``, rejection reasons, deletion of once-published
resources, widening the scope, reuse and its records, scope validation, and the
departments' route to the municipal curators.
"""

import pytest
from django.forms.models import model_to_dict

from apps.courses.models import Course
from apps.sharing.models import ReuseRecord
from apps.taxonomy.models import TeachingMethod
from tests.conftest import ORG
from tests.factories import CourseFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
TA2, TB = "440604011", "440605011"

COMPLETE = {
    "title": "村级工业园改造的佛山经验",
    "summary": "从土地整备到产业导入",
    "outline": "一、背景\n二、做法\n三、启示",
    "kind": "case-teaching",
    "class_hours": "3.0",
    "target_audience": "镇街分管领导",
    "domains": ["industrial-system", "business-environment"],
    "methods": ["industry-map"],
}
CONTENT_KEYS = (
    "title",
    "summary",
    "outline",
    "kind",
    "class_hours",
    "target_audience",
    "domains",
    "methods",
)


def url(course_or_id, action=None):
    pk = getattr(course_or_id, "pk", course_or_id)
    return f"{COURSES}{pk}/" + (f"{action}/" if action else "")


def snapshot(pk):
    """The course as stored (with its domains and methods) and the row counts around it."""
    course = Course.objects.filter(pk=pk).first()
    return (
        model_to_dict(course) if course else None,
        Course.objects.count(),
        ReuseRecord.objects.count(),
    )


def visible_ids(client, **params):
    response = client.get(COURSES, {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    assert response.json()["next"] is None
    return {item["id"] for item in response.json()["results"]}


AUTHORS = {
    ORG["TA"]: "tA_teacher",
    TA2: "tA2_teacher",
    ORG["DA"]: "dA_teacher",
    TB: "tB_teacher",
    ORG["M"]: "muni_teacher",
    ORG["DEP"]: "dept",
}


def make(persona, owner="TA", **kwargs):
    """A complete course owned by ``owner`` (key of ORG or a code), written by a teacher there."""
    code = ORG.get(owner, owner)
    kwargs.setdefault("author", persona(AUTHORS[code]))
    return CourseFactory(owner_code=code, **kwargs)


# ---- completeness on submission ------------------------------------------------------------


def test_submitting_an_incomplete_course_names_every_missing_field_and_changes_nothing(api):
    author = api("tA_teacher")
    created = author.post(COURSES, {"owner": ORG["TA"], "title": "只有标题"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    before = snapshot(pk)

    response = author.post(url(pk, "submit"), {"scope": "district"}, format="json")

    body = assert_problem(
        response,
        400,
        {"summary", "outline", "kind", "class_hours", "target_audience", "domains"},
    )
    assert "title" not in body["errors"]
    assert snapshot(pk) == before
    stored = Course.objects.get(pk=pk)
    assert (stored.status, stored.scope, stored.version, stored.submitted_at) == (
        "draft",
        "private",
        1,
        None,
    )


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"domains": []}, {"domains"}),
        ({"kind": None, "class_hours": None}, {"kind", "class_hours"}),
        ({"summary": "   ", "target_audience": ""}, {"summary", "target_audience"}),
        ({"outline": "", "domains": [], "kind": None}, {"outline", "domains", "kind"}),
    ],
    ids=["domains", "kind+hours", "blank-texts", "three"],
)
def test_submission_names_exactly_the_fields_still_missing(overrides, missing, persona, api):
    course = make(persona, **overrides)
    before = snapshot(course.pk)

    response = api("tA_teacher").post(url(course, "submit"), {"scope": "district"}, format="json")

    assert_problem(response, 400, missing)
    assert snapshot(course.pk) == before


def test_publishing_directly_also_requires_a_complete_course(persona, api):
    course = make(persona, domains=[], summary="")
    before = snapshot(course.pk)

    response = api("tA_curator").post(url(course, "publish"), {"scope": "private"}, format="json")

    assert_problem(response, 400, {"domains", "summary"})
    assert snapshot(course.pk) == before


def test_a_complete_course_passes_the_same_check(persona, api):
    course = make(persona)

    response = api("tA_teacher").post(url(course, "submit"), {"scope": "district"}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["audience"]) == ("pending", ORG["DA"])


# ---- the status machine --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "scope", "actor", "action", "payload"),
    [
        ("draft", "private", "tA_curator", "reject", {"reason": "请补充数据"}),
        ("draft", "district", "tA_curator", "withdraw", None),
        ("pending", "district", "tA_teacher", "submit", {"scope": "district"}),
        ("pending", "district", "tA_teacher", "edit", {"title": "送审中改标题"}),
        ("published", "private", "tA_teacher", "submit", {"scope": "district"}),
        ("published", "district", "dA_curator", "reject", {"reason": "请补充数据"}),
        ("rejected", "district", "tA_curator", "publish", {"scope": "private"}),
        ("rejected", "district", "tA_curator", "withdraw", None),
        ("withdrawn", "district", "tA_curator", "publish", {"scope": "private"}),
        ("withdrawn", "district", "tA_curator", "withdraw", None),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_transition_from_the_wrong_state_is_409_and_changes_nothing(
    status, scope, actor, action, payload, persona, api
):
    course = make(persona, status=status, scope=scope, version=4)
    before = snapshot(course.pk)
    client = api(actor)

    if action == "edit":
        response = client.patch(url(course), payload, format="json")
    else:
        response = client.post(url(course, action), payload, format="json")

    assert_problem(response, 409)
    assert snapshot(course.pk) == before


# ---- versions and ETags --------------------------------------------------------------------


def test_every_change_raises_the_version_by_one_and_the_etag_follows(api):
    author, district, municipal = api("tA_teacher"), api("dA_curator"), api("muni_curator")
    created = author.post(COURSES, {"owner": ORG["TA"], **COMPLETE}, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["version"], created["ETag"]) == (1, '"1"')
    pk = created.json()["id"]

    steps = [
        (author, "patch", None, {"summary": "改过的简介"}, "draft"),
        (author, "post", "submit", {"scope": "district"}, "pending"),
        (district, "post", "reject", {"reason": "请补充本地数据"}, "rejected"),
        (author, "patch", None, {"outline": "一、补充了数据"}, "draft"),
        (author, "post", "submit", {"scope": "district"}, "pending"),
        (district, "post", "publish", {"scope": "district"}, "published"),
        (district, "patch", None, {"title": "区级编辑改标题"}, "published"),
        (municipal, "post", "publish", {"scope": "network"}, "published"),
        (municipal, "post", "withdraw", None, "withdrawn"),
        (author, "patch", None, {"summary": "撤回后修改"}, "draft"),
    ]
    for expected, (client, method, action, payload, status) in enumerate(steps, start=2):
        response = getattr(client, method)(url(pk, action), payload, format="json")
        label = (action or "patch", status)
        assert response.status_code == 200, (label, response.content)
        assert response.json()["version"] == expected, label
        assert response.json()["status"] == status, label
        assert response["ETag"] == f'"{expected}"', label
        assert Course.objects.get(pk=pk).version == expected, label

        read = author.get(url(pk))
        assert read.status_code == 200, label
        assert read["ETag"] == f'"{expected}"', label
        assert read.json()["version"] == expected, label

    # Reading never changes anything.
    assert Course.objects.get(pk=pk).version == len(steps) + 1


# ---- optimistic concurrency: If-Match -------------------------------------------------------


@pytest.mark.parametrize("stale", ['"2"', '"1"', '"9"', 'W/"2"', "garbage", ""])
def test_a_patch_with_a_stale_if_match_is_412_and_changes_nothing(stale, persona, api):
    course = make(persona, version=3)
    before = snapshot(course.pk)
    client = api("tA_teacher")

    response = client.patch(
        url(course), {"title": "别人已经改过"}, format="json", HTTP_IF_MATCH=stale
    )

    assert_problem(response, 412)
    assert snapshot(course.pk) == before


@pytest.mark.parametrize("current", ['"3"', "*"])
def test_a_patch_with_the_current_if_match_succeeds(current, persona, api):
    course = make(persona, version=3)

    response = api("tA_teacher").patch(
        url(course), {"title": "基于最新版本的修改"}, format="json", HTTP_IF_MATCH=current
    )

    assert response.status_code == 200, response.content
    assert (response.json()["version"], response["ETag"]) == (4, '"4"')
    assert Course.objects.get(pk=course.pk).title == "基于最新版本的修改"


def test_if_match_follows_the_etag_a_client_just_received(persona, api):
    course = make(persona)
    client = api("tA_teacher")
    etag = client.get(url(course))["ETag"]

    first = client.patch(url(course), {"title": "第一次"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.content
    before = snapshot(course.pk)
    again = client.patch(url(course), {"title": "第二次"}, format="json", HTTP_IF_MATCH=etag)
    assert_problem(again, 412)
    assert snapshot(course.pk) == before

    fresh = client.patch(
        url(course), {"title": "第二次"}, format="json", HTTP_IF_MATCH=first["ETag"]
    )
    assert fresh.status_code == 200, fresh.content
    assert Course.objects.get(pk=course.pk).title == "第二次"


@pytest.mark.parametrize(
    ("status", "scope", "actor", "action", "payload", "after"),
    [
        ("draft", "private", "tA_teacher", "submit", {"scope": "district"}, "pending"),
        ("pending", "district", "dA_curator", "publish", {"scope": "district"}, "published"),
        ("pending", "district", "dA_curator", "reject", {"reason": "请补充"}, "rejected"),
        ("published", "district", "dA_curator", "withdraw", None, "withdrawn"),
        ("draft", "private", "tA_teacher", "delete", None, None),
    ],
    ids=["submit", "publish", "reject", "withdraw", "delete"],
)
def test_a_transition_with_a_stale_if_match_is_412_and_with_the_current_one_succeeds(
    status, scope, actor, action, payload, after, persona, api
):
    course = make(persona, status=status, scope=scope, version=5)
    client = api(actor)
    before = snapshot(course.pk)

    def send(etag):
        if action == "delete":
            return client.delete(url(course), HTTP_IF_MATCH=etag)
        return client.post(url(course, action), payload, format="json", HTTP_IF_MATCH=etag)

    assert_problem(send('"4"'), 412)
    assert snapshot(course.pk) == before

    response = send('"5"')
    if action == "delete":
        assert response.status_code == 204
        assert not Course.objects.filter(pk=course.pk).exists()
        return
    assert response.status_code == 200, response.content
    stored = Course.objects.get(pk=course.pk)
    assert (stored.status, stored.version) == (after, 6)
    assert response["ETag"] == '"6"'


# ---- rejection -----------------------------------------------------------------------------


def test_editing_a_rejected_course_returns_it_to_draft_and_the_author_sees_the_reason(persona, api):
    course = make(persona, status="pending", scope="district", version=2)
    author = api("tA_teacher")
    reason = "请补充本镇街的案例数据"

    rejected = api("dA_curator").post(url(course, "reject"), {"reason": reason}, format="json")
    assert rejected.status_code == 200, rejected.content
    assert (rejected.json()["status"], rejected.json()["version"]) == ("rejected", 3)

    seen = author.get(url(course)).json()
    assert (seen["status"], seen["rejection_reason"]) == ("rejected", reason)

    edited = author.patch(url(course), {"summary": "补充了案例数据"}, format="json")
    assert edited.status_code == 200, edited.content
    assert (edited.json()["status"], edited.json()["version"]) == ("draft", 4)
    assert edited.json()["rejection_reason"] == reason  # still there while the author fixes it
    stored = Course.objects.get(pk=course.pk)
    assert (stored.status, stored.summary) == ("draft", "补充了案例数据")

    resubmitted = author.post(url(course, "submit"), {"scope": "district"}, format="json")
    assert resubmitted.status_code == 200, resubmitted.content
    assert (resubmitted.json()["status"], resubmitted.json()["rejection_reason"]) == (
        "pending",
        "",
    )


@pytest.mark.parametrize(
    "payload", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}], ids=str
)
def test_reject_without_a_reason_is_400_naming_reason(payload, persona, api):
    course = make(persona, status="pending", scope="district")
    before = snapshot(course.pk)

    response = api("dA_curator").post(url(course, "reject"), payload, format="json")

    assert_problem(response, 400, {"reason"})
    assert snapshot(course.pk) == before


# ---- deletion ------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["tA_teacher", "tA_curator", "tA_admin"])
def test_a_published_course_cannot_be_deleted(actor, persona, api):
    course = make(persona, status="published", scope="private")
    before = snapshot(course.pk)

    response = api(actor).delete(url(course))

    assert_problem(response, 409)
    assert snapshot(course.pk) == before


def test_a_withdrawn_then_edited_course_cannot_be_deleted_because_it_was_published(persona, api):
    author, curator = api("tA_teacher"), api("tA_curator")
    course = make(persona)
    never_published = make(persona)

    assert (
        curator.post(url(course, "publish"), {"scope": "private"}, format="json").status_code == 200
    )
    assert curator.post(url(course, "withdraw"), format="json").status_code == 200
    edited = author.patch(url(course), {"summary": "撤回后重新编辑"}, format="json")
    assert edited.status_code == 200, edited.content
    assert edited.json()["status"] == "draft"
    before = snapshot(course.pk)

    for client in (author, curator):
        assert_problem(client.delete(url(course)), 409)
        assert snapshot(course.pk) == before

    # A draft with the same author and owner that was never published can be deleted.
    assert author.delete(url(never_published)).status_code == 204
    assert not Course.objects.filter(pk=never_published.pk).exists()
    assert Course.objects.filter(pk=course.pk).exists()


# ---- widening the scope ---------------------------------------------------------------------


def test_the_municipal_curator_widens_a_district_course_to_the_network(persona, api):
    course = make(persona, status="published", scope="district", version=3)
    first_published = Course.objects.get(pk=course.pk).first_published_at
    other_district_town = api("tB_teacher")
    assert other_district_town.get(url(course)).status_code == 404
    assert course.pk not in visible_ids(other_district_town)

    response = api("muni_curator").post(url(course, "publish"), {"scope": "network"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["scope"], body["audience"], body["version"]) == (
        "published",
        "network",
        ORG["M"],
        4,
    )
    assert Course.objects.get(pk=course.pk).first_published_at == first_published
    seen = other_district_town.get(url(course))
    assert seen.status_code == 200
    assert seen.json()["scope"] == "network"
    assert course.pk in visible_ids(other_district_town)
    assert course.pk in visible_ids(api("dB_curator"))


# ---- reuse ---------------------------------------------------------------------------------


def test_reuse_creates_a_draft_copy_linked_to_the_source_and_records_it(persona, api):
    source = make(
        persona, status="published", scope="network", version=4, domains=["finance", "talent"]
    )
    source.methods.set(TeachingMethod.objects.filter(code__in=["mind-map", "after-class-review"]))
    source_json = api("tB_teacher").get(url(source)).json()
    courses, records = Course.objects.count(), ReuseRecord.objects.count()

    response = api("tB_teacher").post(url(source, "reuse"), {"owner": TB}, format="json")

    assert response.status_code == 201, response.content
    copy = response.json()
    assert response["ETag"] == '"1"'
    assert copy["id"] != source.pk
    assert (copy["owner"], copy["author"], copy["status"], copy["scope"], copy["audience"]) == (
        TB,
        "tB_teacher",
        "draft",
        "private",
        TB,
    )
    assert (copy["version"], copy["source"], copy["source_version"], copy["reuse_count"]) == (
        1,
        source.pk,
        4,
        0,
    )
    for key in CONTENT_KEYS:
        assert copy[key] == source_json[key], key
    assert sorted(copy["domains"]) == ["finance", "talent"]
    assert sorted(copy["methods"]) == ["after-class-review", "mind-map"]
    stored = Course.objects.get(pk=copy["id"])
    assert set(stored.domains.values_list("code", flat=True)) == {"finance", "talent"}
    assert (stored.source_id, stored.source_version, stored.owner.code) == (source.pk, 4, TB)
    assert Course.objects.count() == courses + 1
    assert ReuseRecord.objects.count() == records + 1

    after = Course.objects.get(pk=source.pk)
    assert (after.reuse_count, after.version, after.status) == (1, 4, "published")

    listed = api("tB_teacher").get(url(source, "reuses"))
    assert listed.status_code == 200
    assert [
        (r["organization"], r["user"], r["source_version"], r["copy_id"]) for r in listed.json()
    ] == [(TB, "tB_teacher", 4, copy["id"])]


def test_the_reuse_list_names_each_school_user_and_the_version_they_copied(persona, api):
    source = make(persona, status="published", scope="network", version=2)
    first = api("tB_teacher").post(url(source, "reuse"), {"owner": TB}, format="json")
    assert first.status_code == 201, first.content
    edit = api("muni_curator").patch(url(source), {"summary": "市级编辑更新"}, format="json")
    assert (edit.status_code, edit.json()["version"]) == (200, 3)
    second = api("tA2_teacher").post(url(source, "reuse"), {"owner": TA2}, format="json")
    assert second.status_code == 201, second.content
    assert second.json()["summary"] == "市级编辑更新"

    listed = api("tA_teacher").get(url(source, "reuses"))

    assert listed.status_code == 200
    rows = [
        (r["organization"], r["user"], r["source_version"], r["copy_id"]) for r in listed.json()
    ]
    assert rows == [
        (TA2, "tA2_teacher", 3, second.json()["id"]),
        (TB, "tB_teacher", 2, first.json()["id"]),
    ]
    assert Course.objects.get(pk=source.pk).reuse_count == 2


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("tB_teacher", ORG["TA"]),  # another district's town
        ("tA_teacher", ORG["DA"]),  # the district above the teacher's own town
        ("tA_viewer", ORG["TA"]),  # own school, but only a viewer
        ("dept", ORG["DEP"]),  # a department submitter
        ("muni_teacher", TA2),  # a town the municipal teacher has no seat in
    ],
)
def test_reuse_into_a_school_without_a_teaching_role_is_403_and_creates_nothing(
    actor, target, persona, api
):
    source = make(persona, owner="M", status="published", scope="network")
    before = snapshot(source.pk)

    response = api(actor).post(url(source, "reuse"), {"owner": target}, format="json")

    assert_problem(response, 403)
    assert snapshot(source.pk) == before
    assert not Course.objects.filter(source=source).exists()


def test_reuse_into_an_unknown_organisation_is_400_naming_owner(persona, api):
    source = make(persona, owner="M", status="published", scope="network")
    before = snapshot(source.pk)

    response = api("tA_teacher").post(url(source, "reuse"), {"owner": "999999"}, format="json")

    assert_problem(response, 400, {"owner"})
    assert snapshot(source.pk) == before


# ---- scope validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("owner", "actor", "action"),
    [
        ("M", "muni_teacher", "submit"),
        ("M", "muni_curator", "submit"),
        ("M", "muni_curator", "publish"),
        ("DEP", "dept", "submit"),
    ],
)
def test_district_scope_for_a_course_without_a_district_is_400_naming_scope(
    owner, actor, action, persona, api
):
    course = make(persona, owner=owner)
    before = snapshot(course.pk)

    response = api(actor).post(url(course, action), {"scope": "district"}, format="json")

    assert_problem(response, 400, {"scope"})
    assert snapshot(course.pk) == before


@pytest.mark.parametrize("action", ["submit", "publish"])
def test_an_unknown_scope_is_400_naming_scope(action, persona, api):
    course = make(persona)
    before = snapshot(course.pk)

    response = api("tA_curator").post(url(course, action), {"scope": "province"}, format="json")

    assert_problem(response, 400, {"scope"})
    assert snapshot(course.pk) == before


# ---- departments submit to the municipal curators -------------------------------------------


def test_a_department_submission_at_network_waits_for_the_municipal_curators(persona, api):
    department = api("dept")
    created = department.post(COURSES, {"owner": ORG["DEP"], **COMPLETE}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]

    submitted = department.post(url(pk, "submit"), {"scope": "network"}, format="json")

    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert (body["status"], body["scope"], body["audience"], body["owner"]) == (
        "pending",
        "network",
        ORG["M"],
        ORG["DEP"],
    )
    municipal = api("muni_curator")
    assert municipal.get(url(pk)).status_code == 200
    assert pk in visible_ids(municipal, status="pending")
    review = Course.objects.restrict(persona("muni_curator"), "review")
    assert list(review.values_list("pk", flat=True)) == [pk]
    for outsider in ("dA_curator", "tA_teacher"):
        client = api(outsider)
        assert client.get(url(pk)).status_code == 404, outsider
        assert pk not in visible_ids(client), outsider
        assert not Course.objects.restrict(persona(outsider), "review").filter(pk=pk).exists()

    published = municipal.post(url(pk, "publish"), {"scope": "network"}, format="json")

    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    for reader in ("dA_curator", "tA_teacher"):
        client = api(reader)
        assert client.get(url(pk)).status_code == 200, reader
        assert pk in visible_ids(client), reader
    assert not Course.objects.restrict(persona("muni_curator"), "review").exists()


def test_a_department_cannot_submit_where_no_curator_could_ever_review_it(persona, api):
    course = make(persona, owner="DEP")
    before = snapshot(course.pk)

    response = api("dept").post(url(course, "submit"), {"scope": "private"}, format="json")

    assert_problem(response, 400, {"scope"})
    assert snapshot(course.pk) == before


# ---- the policy: what waits for whom ----------------------------------------------------------


def test_restrict_review_returns_exactly_the_pending_items_waiting_for_that_curator(persona):
    def pending(owner, scope):
        return make(persona, owner=owner, status="pending", scope=scope).pk

    waiting = {
        "ta_private": pending("TA", "private"),
        "ta_district": pending("TA", "district"),
        "ta_network": pending("TA", "network"),
        "da_district": pending("DA", "district"),
        "da_network": pending("DA", "network"),
        "tb_district": pending(TB, "district"),
        "m_network": pending("M", "network"),
        "dep_network": pending("DEP", "network"),
    }
    # Not waiting for anyone: every other status, at every scope.
    for status in ("draft", "published", "rejected", "withdrawn"):
        for owner, scope in (("TA", "district"), ("DA", "network"), ("M", "network")):
            make(persona, owner=owner, status=status, scope=scope)

    expected = {
        "muni_admin": {"ta_network", "da_network", "m_network", "dep_network"},
        "muni_curator": {"ta_network", "da_network", "m_network", "dep_network"},
        "dA_curator": {"ta_district", "da_district"},
        "dB_curator": {"tb_district"},
        "tA_admin": {"ta_private"},
        "tA_curator": {"ta_private"},
        "muni_teacher": set(),
        "dA_teacher": set(),
        "tA_teacher": set(),
        "tA_viewer": set(),
        "dept": set(),
    }
    for name, keys in expected.items():
        got = set(Course.objects.restrict(persona(name), "review").values_list("pk", flat=True))
        assert got == {waiting[key] for key in keys}, name
