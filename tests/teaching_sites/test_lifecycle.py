"""A teaching site's lifecycle (成熟一个纳入一个, 动态管理) through ``/api/v1/sites/``.

``GET /sites/{id}/lifecycle/`` is the history; ``POST`` with ``{"to", "reason",
"effective_on"}`` moves the site, records a ``LifecycleEvent`` and raises the
version. Only the moves in ``LIFECYCLE_MOVES`` exist (409 otherwise); only
curators of the owner or of the audience may move a site (403 for others who can
see it, 404 for those who cannot). Only admitted sites travel beyond their owner
or are reused (409); a suspended published site stays visible with its history.
"""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from apps.organizations.models import Organization
from apps.sharing.models import ReuseRecord
from apps.teaching_sites.models import LIFECYCLE_MOVES, Lifecycle, LifecycleEvent, TeachingSite
from tests.conftest import ORG
from tests.factories import TeachingSiteFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

SITES = "/api/v1/sites/"
TB = "440605011"
STATES = ["candidate", "assessing", "admitted", "suspended", "retired"]

# The lifecycle written out by hand: from → the states it may move to.
MOVES = {
    "candidate": {"assessing", "retired"},
    "assessing": {"admitted", "candidate", "retired"},
    "admitted": {"suspended", "retired"},
    "suspended": {"admitted", "retired"},
    "retired": set(),
}
ALLOWED = [(a, b) for a in STATES for b in STATES if b in MOVES[a]]
DISALLOWED = [(a, b) for a in STATES for b in STATES if b not in MOVES[a]]
NOT_ADMITTED = [s for s in STATES if s != "admitted"]
AUTHORS = {ORG["TA"]: "tA_teacher", ORG["DA"]: "dA_teacher", ORG["M"]: "muni_teacher"}


def url(obj_or_id, action=None):
    pk = getattr(obj_or_id, "pk", obj_or_id)
    return f"{SITES}{pk}/" + (f"{action}/" if action else "")


def make(persona, owner="TA", **kwargs):
    code = ORG.get(owner, owner)
    kwargs.setdefault("author", persona(AUTHORS[code]))
    return TeachingSiteFactory(owner_code=code, **kwargs)


def snapshot(pk):
    site = TeachingSite.objects.filter(pk=pk).first()
    return (
        model_to_dict(site) if site else None,
        sorted(site.domains.values_list("code", flat=True)) if site else None,
        TeachingSite.objects.count(),
        LifecycleEvent.objects.count(),
        ReuseRecord.objects.count(),
    )


def move(client, site, to, reason="评估结论", **extra):
    return client.post(url(site, "lifecycle"), {"to": to, "reason": reason, **extra}, format="json")


def test_the_hand_written_moves_are_the_ones_the_code_allows():
    assert {str(k): {str(v) for v in vs} for k, vs in LIFECYCLE_MOVES.items()} == MOVES
    assert sorted(Lifecycle.values) == sorted(STATES)


# ---- moves ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "to"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_every_allowed_move_succeeds_and_is_recorded(start, to, persona, api):
    site = make(persona, lifecycle=start, version=3)
    before = model_to_dict(site)
    client = api("tA_curator")

    response = move(client, site, to, reason="  经评估委员会研究决定  ", effective_on="2025-03-01")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["lifecycle"], body["version"]) == (site.pk, to, 4)
    assert response["ETag"] == '"4"'
    stored = TeachingSite.objects.get(pk=site.pk)
    assert (stored.lifecycle, stored.version) == (to, 4)
    after = model_to_dict(stored)
    assert {k for k in after if after[k] != before[k]} == {"lifecycle", "version"}
    [event] = LifecycleEvent.objects.filter(site=site)
    assert (event.from_state, event.to_state, event.reason) == (start, to, "经评估委员会研究决定")
    assert (event.effective_on, event.user) == (datetime.date(2025, 3, 1), persona("tA_curator"))
    history = client.get(url(site, "lifecycle"))
    assert history.status_code == 200, history.content
    [entry] = history.json()
    assert {k: entry[k] for k in ("from_state", "to_state", "reason", "effective_on", "user")} == {
        "from_state": start,
        "to_state": to,
        "reason": "经评估委员会研究决定",
        "effective_on": "2025-03-01",
        "user": "tA_curator",
    }


