"""``/api/v1/webhooks/``: who may register, what addresses are refused, the secret once, the
log, and what each read costs."""

from __future__ import annotations

import pytest

from apps.accounts.models import ApiToken
from apps.notifications.models import Kind
from apps.organizations.models import Organization
from apps.webhooks.models import Attempt, Delivery, Webhook
from tests.conftest import ORG
from tests.helpers import assert_problem, token_client

from .conftest import OTHER_DEPT

pytestmark = pytest.mark.django_db

PUBLIC = "https://hooks.fgj.example.cn/platform"


@pytest.fixture
def public_dns(dns):
    dns["hooks.fgj.example.cn"] = ["8.8.8.8", "2606:4700::1111"]
    dns["hooks.kjj.example.cn"] = ["1.1.1.1"]
    return dns


def make(user, url=PUBLIC, events=("published",), **extra) -> Webhook:
    return Webhook.objects.create(
        organization=Organization.objects.get(code=extra.pop("org", ORG["DEP"])),
        created_by=user,
        url=url,
        events=list(events),
        secret="s3cret",
        **extra,
    )


def test_the_secret_is_shown_once(api, public_dns):
    client = api("dept")
    created = client.post(
        "/api/v1/webhooks/", {"url": PUBLIC, "events": ["published", "rejected"]}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    webhook = Webhook.objects.get(pk=body["id"])
    assert len(body["secret"]) >= 40 and body["secret"] == webhook.secret
    assert (body["url"], body["events"], body["organization"], body["active"]) == (
        PUBLIC,
        ["published", "rejected"],
        ORG["DEP"],
        True,
    )
    listed = client.get("/api/v1/webhooks/").json()
    assert [w["id"] for w in listed] == [webhook.pk]
    assert "secret" not in listed[0]
    assert "secret" not in client.get(f"/api/v1/webhooks/{webhook.pk}/").json()
    again = client.post(
        "/api/v1/webhooks/", {"url": PUBLIC, "events": ["published"]}, format="json"
    )
    assert again.json()["secret"] != body["secret"], "each webhook has its own secret"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://172.16.0.1/hook",
        "http://192.168.1.20/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/hook",
        "http://224.0.0.1/hook",
        "http://0.0.0.0/hook",
        "http://240.0.0.1/hook",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[64:ff9b::7f00:1]/hook",  # NAT64 of 127.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/hook",  # NAT64 of 169.254.169.254
        "http://[2002:a00:1::1]/hook",  # 6to4 of 10.0.0.1
        "http://[::7f00:1]/hook",  # IPv4-compatible 127.0.0.1
        "http://[fec0::1]/hook",  # site-local
        "http://internal.example.cn/hook",  # resolves to a private address
        "http://mixed.example.cn/hook",  # one public, one private: every address counts
    ],
)
def test_private_and_loopback_receivers_are_refused_and_nothing_is_saved(api, dns, url):
    dns["localhost"] = ["127.0.0.1", "::1"]
    dns["internal.example.cn"] = ["10.20.30.40"]
    dns["mixed.example.cn"] = ["8.8.8.8", "192.168.0.7"]
    response = api("dept").post("/api/v1/webhooks/", {"url": url, "events": ["published"]})
    body = assert_problem(response, 400, fields=["url"])
    assert "private" in body["errors"]["url"][0] or "内网" in body["errors"]["url"][0]
    assert not Webhook.objects.exists()


def test_a_name_that_does_not_resolve_answers_like_a_private_one(api, dns):
    """Two answers would let a submitter probe which internal names exist."""
    dns["intranet.example.cn"] = ["10.20.30.40"]
    answers = [
        api("dept")
        .post("/api/v1/webhooks/", {"url": url, "events": ["published"]})
        .json()["errors"]["url"]
        for url in ("http://intranet.example.cn/hook", "http://nowhere.example.cn/hook")
    ]
    assert answers[0] == answers[1]
    assert not Webhook.objects.exists()


def test_private_receivers_are_allowed_where_the_setting_says_so(api, dns, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    response = api("dept").post(
        "/api/v1/webhooks/", {"url": "http://127.0.0.1:8000/hook", "events": ["published"]}
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"url": "ftp://hooks.fgj.example.cn/x", "events": ["published"]}, ["url"]),
        ({"url": "file:///etc/passwd", "events": ["published"]}, ["url"]),
        ({"url": "https://user:pw@hooks.fgj.example.cn/", "events": ["published"]}, ["url"]),
        ({"url": "https://nowhere.example.cn/", "events": ["published"]}, ["url"]),
        ({"url": "not an address", "events": ["published"]}, ["url"]),
        ({"url": PUBLIC, "events": []}, ["events"]),
        ({"url": PUBLIC, "events": ["published"] * (len(Kind.choices) + 1)}, ["events"]),
        ({"url": PUBLIC, "events": "published"}, ["events"]),
        ({"url": ["http://8.8.8.8/"], "events": ["published"]}, ["url"]),
        ({"url": PUBLIC, "events": ["published", "exploded"]}, ["events.1"]),
        ({"url": PUBLIC}, ["events"]),
        ({"events": ["published"]}, ["url"]),
        ({"url": "http://10.0.0.1/", "events": ["nope"]}, ["events.0"]),
    ],
)
def test_bad_input_is_refused_naming_the_field(api, public_dns, payload, fields):
    response = api("dept").post("/api/v1/webhooks/", payload, format="json")
    assert_problem(response, 400, fields=fields)
    assert not Webhook.objects.exists()


