"""The permission matrix: every library × persona × action × resource tier, status and scope.

The table below is the policy written out by hand (apps/sharing/policy.py states
the rules); a reviewer should be able to read a row and agree with it. Each cell
lists the actions that persona may take on that resource:

    V view   E edit   D delete   S submit (at the row's scope)   P publish (at the row's scope)
    J reject   W withdraw   U reuse (into the persona's own school)
    R recommend to the city (向上推荐: a district's curator, a town's resource published to
      the district; tests/sharing/test_recommend.py has the recommendation's own table)
    ·  nothing

Every cell is exercised through the REST API of each of the four libraries (the
same table holds for all: they share one engine). A permitted action must
succeed and have its effect; a refused one must answer 404 when the persona
cannot see the resource (401 when anonymous), 403 or 409 otherwise, and change
nothing. Each action runs in a savepoint that is rolled back, so all start from
the same resource.
"""

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from apps.sharing.choices import Status
from apps.sharing.models import ReuseRecord
from tests.conftest import ORG, PERSONAS
from tests.factories import LIBRARY_FACTORIES

# fmt: off
COLUMNS = [
    "muni_admin", "muni_curator", "muni_teacher", "dA_curator", "dA_teacher",
    "tA_admin", "tA_curator", "tA_teacher", "tA_viewer", "tA2_teacher",
    "dB_curator", "tB_teacher", "dept", "anonymous",
]
# fmt: on

# resource (owner status scope)  muniA  muniC  muniT  dA_C   dA_T   tA_A   tA_C   tA_T   tA_V  tA2_T  dB_C   tB_T   dept   anon
TABLE = """
TA draft      private           ·      ·      ·      ·      ·      VEDSP  VEDSP  VEDS   V      ·      ·      ·      ·      ·
TA draft      district          ·      ·      ·      ·      ·      VEDS   VEDS   VEDS   V      ·      ·      ·      ·      ·
TA pending    district          ·      ·      ·      VPJW   ·      VW     VW     V      V      ·      ·      ·      ·      ·
TA pending    network           VPJW   VPJW   ·      ·      ·      VW     VW     V      V      ·      ·      ·      ·      ·
TA published  private           ·      ·      ·      ·      ·      VEPWU  VEPWU  VU     V      ·      ·      ·      ·      ·
TA published  district          VU     VU     ·      VEPWUR VU     VWU    VWU    VU     V      VU     ·      ·      ·      ·
TA published  network           VEPWU  VEPWU  VU     VU     VU     VWU    VWU    VU     V      VU     VU     VU     V      ·
TA rejected   district          ·      ·      ·      ·      ·      VES    VES    VES    V      ·      ·      ·      ·      ·
TA withdrawn  district          ·      ·      ·      ·      ·      VE     VE     VE     V      ·      ·      ·      ·      ·
DA draft      network           ·      ·      ·      VEDS   VEDS   ·      ·      ·      ·      ·      ·      ·      ·      ·
DA pending    network           VPJW   VPJW   ·      VW     V      ·      ·      ·      ·      ·      ·      ·      ·      ·
DA published  district          VU     VU     ·      VEPWU  VU     VU     VU     VU     V      VU     ·      ·      ·      ·
DA published  private           ·      ·      ·      VEPWU  VU     ·      ·      ·      ·      ·      ·      ·      ·      ·
M  draft      network           VEDSP  VEDSP  VEDS   ·      ·      ·      ·      ·      ·      ·      ·      ·      ·      ·
M  pending    network           VPJW   VPJW   V      ·      ·      ·      ·      ·      ·      ·      ·      ·      ·      ·
M  published  network           VEPWU  VEPWU  VU     VU     VU     VU     VU     VU     V      VU     VU     VU     V      ·
M  published  private           VEPWU  VEPWU  VU     ·      ·      ·      ·      ·      ·      ·      ·      ·      ·      ·
DEP pending   network           VPJW   VPJW   ·      ·      ·      ·      ·      ·      ·      ·      ·      ·      VEW    ·
DEP published network           VEPWU  VEPWU  VU     VU     VU     VU     VU     VU     V      VU     VU     VU     VW     ·
DEP withdrawn network           ·      ·      ·      ·      ·      ·      ·      ·      ·      ·      ·      ·      VE     ·
DEP draft     network           ·      ·      ·      ·      ·      ·      ·      ·      ·      ·      ·      ·      VEDS   ·
"""

