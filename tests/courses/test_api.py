"""The course library's REST contract: list shape, cursor pages, filters that never leak,
problem+json errors in the reader's language, 404 that never tells, 401, and the
``me`` and ``organizations`` endpoints the clients build on."""

import pytest
from django.forms.models import model_to_dict

from apps.accounts.models import Membership
from apps.courses.models import Course
from apps.organizations.models import Organization
from apps.sharing.models import ReuseRecord
from apps.taxonomy.models import CourseKind
from tests.conftest import ORG
from tests.factories import CourseFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
TA2, TB = "440604011", "440605011"
ITEM_KEYS = {
    "id",
    "title",
    "owner",
    "author",
    "scope",
    "status",
    "version",
    "source",
    "reuse_count",
}
AUTHORS = {
    ORG["TA"]: "tA_teacher",
    TA2: "tA2_teacher",
    ORG["DA"]: "dA_teacher",
    TB: "tB_teacher",
    ORG["M"]: "muni_teacher",
    ORG["DEP"]: "dept",
}


def make(persona, owner="TA", kind=None, **kwargs):
    """A complete course owned by ``owner`` (key of ORG or a code); ``kind`` by code."""
    code = ORG.get(owner, owner)
    kwargs.setdefault("author", persona(AUTHORS[code]))
    if kind is not None:
        kwargs["kind"] = CourseKind.objects.get(code=kind)
    return CourseFactory(owner_code=code, **kwargs)


def snapshot(pk):
    course = Course.objects.filter(pk=pk).first()
    return (
        model_to_dict(course) if course else None,
        Course.objects.count(),
        ReuseRecord.objects.count(),
    )


def all_pages(client, params):
    """Follow ``next`` to the end; return every item in the order served."""
    items = []
    response = client.get(COURSES, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        items.extend(body["results"])
        if body["next"] is None:
            return items
        response = client.get(body["next"])


# ---- list shape and cursor pagination ----------------------------------------------------


def test_the_list_is_results_next_previous_and_each_item_carries_the_sharing_fields(persona, api):
    source = make(persona, owner="M", status="published", scope="network", version=3)
    client = api("tA_teacher")
    reused = client.post(f"{COURSES}{source.pk}/reuse/", {"owner": ORG["TA"]}, format="json")
    assert reused.status_code == 201, reused.content
    copy_id = reused.json()["id"]

    response = client.get(COURSES)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "next", "previous"}
    assert (body["next"], body["previous"]) == (None, None)
    assert [item["id"] for item in body["results"]] == [copy_id, source.pk]
    for item in body["results"]:
        assert set(item) >= ITEM_KEYS, item
    copy, original = body["results"]
    assert {k: copy[k] for k in ITEM_KEYS - {"id"}} == {
        "title": source.title,
        "owner": ORG["TA"],
        "author": "tA_teacher",
        "scope": "private",
        "status": "draft",
        "version": 1,
        "source": source.pk,
        "reuse_count": 0,
    }
    assert {k: original[k] for k in ITEM_KEYS - {"id"}} == {
        "title": source.title,
        "owner": ORG["M"],
        "author": "muni_teacher",
        "scope": "network",
        "status": "published",
        "version": 3,
        "source": None,
        "reuse_count": 1,
    }


def test_cursor_pages_follow_next_to_the_rest_without_duplicates(persona, api):
    mine = [make(persona).pk for _ in range(5)]
    shared = [make(persona, owner="M", status="published", scope="network").pk for _ in range(3)]
    make(persona, owner=TA2)  # a draft of another town: never listed
    make(persona, owner=TB, status="published", scope="district")  # another district's
    client = api("tA_teacher")

    first = client.get(COURSES, {"page_size": 3})
    assert first.status_code == 200
    page = first.json()
    assert len(page["results"]) == 3
    assert page["previous"] is None
    assert page["next"] is not None

    second = client.get(page["next"]).json()
    assert len(second["results"]) == 3
    assert second["previous"] is not None
    third = client.get(second["next"]).json()
    assert len(third["results"]) == 2
    assert third["next"] is None

    ids = [item["id"] for p in (page, second, third) for item in p["results"]]
    assert len(ids) == len(set(ids)) == 8
    assert set(ids) == set(mine + shared)
    assert ids == sorted(ids, reverse=True)  # newest first
    assert [item["id"] for item in all_pages(client, {"page_size": 3})] == ids

    back = client.get(second["previous"]).json()
    assert [item["id"] for item in back["results"]] == ids[:3]


