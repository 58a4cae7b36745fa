"""The mixed workload: many readers in different seats, varied requests, a few writes.

The single-request scenarios of ``bench.run`` repeat one request, so with the list cache on
they measure a cache hit. This scenario measures what a day looks like instead:

* ``make_readers`` (in process, before the server starts; the benchmark's database only):
  readers ``bench_mixed_NN`` in varied seats (town teachers, viewers and curators of
  different districts, district curators, teachers and viewers, municipal members, partner
  department submitters), each with an API token, every third also with a session cookie
  for the pages; per reader a few item ids they may see (``restrict(user, "view")``).
* ``build`` (against the running server): each reader's request list. Lists of the four
  libraries with varied filters (domain, kind, within, status, scope), ordering, Chinese
  search terms of two to four characters, a second page through the cursor ``next`` of a
  real first-page answer (the pages: ``page=2``), and details of the ids above. Readers
  allowed to create also write through the API (``WRITE_SHARE`` of all requests): a school
  member creates a course draft, edits it with ``If-Match`` and submits it (three writes,
  ``bench/wrk/mixed.lua`` chains them from the answers); a department submitter creates a
  case (which goes to review at once). The lists are shuffled together and written as a Lua
  table that ``bench/wrk/mixed.lua`` cycles through, each wrk thread from another place.
* ``list_cache_counts``: hits and misses of the ``lists`` cache read from the server's
  ``/metrics`` (loopback may read it; ``PROMETHEUS_MULTIPROC_DIR`` adds the workers up),
  before and after the measured run; their difference is the hit ratio the run achieved.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

TITLE_MARK = "压测"  # titles of the drafts the writes create start with it
WRITE_SHARE = 0.025
SEARCH_TERMS = ["园区", "乡村振兴", "制造业", "基层治理", "营商环境", "数字", "招商", "生态"]
# (organisation kind, role) of reader i, cycled: towns most, as in the network.
SEATS = [
    ("town", "teacher"),
    ("district", "curator"),
    ("town", "viewer"),
    ("municipal", "teacher"),
    ("department", "submitter"),
    ("town", "teacher"),
    ("district", "teacher"),
    ("town", "curator"),
    ("municipal", "viewer"),
    ("district", "viewer"),
    ("town", "viewer"),
    ("municipal", "curator"),
]
WRITER_ROLES = {"admin", "curator", "teacher", "submitter"}


# ---- readers (in process, Django set up) -----------------------------------------------------


def _organizations(kind: str) -> list:
    """Organisations of ``kind``, Foshan's first (the demo's tree), then the generated ones;
    towns and districts taken round the districts so that neighbours differ."""
    from apps.organizations.models import Organization

    orgs = list(Organization.objects.filter(kind=kind).order_by("path"))
    foshan = [o for o in orgs if o.path.startswith("4406/") or o.code.startswith("4406")]
    rest = [o for o in orgs if o not in foshan]
    if kind != "town":
        return foshan + rest
    by_parent: dict[int, list] = {}
    for org in foshan + rest:
        by_parent.setdefault(org.parent_id, []).append(org)
    spread, groups = [], list(by_parent.values())
    while any(groups):
        for group in groups:
            if group:
                spread.append(group.pop(0))
    return spread


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _visible_ids(model, user, rng: random.Random, n: int) -> list[int]:
    """``n`` ids the user may see, spread over the table (an indexed step back from random
    points, cheap at a million rows); never the benchmark's own drafts."""
    visible = model.objects.restrict(user, "view").exclude(title__startswith=TITLE_MARK)
    top = visible.order_by("-pk").values_list("pk", flat=True).first()
    if top is None:
        return []
    ids: list[int] = []
    for _ in range(n * 2):
        pivot = rng.randint(1, top)
        pk = visible.filter(pk__lte=pivot).order_by("-pk").values_list("pk", flat=True).first()
        if pk is not None and pk not in ids:
            ids.append(pk)
        if len(ids) == n:
            break
    return ids