AUTHORS = {"TA": "tA_teacher", "DA": "dA_teacher", "M": "muni_teacher", "DEP": "dept"}
ACTIONS = "VEDSPJWUR"
ANONYMOUS_ACTIONS = "VES"  # a few suffice: every request without credentials must be 401


def parse_table():
    rows = []
    for line in TABLE.strip().splitlines():
        owner, status, scope, *cells = line.split()
        assert len(cells) == len(COLUMNS), line
        rows.append(((owner, status, scope), dict(zip(COLUMNS, cells, strict=True))))
    return rows


ROWS = parse_table()
CASES = [
    pytest.param(library, row, persona, allowed, id=f"{library}|{'-'.join(row)}|{persona}")
    for library in LIBRARY_FACTORIES
    for row, cells in ROWS
    for persona, allowed in cells.items()
]


def make_resource(library, row, persona):
    owner, status, scope = row
    return LIBRARY_FACTORIES[library](
        owner_code=ORG[owner], author=persona(AUTHORS[owner]), status=status, scope=scope
    )


def snapshot(model, pk):
    obj = model.objects.filter(pk=pk).first()
    state = model_to_dict(obj) if obj else None
    return state, model.objects.count(), ReuseRecord.objects.count()


def perform(client, library, action, obj, scope, persona_name):
    url = f"/api/v1/{library}/{obj.pk}/"
    match action:
        case "V":
            return client.get(url)
        case "E":
            return client.patch(url, {"title": "改过的标题"}, format="json")
        case "D":
            return client.delete(url)
        case "S":
            return client.post(url + "submit/", {"scope": scope}, format="json")
        case "P":
            return client.post(url + "publish/", {"scope": scope}, format="json")
        case "J":
            return client.post(url + "reject/", {"reason": "请补充案例数据"}, format="json")
        case "W":
            return client.post(url + "withdraw/", format="json")
        case "U":
            return client.post(url + "reuse/", {"owner": PERSONAS[persona_name][0]}, format="json")
        case "R":
            return client.post(
                url + "recommend/", {"note": "区内广泛复用，建议全市共享"}, format="json"
            )
    raise AssertionError(action)


def assert_effect(action, obj, scope, response, persona_name):
    model = type(obj)
    if action == "D":
        assert response.status_code == 204
        assert not model.objects.filter(pk=obj.pk).exists()
        return
    if action == "U":
        assert response.status_code == 201, response.content
        copy = model.objects.get(pk=response.json()["id"])
        assert copy.owner.code == PERSONAS[persona_name][0]
        assert (copy.status, copy.source_id, copy.source_version, copy.title) == (
            Status.DRAFT,
            obj.pk,
            obj.version,
            obj.title,
        )
        assert model.objects.get(pk=obj.pk).reuse_count == obj.reuse_count + 1
        return
    assert response.status_code == 200, response.content
    after = model.objects.get(pk=obj.pk)
    if action == "V":
        assert response.json()["id"] == obj.pk
        assert after.version == obj.version
        return
    assert after.version == obj.version + 1
    if action == "R":
        assert (after.status, after.scope) == (obj.status, obj.scope)
        assert after.recommended_by.code == PERSONAS[persona_name][0]
        assert after.recommendation_note == "区内广泛复用，建议全市共享"
        return
    expected = {
        "E": obj.status
        if obj.status in (Status.PUBLISHED, Status.DRAFT, Status.PENDING)
        else Status.DRAFT,
        "S": Status.PENDING,
        "P": Status.PUBLISHED,
        "J": Status.REJECTED,
        "W": Status.WITHDRAWN,
    }[action]
    assert after.status == expected
    if action in "SP":
        assert after.scope == scope
    if action == "E":
        assert after.title == "改过的标题"


@pytest.mark.django_db
@pytest.mark.parametrize(("library", "row", "persona_name", "allowed"), CASES)
def test_permission_matrix(library, row, persona_name, allowed, persona, api):
    obj = make_resource(library, row, persona)
    model = type(obj)
    anonymous = persona_name == "anonymous"
    client = api(None if anonymous else persona_name)
    permitted = allowed.replace("·", "")

    for action in ANONYMOUS_ACTIONS if anonymous else ACTIONS:
        with transaction.atomic():
            before = snapshot(model, obj.pk)
            response = perform(client, library, action, obj, row[2], persona_name)
            if action in permitted:
                assert_effect(action, obj, row[2], response, persona_name)
            else:
                if anonymous:
                    expected = {401}
                elif "V" not in permitted:
                    expected = {404}
                else:
                    expected = {403, 409}
                assert response.status_code in expected, (action, response.status_code)
                assert response["Content-Type"].startswith("application/problem+json")
                assert snapshot(model, obj.pk) == before, action
            transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("library", list(LIBRARY_FACTORIES))