@pytest.mark.parametrize(
    "ordering",
    [
        "title",
        "-title",
        "updated_at",
        "-id",
    ],
)
def test_cursor_pages_under_a_requested_ordering_list_each_course_once(ordering, persona, api):
    visible = {make(persona, title=f"{'甲乙丙'[i % 3]}课程").pk for i in range(12)}
    make(persona, owner=TA2, title="甲课程")  # same title, out of reach
    client = api("tA_teacher")
    whole = client.get(COURSES, {"page_size": 100, "ordering": ordering}).json()["results"]
    assert {item["id"] for item in whole} == visible

    for page_size in (2, 3, 5):
        items = all_pages(client, {"page_size": page_size, "ordering": ordering})
        ids = [item["id"] for item in items]
        assert len(ids) == len(set(ids)), (page_size, ids)
        assert set(ids) == visible, page_size
        assert ids == [item["id"] for item in whole], page_size
    key = ordering.lstrip("-")
    values = [item[key] for item in whole]
    assert values == sorted(values, reverse=ordering.startswith("-"))


# ---- filters -------------------------------------------------------------------------------


@pytest.fixture
def library(persona):
    """Courses across the tree; the comment says whether tA_teacher (祖庙) may see each."""
    return {
        # 祖庙's own: visible
        "ta_draft": make(
            persona, title="祖庙产业集群专题", domains=["industrial-system"], kind="lecture"
        ),
        "ta_pub": make(
            persona,
            status="published",
            scope="district",
            domains=["finance"],
            kind="case-teaching",
        ),
        "ta_pending": make(persona, status="pending", scope="district", domains=["talent"]),
        # 石湾 (same district): its draft is hidden, its district-published course is not
        "ta2_draft": make(persona, owner=TA2, title="石湾未公开草稿", domains=["finance"]),
        "ta2_pub": make(
            persona,
            owner=TA2,
            status="published",
            scope="district",
            domains=["finance"],
            summary="陶瓷产业转型升级",
        ),
        # 桂城 (another district): district-published hidden, network-published visible
        "tb_district": make(
            persona,
            owner=TB,
            status="published",
            scope="district",
            title="桂城陶瓷金融",
            domains=["finance"],
            kind="case-teaching",
        ),
        "tb_network": make(
            persona,
            owner=TB,
            status="published",
            scope="network",
            domains=["talent"],
            kind="seminar",
        ),
        # 禅城 district school: draft hidden, published visible
        "da_draft": make(persona, owner="DA", title="区委党校草稿陶瓷"),
        "da_pub": make(persona, owner="DA", status="published", scope="district"),
        # municipal: published visible; a department's pending submission hidden
        "m_pub": make(persona, owner="M", status="published", scope="network", kind="on-site"),
        "dep_pending": make(persona, owner="DEP", status="pending", scope="network"),
    }


TA_VISIBLE = {"ta_draft", "ta_pub", "ta_pending", "ta2_pub", "tb_network", "da_pub", "m_pub"}

FILTER_CASES = [
    # (persona, query, expected names)
    ("tA_teacher", {}, TA_VISIBLE),
    ("tA_teacher", {"owner": TA2}, {"ta2_pub"}),
    ("tA_teacher", {"owner": TB}, {"tb_network"}),
    ("tA_teacher", {"owner": ORG["DA"]}, {"da_pub"}),
    ("tA_teacher", {"owner": ORG["DEP"]}, set()),
    ("tA_teacher", {"owner": "no-such-org"}, set()),
    (
        "tA_teacher",
        {"within": ORG["DA"]},
        {"ta_draft", "ta_pub", "ta_pending", "ta2_pub", "da_pub"},
    ),
    ("tA_teacher", {"within": TA2}, {"ta2_pub"}),
    ("tA_teacher", {"within": "440605"}, {"tb_network"}),
    ("tA_teacher", {"within": ORG["M"]}, TA_VISIBLE),
    ("tA_teacher", {"within": "no-such-org"}, set()),
    ("tA_teacher", {"scope": "private"}, {"ta_draft"}),
    ("tA_teacher", {"scope": "district"}, {"ta_pub", "ta_pending", "ta2_pub", "da_pub"}),
    ("tA_teacher", {"scope": "network"}, {"tb_network", "m_pub"}),
    ("tA_teacher", {"status": "draft"}, {"ta_draft"}),
    ("tA_teacher", {"status": "pending"}, {"ta_pending"}),
    ("tA_teacher", {"status": "published"}, {"ta_pub", "ta2_pub", "tb_network", "da_pub", "m_pub"}),
    ("tA_teacher", {"status": "rejected"}, set()),
    ("tA_teacher", {"theme": "finance"}, {"ta_pub", "ta2_pub"}),
    ("tA_teacher", {"theme": "talent"}, {"ta_pending", "tb_network"}),
    ("tA_teacher", {"theme": "no-such-domain"}, set()),
    ("tA_teacher", {"kind": "case-teaching"}, {"ta_pub"}),
    ("tA_teacher", {"kind": "on-site"}, {"m_pub"}),
    ("tA_teacher", {"q": "陶瓷"}, {"ta2_pub"}),
    ("tA_teacher", {"q": "未公开草稿"}, set()),
    ("tA_teacher", {"q": "区委党校草稿"}, set()),
    ("tA_teacher", {"q": "祖庙 集群"}, {"ta_draft"}),
    ("tA_teacher", {"q": "祖庙 陶瓷"}, set()),
    (
        "tA_teacher",
        {"status": "published", "within": ORG["DA"], "theme": "finance"},
        {"ta_pub", "ta2_pub"},
    ),
    # the same filters for a reader with a different reach
    ("tB_teacher", {"theme": "finance"}, {"tb_district"}),
    ("tB_teacher", {"owner": ORG["TA"]}, set()),
    ("tB_teacher", {"q": "陶瓷"}, {"tb_district"}),
    ("muni_curator", {"owner": TA2}, {"ta2_pub"}),
    ("muni_curator", {"status": "pending"}, {"dep_pending"}),
    ("muni_curator", {"status": "draft"}, set()),
    ("muni_curator", {"within": "440605"}, {"tb_district", "tb_network"}),
    ("muni_curator", {"q": "草稿"}, set()),
    ("dA_curator", {"status": "pending"}, {"ta_pending"}),
    ("dA_curator", {"status": "draft"}, {"da_draft"}),
]


