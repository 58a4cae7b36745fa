"""Profile one request in-process with pyinstrument: where does a slow scenario spend?

    python -m bench.profile /api/v1/courses/ [--user zumiao_teacher] [--token] [-n 50]

Uses the benchmark's database and settings (``BENCH_DATABASE_URL``), signs the persona
in through Django's test client (or a token with ``--token``), runs the request a few
times to warm up, then profiles ``-n`` more and prints pyinstrument's call tree and the
number of SQL queries per request.
"""

import argparse
import os
import sys

from bench.run import DEFAULT_URL, ROOT, TEACHER, server_env


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--user", default=TEACHER)
    parser.add_argument("--token", action="store_true", help="Bearer token instead of session")
    parser.add_argument("-n", type=int, default=50)
    args = parser.parse_args(argv)
    os.environ.update(server_env(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)))
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from apps.accounts.models import ApiToken, User

    user = User.objects.get(username=args.user)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", SERVER_NAME="localhost")
    headers = {}
    if args.token:
        _token, raw = ApiToken.issue(user=user, name="profile", read_only=True, days=1)
        headers["Authorization"] = f"Bearer {raw}"
    else:
        client.force_login(user)
    for _ in range(3):
        response = client.get(args.path, headers=headers)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(args.path, headers=headers)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.n):
        client.get(args.path, headers=headers)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"{len(queries)} queries per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