@pytest.mark.parametrize(
    ("persona_name", "owner", "allowed"),
    [
        ("muni_admin", "M", True),
        ("muni_curator", "M", True),
        ("muni_teacher", "M", True),
        ("tA_teacher", "TA", True),
        ("tA_viewer", "TA", False),
        ("dept", "DEP", True),
        ("tA_curator", "DA", False),  # a town may not create for its district
        ("dA_curator", "TA", False),  # nor a district for its towns
        ("muni_admin", "TA", False),
    ],
)
def test_create_matrix(library, persona_name, owner, allowed, api):
    model = LIBRARY_FACTORIES[library]._meta.model
    count = model.objects.count()
    response = api(persona_name).post(
        f"/api/v1/{library}/", {"owner": ORG[owner], "title": "新资源"}, format="json"
    )
    if allowed and library in ("cases", "sites") and owner == "DEP":
        # A department's case or site is submitted at once, so a bare title is not enough
        # (tests/cases/test_submission_entry_points.py and
        # tests/teaching_sites/test_department_sites.py cover the complete ones).
        missing = {
            "cases": {"background", "year", "domains"},
            "sites": {"host_organization", "address", "teaching_points", "category", "district"},
        }[library]
        assert response.status_code == 400
        assert missing <= set(response.json()["errors"])
        assert model.objects.count() == count
        return
    if allowed:
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["owner"], body["author"], body["status"], body["version"]) == (
            ORG[owner],
            persona_name,
            "draft",
            1,
        )
        assert model.objects.count() == count + 1
    else:
        assert response.status_code == 403
        assert model.objects.count() == count


def test_table_covers_every_status_scope_and_tier():
    statuses = {row[1] for row, _ in ROWS}
    scopes = {row[2] for row, _ in ROWS}
    owners = {row[0] for row, _ in ROWS}
    assert statuses == {s.value for s in Status}
    assert scopes == {"private", "district", "network"}
    assert owners == {"M", "DA", "TA", "DEP"}
    roles = {PERSONAS[p][1] for p in COLUMNS if p != "anonymous"}
    assert roles == {"admin", "curator", "teacher", "viewer", "submitter"}