@pytest.mark.parametrize(
    ("reader", "query", "expected"),
    FILTER_CASES,
    ids=[f"{r}-{'&'.join(f'{k}={v}' for k, v in q.items()) or 'all'}" for r, q, _ in FILTER_CASES],
)
def test_filters_narrow_within_what_the_reader_may_see(reader, query, expected, library, api):
    names = {course.pk: name for name, course in library.items()}

    items = all_pages(api(reader), {"page_size": 100, **query})

    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert {names[i] for i in ids} == expected


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"status": "bogus"}, {"status"}),
        ({"scope": "province"}, {"scope"}),
        ({"status": "bogus", "scope": "province"}, {"status", "scope"}),
    ],
    ids=["status", "scope", "both"],
)
def test_an_invalid_filter_value_is_400_naming_the_field(query, fields, persona, api):
    make(persona)

    response = api("tA_teacher").get(COURSES, query)

    assert_problem(response, 400, fields)


# ---- errors in the reader's language ----------------------------------------------------


def _is_english(text):
    return text.isascii() and any(c.isalpha() for c in text)


def _has_chinese(text):
    return any("\u4e00" <= c <= "\u9fff" for c in text)


@pytest.mark.parametrize("case", ["invalid-filter", "incomplete-submit", "not-found", "conflict"])
def test_errors_speak_chinese_by_default_and_english_on_request(case, persona, api):
    client = api("tA_teacher")
    draft = make(persona, domains=[])
    published = make(persona, status="published", scope="private")
    requests = {
        "invalid-filter": lambda **h: client.get(COURSES, {"status": "bogus"}, **h),
        "incomplete-submit": lambda **h: client.post(
            f"{COURSES}{draft.pk}/submit/", {"scope": "district"}, format="json", **h
        ),
        "not-found": lambda **h: client.get(f"{COURSES}{published.pk + 1000}/", **h),
        "conflict": lambda **h: client.delete(f"{COURSES}{published.pk}/", **h),
    }
    send = requests[case]

    chinese = send()
    english = send(HTTP_ACCEPT_LANGUAGE="en")

    assert chinese.status_code == english.status_code
    zh, en = chinese.json(), english.json()
    assert chinese["Content-Language"] == "zh-hans"
    assert english["Content-Language"] == "en"
    for key in ("title", "detail"):
        assert zh[key] != en[key], key
        assert _has_chinese(zh[key]), zh[key]
        assert _is_english(en[key]), en[key]
    assert set(zh.get("errors", {})) == set(en.get("errors", {}))
    for field, messages in zh.get("errors", {}).items():
        for zh_message, en_message in zip(messages, en["errors"][field], strict=True):
            assert zh_message != en_message
            assert _has_chinese(zh_message), zh_message
            assert _is_english(en_message), en_message


def test_field_messages_are_translated_for_an_invalid_filter(persona, api):
    client = api("tA_teacher")

    zh = client.get(COURSES, {"status": "bogus"}).json()
    en = client.get(COURSES, {"status": "bogus"}, HTTP_ACCEPT_LANGUAGE="en").json()

    assert zh["detail"] == "部分字段缺失或无效。"
    assert en["detail"] == "Some fields are missing or invalid."
    assert zh["errors"]["status"] != en["errors"]["status"]
    assert _has_chinese(zh["errors"]["status"][0])
    assert _is_english(en["errors"]["status"][0])
    assert "bogus" in en["errors"]["status"][0]