@pytest.mark.parametrize(("start", "to"), DISALLOWED, ids=[f"{a}->{b}" for a, b in DISALLOWED])
def test_every_other_move_is_409_and_changes_nothing(start, to, persona, api):
    site = make(persona, lifecycle=start, version=3)
    before = snapshot(site.pk)

    response = move(api("tA_curator"), site, to, effective_on="2025-03-01")

    assert_problem(response, 409)
    assert snapshot(site.pk) == before
    assert not LifecycleEvent.objects.filter(site=site).exists()


def test_effective_on_defaults_to_today(persona, api):
    site = make(persona, lifecycle="candidate")

    response = move(api("tA_curator"), site, "assessing")

    assert response.status_code == 200, response.content
    assert LifecycleEvent.objects.get(site=site).effective_on == timezone.localdate()


def test_a_whole_life_is_kept_in_order_newest_first(persona, api):
    site = make(persona, lifecycle="candidate")
    client = api("tA_curator")
    path = ["assessing", "admitted", "suspended", "admitted", "retired"]

    for to in path:
        assert move(client, site, to, reason=f"到{to}").status_code == 200

    history = client.get(url(site, "lifecycle")).json()
    assert [(e["from_state"], e["to_state"]) for e in history] == list(
        reversed(list(zip(["candidate", *path[:-1]], path, strict=True)))
    )
    assert TeachingSite.objects.get(pk=site.pk).version == site.version + len(path)


@pytest.mark.parametrize(
    "payload",
    [{"to": "assessing"}, {"to": "assessing", "reason": ""}, {"to": "assessing", "reason": "  "}],
    ids=["missing", "empty", "blank"],
)
def test_a_move_without_a_reason_is_400_naming_reason(payload, persona, api):
    site = make(persona, lifecycle="candidate", version=2)
    before = snapshot(site.pk)

    response = api("tA_curator").post(url(site, "lifecycle"), payload, format="json")

    assert_problem(response, 400, {"reason"})
    assert snapshot(site.pk) == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"to": "approved", "reason": "x"}, "to"),
        ({"reason": "x"}, "to"),
        ({"to": "assessing", "reason": "x", "effective_on": "明天"}, "effective_on"),
    ],
    ids=["unknown-state", "no-state", "bad-date"],
)
def test_a_malformed_move_is_400_naming_the_field(payload, field, persona, api):
    site = make(persona, lifecycle="candidate")
    before = snapshot(site.pk)

    response = api("tA_curator").post(url(site, "lifecycle"), payload, format="json")

    assert_problem(response, 400, {field})
    assert snapshot(site.pk) == before


def test_a_stale_if_match_is_412_and_changes_nothing(persona, api):
    site = make(persona, lifecycle="candidate", version=5)
    before = snapshot(site.pk)

    response = api("tA_curator").post(
        url(site, "lifecycle"),
        {"to": "assessing", "reason": "评估"},
        format="json",
        HTTP_IF_MATCH='"4"',
    )

    assert_problem(response, 412)
    assert snapshot(site.pk) == before