# A site's lifecycle (``manage``: policy.check_manage, through POST /sites/{id}/lifecycle/):
# L moves it; V sees it but is refused (403); · cannot see it (404; anonymous 401). A
# department's site is assessed and admitted by the municipal curators while it is pending,
# never by the department; a school's by its own curators or the audience's.
# fmt: off
# site (owner status scope lifecycle)       muniA  muniC  muniT  dA_C   dA_T   tA_A   tA_C   tA_T   tA_V  tA2_T  dB_C   tB_T   dept   anon
MANAGE_TABLE = """
TA  draft      private  candidate           ·      ·      ·      ·      ·      L      L      V      V      ·      ·      ·      ·      ·
TA  pending    network  admitted            L      L      ·      ·      ·      L      L      V      V      ·      ·      ·      ·      ·
DEP pending    network  candidate           L      L      ·      ·      ·      ·      ·      ·      ·      ·      ·      ·      V      ·
DEP pending    network  assessing           L      L      ·      ·      ·      ·      ·      ·      ·      ·      ·      ·      V      ·
DEP published  network  admitted            L      L      V      V      V      V      V      V      V      V      V      V      V      ·
"""
# fmt: on
NEXT_STATE = {"candidate": "assessing", "assessing": "admitted", "admitted": "suspended"}
MANAGE_CASES = [
    pytest.param(row, persona, cell, id=f"{'-'.join(row)}|{persona}")
    for line in MANAGE_TABLE.strip().splitlines()
    for row, cells in [(tuple(line.split()[:4]), line.split()[4:])]
    for persona, cell in zip(COLUMNS, cells, strict=True)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona_name", "cell"), MANAGE_CASES)
def test_site_lifecycle_matrix(row, persona_name, cell, persona, api):
    from apps.teaching_sites.models import LifecycleEvent

    owner, status, scope, lifecycle = row
    site = LIBRARY_FACTORIES["sites"](
        owner_code=ORG[owner],
        author=persona(AUTHORS[owner]),
        status=status,
        scope=scope,
        lifecycle=lifecycle,
    )
    model = type(site)
    before = snapshot(model, site.pk), LifecycleEvent.objects.count()
    client = api(None if persona_name == "anonymous" else persona_name)

    response = client.post(
        f"/api/v1/sites/{site.pk}/lifecycle/",
        {"to": NEXT_STATE[lifecycle], "reason": "考察结论"},
        format="json",
    )

    if cell == "L":
        assert response.status_code == 200, response.content
        after = model.objects.get(pk=site.pk)
        assert (after.lifecycle, after.status, after.version) == (
            NEXT_STATE[lifecycle],
            status,
            site.version + 1,
        )
        return
    expected = 401 if persona_name == "anonymous" else {"V": 403, "·": 404}[cell]
    assert response.status_code == expected, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert (snapshot(model, site.pk), LifecycleEvent.objects.count()) == before


# 复核, the re-review of a review-by date (``rereview``: policy.check_rereview, through
# POST /{library}/{id}/rereview/; cases and courses only, tests/sharing/test_review_by.py has
# the rest): C confirms it (a new date, recorded); V sees it but is refused (403 for the role,
# 409 when it is not published); · cannot see it (404; anonymous 401). Curators of the owner or
# of the audience, as for ``manage``.
# fmt: off
# resource (owner status scope)     muniA  muniC  muniT  dA_C   dA_T   tA_A   tA_C   tA_T   tA_V  tA2_T  dB_C   tB_T   dept   anon
REREVIEW_TABLE = """
TA  published  district             V      V      ·      C      V      C      C      V      V      V      ·      ·      ·      ·
TA  published  network              C      C      V      V      V      C      C      V      V      V      V      V      V      ·
TA  pending    network              V      V      ·      ·      ·      V      V      V      V      ·      ·      ·      ·      ·
TA  draft      private              ·      ·      ·      ·      ·      V      V      V      V      ·      ·      ·      ·      ·
DA  published  district             V      V      ·      C      V      V      V      V      V      V      ·      ·      ·      ·
M   published  network              C      C      V      V      V      V      V      V      V      V      V      V      V      ·
DEP published  network              C      C      V      V      V      V      V      V      V      V      V      V      V      ·
"""
# fmt: on
REREVIEW_CASES = [
    pytest.param(library, row, persona, cell, id=f"{library}|{'-'.join(row)}|{persona}")
    for library in ("cases", "courses")
    for line in REREVIEW_TABLE.strip().splitlines()
    for row, cells in [(tuple(line.split()[:3]), line.split()[3:])]
    for persona, cell in zip(COLUMNS, cells, strict=True)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("library", "row", "persona_name", "cell"), REREVIEW_CASES)
def test_rereview_matrix(library, row, persona_name, cell, persona, api):
    import datetime

    from django.utils import timezone

    from apps.sharing.models import ReviewRecord

    owner, status, scope = row
    late = timezone.localdate() - datetime.timedelta(days=3)
    obj = LIBRARY_FACTORIES[library](
        owner_code=ORG[owner],
        author=persona(AUTHORS[owner]),
        status=status,
        scope=scope,
        review_by=late,
    )
    model = type(obj)
    before = snapshot(model, obj.pk), ReviewRecord.objects.count()
    client = api(None if persona_name == "anonymous" else persona_name)

    response = client.post(
        f"/api/v1/{library}/{obj.pk}/rereview/", {"outcome": "confirm"}, format="json"
    )

    if cell == "C":
        assert response.status_code == 200, response.content
        after = model.objects.get(pk=obj.pk)
        assert (after.status, after.version) == (status, obj.version + 1)
        assert after.review_by > timezone.localdate()
        assert ReviewRecord.objects.filter(object_id=obj.pk, outcome="confirm").count() == 1
        return
    anonymous = persona_name == "anonymous"
    expected = {401} if anonymous else {"V": {403, 409}, "·": {404}}[cell]
    assert response.status_code in expected, response.content
    curators = ("tA_admin", "tA_curator", "muni_admin", "muni_curator")
    if cell == "V" and status != "published" and persona_name in curators:
        assert response.status_code == 409  # the role allows it; the status does not
    assert response["Content-Type"].startswith("application/problem+json")
    assert (snapshot(model, obj.pk), ReviewRecord.objects.count()) == before