# ---- 404 never tells unknown from out of reach -------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", None),
        ("patch", "", {"title": "改标题"}),
        ("delete", "", None),
        ("post", "submit/", {"scope": "district"}),
        ("post", "publish/", {"scope": "district"}),
        ("post", "withdraw/", None),
        ("post", "reject/", {"reason": "理由"}),
        ("post", "reuse/", {"owner": ORG["TA"]}),
        ("get", "reuses/", None),
    ],
    ids=lambda v: v if isinstance(v, str) and v else None,
)
def test_unknown_and_out_of_reach_ids_answer_the_same_404(method, suffix, payload, persona, api):
    hidden = make(persona, owner=TA2, status="pending", scope="district")
    unknown = Course.objects.order_by("-pk").first().pk + 1000
    client = api("tA_teacher")
    before = snapshot(hidden.pk)

    def send(pk):
        return getattr(client, method)(f"{COURSES}{pk}/{suffix}", payload, format="json")

    out_of_reach, missing = send(hidden.pk), send(unknown)

    assert_problem(out_of_reach, 404)
    assert_problem(missing, 404)
    assert out_of_reach.content == missing.content
    assert out_of_reach["Content-Type"] == missing["Content-Type"]
    assert "ETag" not in out_of_reach
    assert snapshot(hidden.pk) == before


# ---- no credentials ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", COURSES, None),
        ("get", "{course}", None),
        ("post", COURSES, {"owner": ORG["TA"], "title": "匿名新建"}),
        ("patch", "{course}", {"title": "匿名修改"}),
        ("delete", "{course}", None),
        ("get", "/api/v1/me/", None),
        ("get", "/api/v1/organizations/", None),
    ],
    ids=["list", "detail", "create", "patch", "delete", "me", "organizations"],
)
def test_no_credentials_is_401_with_www_authenticate(method, path, payload, persona, api):
    course = make(persona, owner="M", status="published", scope="network")
    before = snapshot(course.pk)

    response = getattr(api(None), method)(
        path.format(course=f"{COURSES}{course.pk}/"), payload, format="json"
    )

    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"
    assert snapshot(course.pk) == before


# ---- owner is fixed ------------------------------------------------------------------------


@pytest.mark.parametrize("new_owner", [TA2, ORG["DA"], "no-such-org"])
def test_patching_the_owner_is_400_naming_owner(new_owner, persona, api):
    course = make(persona)
    before = snapshot(course.pk)

    response = api("tA_curator").patch(
        f"{COURSES}{course.pk}/", {"owner": new_owner, "title": "换个单位"}, format="json"
    )

    assert_problem(response, 400, {"owner"})
    assert snapshot(course.pk) == before


def test_put_is_not_offered_since_edits_are_patches(persona, api):
    course = make(persona)
    client = api("tA_teacher")
    body = client.get(f"{COURSES}{course.pk}/").json()
    full = {key: body[key] for key in ("owner", "title", "summary", "outline", "kind")}
    before = snapshot(course.pk)

    response = client.put(f"{COURSES}{course.pk}/", {**full, "title": "整体替换"}, format="json")

    assert_problem(response, 405)
    assert "PUT" not in response["Allow"]
    assert snapshot(course.pk) == before


# ---- me and the network map --------------------------------------------------------------


def test_me_lists_each_membership_with_organisation_code_and_role(persona, api):
    user = persona("tA_teacher")
    Membership.objects.create(
        user=user, organization=Organization.objects.get(code=ORG["DA"]), role="viewer"
    )

    response = api("tA_teacher").get("/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["username"]) == (user.pk, "tA_teacher")
    seats = sorted(
        (m["organization"], m["organization_kind"], m["role"]) for m in body["memberships"]
    )
    assert seats == [(ORG["DA"], "district", "viewer"), (ORG["TA"], "town", "teacher")]
    names = {m["organization"]: m["organization_name"] for m in body["memberships"]}
    assert names == {ORG["DA"]: "中共佛山市禅城区委党校", ORG["TA"]: "禅城区祖庙街道党校"}


def test_me_for_a_department_submitter(api):
    body = api("dept").get("/api/v1/me/").json()

    assert body["username"] == "dept"
    assert [
        (m["organization"], m["organization_kind"], m["role"]) for m in body["memberships"]
    ] == [(ORG["DEP"], "department", "submitter")]


def test_organizations_of_kind_district_are_the_five_foshan_districts(api):
    response = api("tA_teacher").get("/api/v1/organizations/", {"kind": "district"})

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    codes = [org["code"] for org in body["results"]]
    assert sorted(codes) == ["440604", "440605", "440606", "440607", "440608"]
    assert len(codes) == 5
    assert {(org["kind"], org["parent"]) for org in body["results"]} == {("district", ORG["M"])}
    names = {org["code"]: org["name"] for org in body["results"]}
    assert names["440604"] == "中共佛山市禅城区委党校"
    assert names["440605"] == "中共佛山市南海区委党校"