def make_readers(n: int, *, seed: int = 15) -> list[dict]:
    """``n`` readers in varied seats, with tokens, some with sessions, and ids they may see."""
    from apps.accounts.models import ApiToken, Membership, User
    from apps.sharing.registry import libraries

    rng = random.Random(seed)
    pools = {kind: _organizations(kind) for kind in {k for k, _r in SEATS}}
    taken = dict.fromkeys(pools, 0)
    readers = []
    for i in range(n):
        kind, role = SEATS[i % len(SEATS)]
        if not pools[kind]:
            kind, role = "town", "viewer"
        org = pools[kind][taken[kind] % len(pools[kind])]
        taken[kind] += 1
        user, _created = User.objects.get_or_create(
            username=f"bench_mixed_{i:02d}", defaults={"display_name": f"压测读者{i:02d}"}
        )
        Membership.objects.filter(user=user).exclude(organization=org).delete()
        Membership.objects.update_or_create(user=user, organization=org, defaults={"role": role})
        writer = role in WRITER_ROLES
        _t, token = ApiToken.issue(user=user, name="benchmark-mixed", read_only=not writer, days=1)
        district = org if kind == "district" else org.parent if kind == "town" else None
        readers.append(
            {
                "username": user.username,
                "org": org.code,
                "kind": kind,
                "role": role,
                "within": (district or org).code,
                "token": token,
                "cookie": _session_cookie(user) if i % 3 == 2 else None,
                "writer": writer,
                "details": {
                    lib.key: _visible_ids(lib.model, user, rng, 2 if lib.key == "courses" else 1)
                    for lib in libraries()
                },
            }
        )
    return readers


def vocabulary() -> dict:
    """Codes the requests filter by and the writes fill in."""
    from apps.taxonomy.models import CourseKind, LecturerKind, ThematicDomain

    return {
        "domains": list(ThematicDomain.objects.order_by("code").values_list("code", flat=True)),
        "course_kinds": list(CourseKind.objects.order_by("code").values_list("code", flat=True)),
        "lecturer_kinds": list(
            LecturerKind.objects.order_by("code").values_list("code", flat=True)
        ),
    }


# ---- request lists (against the running server) ----------------------------------------------

LIBRARIES = ("courses", "faculty", "cases", "sites")


def _filters(reader: dict, key: str, vocab: dict, rng: random.Random) -> list[str]:
    """Query strings of one library's lists for this reader: varied, none of them unusual."""
    domain = rng.choice(vocab["domains"]) if vocab["domains"] else None
    term = quote(rng.choice(SEARCH_TERMS))
    queries = ["", f"within={reader['within']}", f"q={term}"]
    if domain:
        queries.append(f"domain={domain}")
    if key == "courses" and vocab["course_kinds"]:
        queries.append(f"kind={rng.choice(vocab['course_kinds'])}")
    if key == "faculty" and vocab["lecturer_kinds"]:
        queries.append(f"kind={rng.choice(vocab['lecturer_kinds'])}")
    if reader["role"] in ("curator", "admin"):
        queries.append("status=pending")  # what a curator looks at: work waiting for review
    else:
        queries.append(f"status=published&scope={rng.choice(['district', 'network'])}")
    return queries


def _api(reader: dict) -> dict:
    return {"a": reader["token"]}


def _page(reader: dict) -> dict:
    return {"c": reader["cookie"]}


def reader_requests(reader: dict, vocab: dict, fetch, rng: random.Random) -> list[dict]:
    """One reader's GETs. ``fetch(path, auth)`` answers (status, body) from the server: used
    for the cursor of a real first page."""
    requests: list[dict] = []
    pages = reader["cookie"] is not None
    for key in LIBRARIES:
        for n, query in enumerate(_filters(reader, key, vocab, rng)):
            # Readers with a session use the pages for half of their lists, the API for the rest.
            as_page = pages and n % 2 == 1
            base = f"/library/{key}/" if as_page else f"/api/v1/{key}/"
            if n == 0:  # the newest first, and another order
                order = rng.choice(["updated", "title"]) if as_page else "-updated_at"
                param = "sort" if as_page else "ordering"
                requests.append({"p": f"{base}?{param}={order}", **_auth(reader, as_page)})
            requests.append({"p": f"{base}?{query}" if query else base, **_auth(reader, as_page)})
            if n == 0:
                second = _second_page(reader, base, as_page, fetch)
                if second:
                    requests.append({"p": second, **_auth(reader, as_page)})
        for pk in reader["details"].get(key, []):
            as_page = pages and pk % 2 == 0
            base = f"/library/{key}/" if as_page else f"/api/v1/{key}/"
            requests.append({"p": f"{base}{pk}/", **_auth(reader, as_page)})
    return requests