def test_editing_a_site_cannot_change_its_lifecycle(persona, api):
    site = make(persona, lifecycle="candidate")

    response = api("tA_curator").patch(
        url(site), {"lifecycle": "admitted", "title": "新名称"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["lifecycle"] == "candidate"
    stored = TeachingSite.objects.get(pk=site.pk)
    assert (stored.lifecycle, stored.title) == ("candidate", "新名称")
    assert not LifecycleEvent.objects.filter(site=site).exists()


# ---- only admitted sites travel ------------------------------------------------------------


@pytest.mark.parametrize("lifecycle", NOT_ADMITTED)
@pytest.mark.parametrize("scope", ["district", "network"])
def test_a_site_not_admitted_cannot_be_submitted_beyond_its_owner(lifecycle, scope, persona, api):
    site = make(persona, lifecycle=lifecycle)
    before = snapshot(site.pk)

    response = api("tA_curator").post(url(site, "submit"), {"scope": scope}, format="json")

    assert_problem(response, 409)
    assert snapshot(site.pk) == before


@pytest.mark.parametrize("lifecycle", NOT_ADMITTED)
@pytest.mark.parametrize(
    ("owner", "curator", "scope"),
    [("M", "muni_curator", "network"), ("DA", "dA_curator", "district")],
    ids=["municipal-network", "district-district"],
)
def test_a_site_not_admitted_cannot_be_published_beyond_its_owner(
    lifecycle, owner, curator, scope, persona, api
):
    site = make(persona, owner=owner, lifecycle=lifecycle)
    before = snapshot(site.pk)

    response = api(curator).post(url(site, "publish"), {"scope": scope}, format="json")

    assert_problem(response, 409)
    assert snapshot(site.pk) == before


def test_a_pending_site_that_left_admitted_cannot_be_published(persona, api):
    site = make(persona, status="pending", scope="network", lifecycle="assessing")
    before = snapshot(site.pk)

    response = api("muni_curator").post(url(site, "publish"), {"scope": "network"}, format="json")

    assert_problem(response, 409)
    assert snapshot(site.pk) == before


def test_the_same_admitted_site_can_be_submitted_and_published(persona, api):
    site = make(persona, lifecycle="admitted")

    submitted = api("tA_curator").post(url(site, "submit"), {"scope": "network"}, format="json")
    published = api("muni_curator").post(url(site, "publish"), {"scope": "network"}, format="json")

    assert submitted.status_code == 200, submitted.content
    assert published.status_code == 200, published.content
    assert (published.json()["status"], published.json()["audience"]) == ("published", ORG["M"])


@pytest.mark.parametrize("lifecycle", NOT_ADMITTED)
def test_the_owner_curator_may_publish_a_site_not_admitted_privately(lifecycle, persona, api):
    site = make(persona, lifecycle=lifecycle, version=2)

    response = api("tA_curator").post(url(site, "publish"), {"scope": "private"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["scope"], body["audience"]) == ("published", "private", ORG["TA"])
    assert (body["lifecycle"], body["version"]) == (lifecycle, 3)
    stored = TeachingSite.objects.get(pk=site.pk)
    assert (stored.status, stored.scope, stored.lifecycle) == ("published", "private", lifecycle)


# ---- a suspended published site ------------------------------------------------------------


def test_a_suspended_site_stays_visible_with_its_history_but_cannot_be_reused(persona, api):
    site = make(persona, status="published", scope="network", lifecycle="admitted")
    reader = api("tB_teacher")

    suspended = move(api("tA_curator"), site, "suspended", reason="整改期间暂停")
    assert suspended.status_code == 200, suspended.content

    detail = reader.get(url(site))
    assert detail.status_code == 200, detail.content
    assert (detail.json()["status"], detail.json()["lifecycle"]) == ("published", "suspended")
    listed = reader.get(SITES, {"page_size": 100}).json()["results"]
    assert [i["lifecycle"] for i in listed if i["id"] == site.pk] == ["suspended"]
    history = reader.get(url(site, "lifecycle"))
    assert history.status_code == 200, history.content
    assert [(e["from_state"], e["to_state"], e["reason"], e["user"]) for e in history.json()] == [
        ("admitted", "suspended", "整改期间暂停", "tA_curator")
    ]

    before = snapshot(site.pk)
    refused = reader.post(url(site, "reuse"), {"owner": TB}, format="json")
    assert_problem(refused, 409)
    assert snapshot(site.pk) == before
    assert not TeachingSite.objects.filter(source=site).exists()

    readmitted = move(api("muni_curator"), site, "admitted", reason="整改完成")
    assert readmitted.status_code == 200, readmitted.content
    reused = reader.post(url(site, "reuse"), {"owner": TB}, format="json")
    assert reused.status_code == 201, reused.content
    copy = TeachingSite.objects.get(source=site)
    assert (copy.pk, copy.owner.code, copy.status) == (reused.json()["id"], TB, "draft")
    assert TeachingSite.objects.get(pk=site.pk).reuse_count == 1
    assert ReuseRecord.objects.filter(source_id=site.pk, copy_id=copy.pk).count() == 1


@pytest.mark.parametrize("lifecycle", ["suspended", "retired"])
def test_a_published_site_out_of_admission_cannot_be_widened(lifecycle, persona, api):
    site = make(persona, status="published", scope="district", lifecycle=lifecycle)
    before = snapshot(site.pk)

    response = api("muni_curator").post(url(site, "publish"), {"scope": "network"}, format="json")

    assert_problem(response, 409)
    assert snapshot(site.pk) == before


# ---- who may move a site -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "scope", "expected"),
    [
        ("tA_curator", "network", 200),
        ("tA_admin", "network", 200),
        ("muni_curator", "network", 200),
        ("muni_admin", "network", 200),
        ("dA_curator", "district", 200),
        ("tA_curator", "private", 200),
        ("dA_curator", "network", 403),
        ("muni_curator", "district", 403),
        ("tA_teacher", "network", 403),
        ("tA_teacher", "private", 403),
        ("tA_viewer", "network", 403),
        ("tB_teacher", "network", 403),
        ("muni_teacher", "network", 403),
        ("dept", "network", 403),
        ("tB_teacher", "private", 404),
        ("muni_curator", "private", 404),
        ("dA_curator", "private", 404),
        ("dB_curator", "district", 404),
    ],
    ids=lambda v: str(v),
)
def test_owner_and_audience_curators_move_sites_others_may_not(
    actor, scope, expected, persona, api
):
    site = make(persona, status="published", scope=scope, lifecycle="admitted")
    before = snapshot(site.pk)

    response = move(api(actor), site, "suspended", reason="暂停")

    if expected == 200:
        assert response.status_code == 200, response.content
        stored = TeachingSite.objects.get(pk=site.pk)
        assert (stored.lifecycle, stored.version) == ("suspended", site.version + 1)
        assert LifecycleEvent.objects.get(site=site).user == persona(actor)
    else:
        assert_problem(response, expected)
        assert snapshot(site.pk) == before


@pytest.mark.parametrize("reader", ["tB_teacher", "muni_curator", "dA_curator"])
def test_the_history_of_a_site_out_of_sight_is_404(reader, persona, api):
    site = make(persona, lifecycle="candidate")
    assert move(api("tA_curator"), site, "assessing").status_code == 200

    response = api(reader).get(url(site, "lifecycle"))

    assert_problem(response, 404)


def test_anonymous_requests_are_401_and_change_nothing(persona, api):
    site = make(persona, lifecycle="candidate")
    before = snapshot(site.pk)

    assert api().get(url(site, "lifecycle")).status_code == 401
    assert move(api(), site, "assessing").status_code == 401
    assert snapshot(site.pk) == before


# ---- the town must lie in the district -----------------------------------------------------


def test_creating_a_site_whose_town_is_outside_its_district_is_400_naming_town(api):
    count = TeachingSite.objects.count()

    response = api("tA_curator").post(
        SITES,
        {"owner": ORG["TA"], "title": "桂城某园区", "district": ORG["DA"], "town": TB},
        format="json",
    )

    assert_problem(response, 400, {"town"})
    assert TeachingSite.objects.count() == count


def test_creating_a_site_with_a_town_and_no_district_is_400_naming_town(api):
    count = TeachingSite.objects.count()

    response = api("tA_curator").post(
        SITES, {"owner": ORG["TA"], "title": "某园区", "town": ORG["TA"]}, format="json"
    )

    assert_problem(response, 400, {"town"})
    assert TeachingSite.objects.count() == count


@pytest.mark.parametrize(
    ("start", "payload"),
    [
        ({}, {"town": TB}),
        ({"town_code": ORG["TA"]}, {"district": "440605"}),
        ({"town_code": ORG["TA"]}, {"district": None}),
        ({}, {"district": "440605", "town": ORG["TA"]}),
    ],
    ids=["town-elsewhere", "district-moves-away", "district-cleared", "both-mismatched"],
)
def test_editing_a_site_so_its_town_leaves_its_district_is_400_naming_town(
    start, payload, persona, api
):
    town = start.get("town_code")
    site = make(persona, town=None if town is None else Organization.objects.get(code=town))
    before = snapshot(site.pk)

    response = api("tA_curator").patch(url(site), payload, format="json")

    assert_problem(response, 400, {"town"})
    assert snapshot(site.pk) == before


def test_a_town_inside_the_district_is_accepted(persona, api):
    site = make(persona)

    response = api("tA_curator").patch(url(site), {"town": "440604011"}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["district"], response.json()["town"]) == (ORG["DA"], "440604011")
    assert TeachingSite.objects.get(pk=site.pk).town.code == "440604011"
