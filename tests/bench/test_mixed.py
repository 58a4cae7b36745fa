"""The benchmark's mixed workload (``bench.mixed``): its readers, their requests and writes.

The load itself runs in ``make bench``; here the parts it is built from are checked against
the real platform: every request a reader will send answers 200 for that reader, the ids a
reader reads are ones they may see, and the writes chain as the wrk script chains them.
"""

import json

import pytest
from django.test import Client

from apps.accounts.models import ApiToken
from apps.courses.models import Course
from apps.sharing.choices import Scope, Status
from bench import mixed
from tests.factories import CaseFactory, CourseFactory, LecturerFactory, TeachingSiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(persona):
    author = persona("muni_teacher")
    for factory in (CourseFactory, LecturerFactory, CaseFactory, TeachingSiteFactory):
        factory(owner_code="440600", author=author, status=Status.PUBLISHED, scope=Scope.NETWORK)
        factory(owner_code="440604", author=author, status=Status.PUBLISHED, scope=Scope.DISTRICT)
        factory(owner_code="440604010", author=author)  # a draft: its own school only
        factory(owner_code="440605011", author=author)
    # More than a page (20) of courses: the second page is read through the cursor.
    CourseFactory.create_batch(
        20, owner_code="440600", author=author, status=Status.PUBLISHED, scope=Scope.NETWORK
    )


def fetch_with(client: Client):
    def fetch(path, auth):
        headers = {"Accept-Language": "zh-hans"}
        if auth.get("a"):
            headers["Authorization"] = f"Bearer {auth['a']}"
        if auth.get("c"):
            headers["Cookie"] = auth["c"]
        response = client.get(path, headers=headers)
        return response.status_code, response.content

    return fetch


def test_readers_sit_in_varied_seats_and_read_only_what_they_may_see(content):
    readers = mixed.make_readers(12)

    assert {(r["kind"], r["role"]) for r in readers} >= {
        ("town", "teacher"),
        ("town", "viewer"),
        ("district", "curator"),
        ("municipal", "teacher"),
        ("department", "submitter"),
    }
    assert len({r["org"] for r in readers if r["kind"] == "town"}) > 1
    assert len({r["within"] for r in readers if r["kind"] == "town"}) > 1  # other districts
    assert sum(1 for r in readers if r["cookie"]) == 4
    for reader in readers:
        token = ApiToken.objects.filter(user__username=reader["username"]).latest("id")
        assert token.read_only is not reader["writer"]
        assert reader["writer"] is (reader["role"] != "viewer")
        user = token.user
        for key, ids in reader["details"].items():
            model = {"courses": Course}.get(key) or _model(key)
            assert set(ids) <= set(
                model.objects.restrict(user, "view").values_list("pk", flat=True)
            )


def _model(key):
    from apps.sharing.registry import libraries

    return next(lib.model for lib in libraries() if lib.key == key)


def test_every_request_answers_200_for_its_reader_and_the_writes_chain(content):
    client = Client()
    fetch = fetch_with(client)
    readers = mixed.make_readers(12)
    requests, writers = mixed.build(readers, mixed.vocabulary(), fetch)

    reads = [r for r in requests if "p" in r]
    writes = [r for r in requests if "w" in r]
    assert 0.02 <= len(writes) / len(requests) <= 0.03
    assert any("cursor=" in r["p"] for r in reads)  # a second page from a real first page
    assert any("/library/" in r["p"] and r.get("c") for r in reads)  # pages with a session
    assert any("q=%E" in r["p"] for r in reads)  # Chinese search terms
    for r in reads:
        status, body = fetch(r["p"], r)
        assert status == 200, r["p"]
        assert b'name="password"' not in body

    # The chain bench/wrk/mixed.lua drives: a school's draft created, edited with If-Match,
    # submitted; a department's case goes to review when it is created.
    for n, writer in enumerate(writers):
        headers = {"Authorization": f"Bearer {writer['token']}", "Idempotency-Key": f"k{n}"}
        body = writer["body"].replace("@@MARK@@", f"MIXW{n + 1}-test-{n}")
        created = client.post(
            writer["path"], body, content_type="application/json", headers=headers
        )
        assert created.status_code == 201, created.content
        item = created.json()
        assert created.content.startswith(b'{"id":')  # what the script reads it by
        if not writer["chain"]:
            assert item["status"] == Status.PENDING
            continue
        assert item["status"] == Status.DRAFT and f'"version":{item["version"]}' in (
            created.content.decode()
        )
        url = f"{writer['path']}{item['id']}/"
        edited = client.patch(
            url,
            json.dumps({"title": "压测草稿（修订） MIXE1-x"}),
            content_type="application/json",
            headers={**headers, "If-Match": created.headers["ETag"]},
        )
        assert edited.status_code == 200, edited.content
        submitted = client.post(
            f"{url}submit/",
            json.dumps({"scope": writer["scope"]}),
            content_type="application/json",
            headers={**headers, "If-Match": edited.headers["ETag"], "Idempotency-Key": f"s{n}"},
        )
        assert submitted.status_code == 200, submitted.content
        assert submitted.json()["status"] == Status.PENDING


def test_the_lua_table_escapes_what_it_carries(tmp_path):
    path = tmp_path / "mixed.lua"
    mixed.write_lua(path, [{"p": '/a?q="x"\\', "a": "t"}, {"w": 1}], [{"body": "园区\n"}])

    text = path.read_text(encoding="utf-8")
    assert '{p="/a?q=\\"x\\"\\\\", a="t"}' in text
    assert "{w=1}" in text
    assert '{body="园区\\n"}' in text


def test_the_hit_ratio_is_read_from_the_lists_cache_counters_between_two_scrapes():
    metrics = (
        'django_cache_get_hits_total{backend="default"} 7.0\n'
        'django_cache_get_hits_total{backend="lists"} 30.0\n'
        'django_cache_get_misses_total{backend="lists"} 10.0\n'
    )
    counts = mixed.list_cache_counts(lambda path, auth: (200, metrics.encode()))

    assert counts == (30, 10)
    assert mixed.hit_ratio((10, 5), counts) == pytest.approx(20 / 25)
    assert mixed.hit_ratio(counts, counts) is None  # nothing read: the cache was off