def _auth(reader: dict, as_page: bool) -> dict:
    return _page(reader) if as_page else _api(reader)


def _second_page(reader: dict, base: str, as_page: bool, fetch) -> str | None:
    if as_page:
        status, body = fetch(f"{base}?page=2", _auth(reader, True))
        return f"{base}?page=2" if status == 200 and b'name="password"' not in body else None
    status, body = fetch(base, _auth(reader, False))
    if status != 200:
        raise SystemExit(f"mixed: {reader['username']} {base} answered {status}")
    following = json.loads(body).get("next")
    if not following:
        return None
    parts = urlsplit(following)
    return f"{parts.path}?{parts.query}"


def write_templates(readers: list[dict], vocab: dict) -> list[dict]:
    """One write template per reader allowed to create: a course (schools) or a case
    (departments); ``@@MARK@@`` is replaced by the script with a unique title mark."""
    writers = []
    domains = vocab["domains"][:2]
    for reader in readers:
        if not reader["writer"]:
            continue
        if reader["kind"] == "department":
            body = {
                "owner": reader["org"],
                "title": f"{TITLE_MARK}案例 @@MARK@@",
                "background": "部门牵头推进改革，形成可复制的经验。",
                "key_issues": "部门协同与数据共享。",
                "teaching_notes": "适用于专题班研讨。",
                "discussion_questions": "1. 改革的关键障碍是什么？",
                "domains": domains,
                "year": 2025,
                "external_ref": "@@MARK@@",
            }
            path, chain = "/api/v1/cases/", False
        else:
            body = {
                "owner": reader["org"],
                "title": f"{TITLE_MARK}草稿 @@MARK@@",
                "summary": "围绕园区改造与产业升级的专题课程。",
                "outline": "一、背景；二、做法；三、启示。",
                "target_audience": "科级干部",
                "kind": vocab["course_kinds"][0] if vocab["course_kinds"] else None,
                "class_hours": "2.0",
                "domains": domains,
            }
            path, chain = "/api/v1/courses/", True
        writers.append(
            {
                "token": reader["token"],
                "path": path,
                "body": json.dumps(body, ensure_ascii=False),
                "chain": chain,
                "scope": "private",
            }
        )
    return writers


def build(readers: list[dict], vocab: dict, fetch, *, write_share: float = WRITE_SHARE, seed=15):
    """All readers' requests shuffled together, and the write slots: (requests, writers)."""
    rng = random.Random(seed)
    requests: list[dict] = []
    for reader in readers:
        requests += reader_requests(reader, vocab, fetch, rng)
    writers = write_templates(readers, vocab)
    if writers and write_share > 0:
        slots = max(1, round(len(requests) * write_share / (1 - write_share)))
        requests += [{"w": i % len(writers) + 1} for i in range(slots)]
    rng.shuffle(requests)
    return requests, writers


def _lua(value) -> str:
    """A Lua literal of a JSON-like value (strings as UTF-8 bytes, escaped for Lua)."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(value, dict):
        items = ", ".join(f"{k}={_lua(v)}" for k, v in value.items() if v is not None)
        return "{" + items + "}"
    return "{" + ",\n".join(_lua(v) for v in value) + "}"


def write_lua(path: Path, requests: list[dict], writers: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"return {{\nrequests = {_lua(requests)},\nwriters = {_lua(writers)}\n}}\n",
        encoding="utf-8",
    )


# ---- the list cache's hits and misses --------------------------------------------------------

_SAMPLE = re.compile(
    r'^django_cache_get_(hits|misses)_total\{backend="lists"\}\s+([0-9.e+]+)\s*$', re.MULTILINE
)


def list_cache_counts(fetch) -> tuple[int, int]:
    """(hits, misses) of the ``lists`` cache so far, all workers together."""
    status, body = fetch("/metrics", {})
    if status != 200:
        raise SystemExit(f"mixed: /metrics answered {status}")
    counts = {"hits": 0.0, "misses": 0.0}
    for name, value in _SAMPLE.findall(body.decode()):
        counts[name] += float(value)
    return int(counts["hits"]), int(counts["misses"])


def hit_ratio(before: tuple[int, int], after: tuple[int, int]) -> float | None:
    hits, misses = after[0] - before[0], after[1] - before[1]
    return hits / (hits + misses) if hits + misses else None