def test_a_department_has_a_limit(api, persona, public_dns, settings):
    settings.WEBHOOK_MAX_PER_ORGANIZATION = 2
    for _ in range(2):
        make(persona("dept"))
    response = api("dept").post(
        "/api/v1/webhooks/", {"url": PUBLIC, "events": ["published"]}, format="json"
    )
    assert_problem(response, 400, fields=["non_field_errors"])
    assert Webhook.objects.count() == 2


@pytest.mark.parametrize("who", ["muni_admin", "muni_curator", "dA_curator", "tA_teacher"])
def test_schools_may_not_register_webhooks(api, public_dns, who):
    response = api(who).post(
        "/api/v1/webhooks/", {"url": PUBLIC, "events": ["published"]}, format="json"
    )
    assert_problem(response, 403)
    bad = api(who).post("/api/v1/webhooks/", {"url": 7, "events": "x"}, format="json")
    assert_problem(bad, 403)  # the role is refused before the input, as everywhere
    assert not Webhook.objects.exists()
    assert api(who).get("/api/v1/webhooks/").json() == []


def test_another_organisations_webhook_is_not_found(api, persona, other_dept, public_dns):
    theirs = make(other_dept, url="https://hooks.kjj.example.cn/", org=OTHER_DEPT)
    Delivery.objects.create(webhook=theirs, event_key="k", kind="published", payload={})
    client = api("dept")
    assert client.get("/api/v1/webhooks/").json() == []
    for method, path in [
        ("get", f"/api/v1/webhooks/{theirs.pk}/"),
        ("get", f"/api/v1/webhooks/{theirs.pk}/deliveries/"),
        ("delete", f"/api/v1/webhooks/{theirs.pk}/"),
        ("get", "/api/v1/webhooks/9223372036854775808/"),
        ("get", "/api/v1/webhooks/99999999/deliveries/"),
    ]:
        assert_problem(getattr(client, method)(path), 404)
    assert Webhook.objects.filter(pk=theirs.pk).exists()
    assert Delivery.objects.filter(webhook=theirs).count() == 1


def test_deleting_removes_the_webhook_and_its_log(api, persona):
    webhook = make(persona("dept"))
    delivery = Delivery.objects.create(webhook=webhook, event_key="k", kind="published", payload={})
    Attempt.objects.create(delivery=delivery, number=1, at=delivery.created_at, error="x")
    client = api("dept")
    assert client.delete(f"/api/v1/webhooks/{webhook.pk}/").status_code == 204
    assert not Webhook.objects.exists() and not Delivery.objects.exists()
    assert_problem(client.get(f"/api/v1/webhooks/{webhook.pk}/"), 404)


def test_a_token_registration_is_idempotent_and_a_read_only_token_may_not(persona, public_dns):
    client, _token = token_client(persona("dept"))
    payload = {"url": PUBLIC, "events": ["published"]}
    assert_problem(client.post("/api/v1/webhooks/", payload, format="json"), 400)
    first = client.post("/api/v1/webhooks/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    replay = client.post("/api/v1/webhooks/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201 and replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert Webhook.objects.count() == 1

    reader, _ = token_client(persona("dept"), read_only=True)
    refused = reader.post("/api/v1/webhooks/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert_problem(refused, 403)
    assert_problem(reader.delete(f"/api/v1/webhooks/{first.json()['id']}/"), 403)
    assert Webhook.objects.count() == 1
    assert ApiToken.objects.filter(user=persona("dept")).count() == 2


def test_anonymous_requests_are_401(api):
    for method, path in [("get", "/api/v1/webhooks/"), ("post", "/api/v1/webhooks/")]:
        assert_problem(getattr(api(None), method)(path), 401)


def test_the_list_costs_the_same_for_one_webhook_and_many(api, persona, django_assert_num_queries):
    client = api("dept")
    make(persona("dept"))
    with django_assert_num_queries(4):  # session, user, seats, webhooks (with organisation)
        assert len(client.get("/api/v1/webhooks/").json()) == 1
    for _ in range(5):
        make(persona("dept"))
    client = api("dept")
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/webhooks/").json()) == 6


def test_the_delivery_log_costs_the_same_for_few_and_many(api, persona, django_assert_num_queries):
    webhook = make(persona("dept"))

    def deliveries(count):
        for i in range(count):
            delivery = Delivery.objects.create(
                webhook=webhook,
                event_key=f"published:cases.case:{i}:{Delivery.objects.count()}",
                kind="published",
                payload={"id": i},
            )
            for number in (1, 2):
                Attempt.objects.create(
                    delivery=delivery, number=number, at=delivery.created_at, response_status=500
                )

    deliveries(1)
    client = api("dept")
    # session, user, seats, the webhook, the page of deliveries, their attempts
    with django_assert_num_queries(6):
        page = client.get(f"/api/v1/webhooks/{webhook.pk}/deliveries/").json()
    assert len(page["results"]) == 1 and len(page["results"][0]["log"]) == 2
    deliveries(12)
    client = api("dept")
    with django_assert_num_queries(6):
        page = client.get(f"/api/v1/webhooks/{webhook.pk}/deliveries/").json()
    assert len(page["results"]) == 13
    assert all([a["number"] for a in d["log"]] == [1, 2] for d in page["results"])


def test_registering_costs_a_fixed_number_of_queries(api, public_dns, django_assert_num_queries):
    client = api("dept")
    # session, user, seats, lock the department, count its webhooks, insert (+ savepoint)
    with django_assert_num_queries(8):
        response = client.post(
            "/api/v1/webhooks/", {"url": PUBLIC, "events": ["published"]}, format="json"
        )
    assert response.status_code == 201
