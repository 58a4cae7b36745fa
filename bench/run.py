"""``make bench``: seed PostgreSQL, serve under gunicorn, drive with wrk, print the table.

    python -m bench.run --resources 100000            # one size
    python -m bench.run --smoke                       # tiny data, a few seconds (CI)

Steps: create the database if missing, ``migrate``, ``seed_demo`` (the personas),
``seed_scale`` to the requested size (growing an existing database adds only what is
missing); issue a token for the town teacher and for a partner department, open a
session for the teacher; start gunicorn with ``platform/gunicorn.conf.py`` and
``bench.settings``; check every scenario once (status and content, so a redirect to the
sign-in page can never pass for a fast page); then run wrk against each scenario from a
second process on loopback, the floor in the same run, and print requests per second,
p50/p99 latency and the share of the floor. Last, the mixed workload (``bench.mixed``):
many readers in different seats with varied requests and a few writes, with the list
cache's hit ratio during it. All of it twice (``--cache both``, the default): with the list
cache on, then off (every list and API item computed), each against its own server and
floor. The server's cache is Redis, emptied before each server starts, as production runs
it with several workers (``--cache-url``). Results also go to ``var/bench/<size>.json`` and
``<size>-cold.json``.

    python -m bench.run --only mixed --cache on --replica URL   # the primary's load (bench.replica)

Exit status: 1 when a scenario answers with an error or the server cannot start; the
targets are reported, not enforced (the numbers depend on the machine).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform as host_platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from bench import mixed, replica

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/resource_platform_bench"
TEACHER = "zumiao_teacher"  # 祖庙街道党校教师: a town teacher in 禅城区
DEPARTMENT_USER = "fgj_submitter"
DISTRICT = "440604"  # 禅城区: the teacher's own district
DOMAIN = "industrial-system"


@dataclass
class Scenario:
    name: str
    path: str
    auth: str  # "token", "session", "none" or "partner"
    kind: str  # "floor", "list", "search", "detail", "submit", "mixed"
    target_share: float | None = None  # of the floor's requests per second
    target_p99_ms: float | None = None
    method: str = "GET"
    expect_items: int | None = None
    cold_share: float | None = None  # the share target with the list cache off (--cold)


@dataclass
class Result:
    name: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    share: float | None = None
    target_share: float | None = None
    target_p99_ms: float | None = None
    notes: list[str] = field(default_factory=list)
    list_cache_hit_ratio: float | None = None  # measured for the mixed workload


def scenarios(detail_id: int, class_id: int, year: int) -> list[Scenario]:
    """The scenarios with issue 15's targets at a million resources: shares of the floor
    with the list cache on and (``cold_share``) off, and p99 < 100 ms for every read."""
    api, page = "/api/v1/courses/", "/library/courses/"
    filtered = f"?domain={DOMAIN}&within={DISTRICT}"
    two, four = quote("园区"), quote("乡村振兴")
    read = 100  # ms: every read's p99
    return [
        Scenario("floor: bare Django view, .values() + orjson", "/bench/floor/", "none", "floor"),
        Scenario("API list, 20 courses", api, "token", "list", 0.5, read, expect_items=20,
                 cold_share=0.35),
        Scenario("page list, 20 courses", page, "session", "list", 0.3, read, cold_share=0.25),
        Scenario("API list, domain + district", api + filtered, "token", "list", None, read),
        Scenario("page list, domain + district", page + filtered, "session", "list", None, read),
        Scenario("API search 园区 (2 chars)", f"{api}?q={two}", "token", "search", None, read),
        Scenario("API search 乡村振兴 (4 chars)", f"{api}?q={four}", "token", "search", None, read),
        Scenario("page search 园区 (2 chars)", f"{page}?q={two}", "session", "search", None, read),
        Scenario("page search 乡村振兴 (4 chars)", f"{page}?q={four}", "session", "search", None,
                 read),
        # The API item is cached per audience like the lists; the page is not (it shows the
        # reader's own forms, history and classes), so its target holds with the cache off too.
        Scenario("API detail", f"{api}{detail_id}/", "token", "detail", 0.5, read),
        Scenario("page detail", f"{page}{detail_id}/", "session", "detail", 0.3, read,
                 cold_share=0.3),
        # Training classes: a timetable page (web:class-detail) and the figures endpoint.
        Scenario("page class timetable", f"/classes/{class_id}/", "session", "detail", None,
                 read),
        Scenario(f"API class stats {year}", f"/api/v1/classes/stats/?year={year}", "token",
                 "detail", None, read),
        # A write: a share of the floor, no latency target.
        Scenario("API partner case submission", "/api/v1/cases/", "partner", "submit", 0.2, None,
                 method="POST", cold_share=0.2),
    ]  # fmt: skip


# ---- environment and setup ------------------------------------------------------------------


def server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        # DEBUG off refuses a weak key: a random one per run (sessions are made in this run).
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback: in production TLS ends at nginx, which sets
        # X-Forwarded-Proto; here nothing does, so the redirect to HTTPS is off.
        SECURE_SSL_REDIRECT="0",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
    )
    return env


def ensure_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> None:
    print(f"$ manage.py {' '.join(args)}", flush=True)
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def prepare(env: dict[str, str], readers: int = 0) -> dict:
    """Tokens, a session and the detail id, made through the platform's own code; and the
    mixed workload's ``readers`` (``bench.mixed.make_readers``)."""
    os.environ.update(env)
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count
    from django.utils import timezone

    from apps.accounts.models import ApiToken, User
    from apps.classes import services as classes
    from apps.courses.models import Course
    from apps.sharing.choices import Status

    teacher = User.objects.get(username=TEACHER)
    department = User.objects.get(username=DEPARTMENT_USER)
    _t, teacher_token = ApiToken.issue(user=teacher, name="benchmark", read_only=True, days=1)
    _d, partner_token = ApiToken.issue(user=department, name="benchmark", days=1)
    session = SessionStore()
    session[SESSION_KEY] = str(teacher.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = teacher.get_session_auth_hash()
    session.create()
    detail = (
        Course.objects.restrict(teacher)
        .filter(status=Status.PUBLISHED)
        .exclude(owner__in=teacher.memberships.values("organization"))
        .order_by("-id")
        .first()
    )
    # The teacher's own school's class with the fullest timetable (the demo's, at any size).
    timetable = (
        classes.classes_for(teacher).annotate(n=Count("sessions")).order_by("-n", "-id").first()
    )
    if timetable is None:
        raise SystemExit("no training class for the teacher: is seed_demo loaded?")
    counts = {
        m._meta.verbose_name_plural: m._base_manager.count()
        for m in _library_models()
    }  # fmt: skip
    return {
        "teacher_token": teacher_token,
        "partner_token": partner_token,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        "detail_id": detail.pk,
        "class_id": timetable.pk,
        "classes": timetable._meta.model._base_manager.count(),
        "year": timezone.localdate().year,
        "counts": {str(k): v for k, v in counts.items()},
        "mixed_readers": mixed.make_readers(readers) if readers else [],
        "vocabulary": mixed.vocabulary(),
    }


def _library_models():
    from apps.sharing.registry import libraries

    return [library.model for library in libraries()]


# ---- the server -----------------------------------------------------------------------------


def start_server(
    env: dict[str, str], port: int, workers: int, *, list_cache: bool = True
) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "-c",
            str(ROOT / "platform" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env={
            **env,
            "WEB_CONCURRENCY": str(workers),
            "ACCESS_LOG": "",
            "REQUEST_LOG_LEVEL": "WARNING",  # a log line per request would flood the output
            "MAX_REQUESTS": "0",
            # As in production (platform/systemd): /metrics adds up every worker's counters,
            # which is how the mixed workload reads the list cache's hits and misses.
            # One directory per port (gunicorn.conf.py empties it when the server starts).
            "PROMETHEUS_MULTIPROC_DIR": str(ROOT / "var" / "bench" / f"prometheus-{port}"),
            **({} if list_cache else {"LIST_CACHE_SECONDS": "0"}),
        },
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited while starting (see its output above)")
        try:
            if request(port, "GET", "/bench/floor/", {})[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), in MB."""
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master_pid:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match:
            sizes.append(int(match.group(1)) / 1024)
    return sorted(sizes)


# ---- one request, and wrk -------------------------------------------------------------------


def headers_for(scenario: Scenario, prep: dict) -> dict[str, str]:
    headers = {"Accept-Language": "zh-hans"}
    if scenario.auth == "token":
        headers["Authorization"] = f"Bearer {prep['teacher_token']}"
    elif scenario.auth == "session":
        headers["Cookie"] = prep["cookie"]
    return headers


def request(port: int, method: str, path: str, headers: dict, body: bytes | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def check(port: int, scenario: Scenario, prep: dict) -> None:
    """One request before the load: the right status and real content, or stop."""
    if scenario.method == "POST" or scenario.kind == "mixed":
        return  # checked by its own run: the Lua script counts every unexpected answer
    status, body = request(port, "GET", scenario.path, headers_for(scenario, prep))
    if status != 200:
        raise SystemExit(f"{scenario.name}: {scenario.path} answered {status}, not 200")
    if scenario.expect_items is not None:
        n = len(json.loads(body)["results"])
        if n != scenario.expect_items:
            raise SystemExit(f"{scenario.name}: {n} items, expected {scenario.expect_items}")
    if scenario.auth == "session" and b'name="password"' in body:
        raise SystemExit(f"{scenario.name}: the session did not sign in")


_DURATION = re.compile(r"([\d.]+)(us|ms|s|m)\b")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    value, unit = _DURATION.fullmatch(text.strip()).groups()
    return float(value) * _UNIT_MS[unit]


def run_wrk(
    port: int, scenario: Scenario, prep: dict, *, seconds: float, connections: int, cold=False
):
    # wrk takes whole seconds.
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{max(1, round(seconds))}s"]
    command += ["--latency"]
    command += ["--timeout", "10s"]
    env = dict(os.environ)
    if scenario.kind == "mixed":
        command += ["-s", str(ROOT / "bench" / "wrk" / "mixed.lua")]
        env.update(BENCH_MIXED=prep["mixed_file"], BENCH_RUN=str(time.time_ns()))
    elif scenario.method == "POST":
        command += ["-s", str(ROOT / "bench" / "wrk" / "partner_case.lua")]
        env.update(BENCH_TOKEN=prep["partner_token"], BENCH_RUN=str(time.time_ns()))
    else:
        command += ["-s", str(ROOT / "bench" / "wrk" / "status.lua")]
        env["BENCH_EXPECT"] = "200"
        for name, value in headers_for(scenario, prep).items():
            command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{scenario.path}")
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    if "50" not in latency or "99" not in latency:
        raise SystemExit(f"{scenario.name}: could not read wrk's latency:\n{output}")
    total = int(re.search(r"(\d+) requests in", output).group(1))
    # Any answer but the expected status (the Lua scripts count them; wrk's own line misses
    # redirects) and any socket error (a crashed worker shows as read errors) is an error.
    unexpected = re.search(r"Unexpected statuses: (\d+)", output)
    if unexpected is None:
        raise SystemExit(f"{scenario.name}: wrk did not report the statuses:\n{output}")
    errors = int(unexpected.group(1))
    notes = [
        f"{name.lower()}: {n}"
        for name, n in re.findall(r"^(Server errors|Conflicts|Writes): (\d+)$", output, re.M)
    ]
    socket_errors = r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
    if match := re.search(socket_errors, output):
        errors += sum(int(n) for n in match.groups())
    return Result(
        name=scenario.name,
        path=scenario.path,
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
        requests=total,
        errors=errors,
        target_share=scenario.cold_share if cold else scenario.target_share,
        target_p99_ms=scenario.target_p99_ms,
        notes=notes,
    )


def fetcher(port: int):
    """``fetch(path, auth)`` for ``bench.mixed``: auth is ``{"a": token}``, ``{"c": cookie}``
    or ``{}``."""

    def fetch(path: str, auth: dict):
        headers = {"Accept-Language": "zh-hans"}
        if auth.get("a"):
            headers["Authorization"] = f"Bearer {auth['a']}"
        if auth.get("c"):
            headers["Cookie"] = auth["c"]
        return request(port, "GET", path, headers)

    return fetch


def prepare_mixed(port: int, prep: dict, write_share: float) -> Scenario:
    """The readers' request lists, built against the running server (a real first page for
    the cursor), written for ``bench/wrk/mixed.lua``; the scenario that runs them."""
    requests, writers = mixed.build(
        prep["mixed_readers"], prep["vocabulary"], fetcher(port), write_share=write_share
    )
    path = ROOT / "var" / "bench" / f"mixed-{port}.lua"
    mixed.write_lua(path, requests, writers)
    prep["mixed_file"] = str(path)
    share = sum(1 for r in requests if "w" in r) / len(requests)
    print(
        f"Mixed workload: {len(prep['mixed_readers'])} readers, {len(requests)} requests "
        f"in the cycle, {share:.1%} writes by {len(writers)} writers",
        flush=True,
    )
    name = f"mixed workload ({len(prep['mixed_readers'])} readers, writes {share:.1%})"
    return Scenario(name, "/", "mixed", "mixed", 0.4, 100, cold_share=0.4)


# ---- the report -----------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    lines = [
        "| scenario | req/s | p50 ms | p99 ms | share of floor | target | errors |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for r in results:
        goals = []
        if r.target_share is not None:
            mark = "✓" if r.share >= r.target_share else "✗"
            goals.append(f"≥{r.target_share:.0%} of floor {mark}")
        if r.target_p99_ms is not None:
            mark = "✓" if r.p99_ms < r.target_p99_ms else "✗"
            goals.append(f"p99<{r.target_p99_ms:.0f} {mark}")
        lines.append(
            f"| {r.name} | {r.rps:.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
            f"{r.share:.0%} | {', '.join(goals) or '—'} | {r.errors} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {host_platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring")
    parser.add_argument("--concurrency", type=int, default=8, help="open connections")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--skip-seed", action="store_true", help="use the database as it is")
    parser.add_argument(
        "--cache",
        choices=["both", "on", "off"],
        default="both",
        help="run every scenario with the list cache on, off, or both (default), one after "
        "the other, each against its own server and beside its own floor",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="the same as --cache off (LIST_CACHE_SECONDS=0): every list and API item computed",
    )
    parser.add_argument(
        "--replica",
        metavar="URL",
        help="run the mixed workload with the primary alone, then with this replica "
        "(DATABASE_REPLICA_URLS), and report the primary's load in both (bench.replica)",
    )
    parser.add_argument(
        "--cache-url",
        metavar="URL",
        default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/5"),
        help="the server's cache (CACHE_URL), emptied before each server starts. Default: "
        "Redis, as production runs several workers (README); 'none': a cache per process",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="tiny data, one second per scenario (CI)"
    )
    parser.add_argument(
        "--readers", type=int, default=20, help="readers of the mixed workload (0: none)"
    )
    parser.add_argument(
        "--only",
        metavar="TEXT",
        help="run only the scenarios whose name contains TEXT (and the floor), e.g. mixed",
    )
    parser.add_argument(
        "--write-share", type=float, default=mixed.WRITE_SHARE, help="of the mixed requests"
    )
    args = parser.parse_args(argv)
    default_url = DEFAULT_URL + ("_smoke" if args.smoke else "")
    database_url = os.environ.get("BENCH_DATABASE_URL", default_url)
    if args.smoke:
        args.resources, args.schools, args.duration, args.warmup = 400, 60, 1.0, 0.0
        args.readers = min(args.readers, 12)
    if shutil.which("wrk") is None:
        print("wrk is not installed: run `bash scripts/install-bench-tools.sh`.", file=sys.stderr)
        return 1

    env = server_env(database_url)
    ensure_database(database_url)
    if not args.skip_seed:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "seed_demo")
        sizes = ["--schools", str(args.schools), "--resources", str(args.resources)]
        manage(env, "seed_scale", *sizes)
    prep = prepare(env, args.readers)
    print(f"Data: {prep['counts']}, training classes: {prep['classes']}", flush=True)
    total = sum(prep["counts"].values())
    passes = {"on": [False], "off": [True], "both": [False, True]}[
        "off" if args.cold else args.cache
    ]
    if args.cache_url == "none":
        args.cache_url = ""
    env["CACHE_URL"] = args.cache_url
    if args.replica:
        return replica_comparison(args, env, prep, database_url)
    failed = []
    for cold in passes:
        results, rss = run_pass(args, env, prep, cold=cold)
        report(args, prep, results, rss, cold=cold, total=total)
        failed += [r.name for r in results if r.errors]
    if failed:
        print(f"Errors in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def run_pass(args, env: dict, prep: dict, *, cold: bool) -> tuple[list[Result], list[float]]:
    """Every scenario against one server, the floor first: with the list cache on, or off
    (``cold``: every list and API item computed)."""
    print(f"\n== list cache {'off' if cold else 'on'} ==", flush=True)
    flush_cache(args.cache_url)
    server = start_server(env, args.port, args.workers, list_cache=not cold)
    results: list[Result] = []
    try:
        plan = scenarios(prep["detail_id"], prep["class_id"], prep["year"])
        if prep["mixed_readers"]:
            plan.append(prepare_mixed(args.port, prep, args.write_share))
        if args.only:
            plan = [s for s in plan if s.kind == "floor" or args.only in s.name]
        for scenario in plan:
            check(args.port, scenario, prep)
            if args.warmup:
                run_wrk(args.port, scenario, prep, seconds=args.warmup, connections=2)
            if scenario.kind == "mixed":
                before = mixed.list_cache_counts(fetcher(args.port))
            result = run_wrk(
                args.port,
                scenario,
                prep,
                seconds=args.duration,
                connections=args.concurrency,
                cold=cold,
            )
            if scenario.kind == "mixed":
                ratio = mixed.hit_ratio(before, mixed.list_cache_counts(fetcher(args.port)))
                result.list_cache_hit_ratio = ratio
                hits = "off" if ratio is None else f"{ratio:.0%}"
                result.name += f", list-cache hits {hits}"
            results.append(result)
            print(
                f"  {result.name}: {result.rps:.0f} req/s, p50 {result.p50_ms:.1f} ms, "
                f"p99 {result.p99_ms:.1f} ms, errors {result.errors}",
                flush=True,
            )
        rss = worker_rss_mb(server.pid)
    finally:
        stop_server(server)
    floor = results[0].rps
    for result in results:
        result.share = result.rps / floor if floor else 0.0
    return results, rss


def replica_comparison(args, env: dict, prep: dict, primary_url: str) -> int:
    """The mixed workload with the primary alone, then with one replica (``bench.replica``)."""
    rows, failed = [], []
    for label, replicas in (("primary alone", ""), ("one replica", args.replica)):
        print(f"\n== {label} ==", flush=True)
        flush_cache(args.cache_url)
        server = start_server(
            {**env, "DATABASE_REPLICA_URLS": replicas}, args.port, args.workers, list_cache=True
        )
        try:
            floor, work = scenarios(0, 0, 0)[0], prepare_mixed(args.port, prep, args.write_share)
            for scenario in (floor, work):
                if args.warmup:
                    run_wrk(args.port, scenario, prep, seconds=args.warmup, connections=2)
                before = (replica.usage(primary_url), replicas and replica.usage(replicas))
                result = run_wrk(
                    args.port, scenario, prep, seconds=args.duration, connections=args.concurrency
                )
                after = (replica.usage(primary_url), replicas and replica.usage(replicas))
                print(f"  {result.name}: {result.rps:.0f} req/s, p99 {result.p99_ms:.1f} ms")
                if result.errors:
                    failed.append(f"{label}: {result.name}")
            primary = after[0] - before[0]
            copy = after[1] - before[1] if replicas else None
            rows.append((f"mixed, {label}", result.rps, result.p99_ms, result.requests, primary,
                         copy))  # fmt: skip
        finally:
            stop_server(server)
    print()
    print(f"### Mixed workload, the primary alone and with one replica — {machine()}")
    print(
        f"{len(prep['mixed_readers'])} readers, writes {args.write_share:.1%}, list cache on in "
        f"{'a shared cache' if args.cache_url else 'each process'}; wrk: 2 threads, "
        f"{args.concurrency} connections, {args.duration:g} s after {args.warmup:g} s warm-up"
    )
    print()
    print(replica.table(rows))
    if failed:
        print(f"Errors in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def flush_cache(url: str | None) -> None:
    """Empty the shared cache, so that each run starts as cold as the other."""
    if url and url.startswith("redis"):
        import redis

        try:
            redis.Redis.from_url(url).flushdb()
        except redis.exceptions.ConnectionError as error:
            raise SystemExit(
                f"The benchmark's cache at {url} is not reachable ({error}): start Redis, "
                "or run with --cache-url none (a cache per process)."
            ) from None


def report(args, prep: dict, results: list[Result], rss, *, cold: bool, total: int) -> None:
    print()
    print(f"### {total:,} resources, list cache {'off' if cold else 'on'} — {machine()}")
    print(
        f"gunicorn: {args.workers} sync workers; cache "
        f"{'Redis (shared)' if args.cache_url else 'per process'}; list cache "
        f"{'off (--cold)' if cold else 'on'}; wrk: 2 threads, {args.concurrency} "
        f"connections, {args.duration:g} s per scenario after {args.warmup:g} s warm-up"
    )
    print()
    print(table(results))
    print()
    print("Worker memory after the run (RSS, MB): " + ", ".join(f"{m:.0f}" for m in rss))
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    name = "smoke" if args.smoke else str(total)
    (out / f"{name}{'-cold' if cold else ''}.json").write_text(
        json.dumps(
            {
                "machine": machine(),
                "counts": prep["counts"],
                "classes": prep["classes"],
                "workers": args.workers,
                "list_cache": not cold,
                "cache": args.cache_url or "per process",
                "concurrency": args.concurrency,
                "duration": args.duration,
                "worker_rss_mb": rss,
                "results": [asdict(r) for r in results],
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
