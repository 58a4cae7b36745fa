"""The mixed workload with and without a read replica: how much of the load leaves the primary.

    python -m bench.run --only mixed --cache on \\
        --replica postgres://postgres@127.0.0.1:5433/resource_platform_bench \\
        --cache-url redis://127.0.0.1:6379/5

``--replica`` runs the mixed workload twice on the same data, each after its own floor: first
with the primary alone, then with ``DATABASE_REPLICA_URLS`` set to the replica (a streaming
copy of the primary, ``scripts/replica.sh start``). Around each measured run it reads, for each
PostgreSQL cluster:

* the CPU time its processes used (the postmaster, its backends, and the backends that have
  ended: ``/proc/<pid>/stat``, this machine only, so the load generator must run here);
* the transactions its ``pg_stat_database`` counted for the benchmark's database, and the rows
  it returned to queries (``tup_returned + tup_fetched``).

Read-your-writes needs a cache every server process shares (``--cache-url``, Redis): a writer's
position in the WAL is kept there, and a worker that never saw the write must find it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Usage:
    cpu_s: float
    transactions: int
    rows: int

    def __sub__(self, other: Usage) -> Usage:
        return Usage(
            self.cpu_s - other.cpu_s,
            self.transactions - other.transactions,
            self.rows - other.rows,
        )


def _connect(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname=parts.path.lstrip("/"),
        autocommit=True,
    )


def _cpu_seconds(postmaster: int) -> float:
    """The postmaster's CPU time with its children's, live and ended."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == postmaster:
            # utime, stime, and cutime, cstime: the children it has waited for (ended backends)
            total += sum(int(f) for f in fields[11:15])
        elif ppid == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def usage(url: str) -> Usage:
    with _connect(url) as conn:
        data_directory = conn.execute("SHOW data_directory").fetchone()[0]
        row = conn.execute(
            "SELECT xact_commit + xact_rollback, tup_returned + tup_fetched "
            "FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    # pg_stat_database is updated by each backend at most every second or so (and at exit):
    # the measured runs last many seconds, so the lag is a small error, the same in both runs.
    postmaster = int((Path(data_directory) / "postmaster.pid").read_text().split()[0])
    return Usage(_cpu_seconds(postmaster), int(row[0]), int(row[1]))


def table(rows: list[tuple[str, float, float, int, Usage, Usage | None]]) -> str:
    """``rows``: (name, req/s, p99 ms, requests, the primary's usage, the replica's)."""
    lines = [
        "| run | req/s | p99 ms | primary CPU ms per request | primary transactions per "
        "request | primary rows per request | replica CPU ms per request | transactions on "
        "the replica |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, rps, p99, requests, primary, replica in rows:
        n = max(requests, 1)
        replica_cpu = f"{replica.cpu_s * 1000 / n:.2f}" if replica else "—"
        on_replica = "—"
        if replica:
            both = replica.transactions + primary.transactions
            on_replica = f"{replica.transactions / both:.0%}" if both else "—"
        lines.append(
            f"| {name} | {rps:.0f} | {p99:.1f} | {primary.cpu_s * 1000 / n:.2f} | "
            f"{primary.transactions / n:.2f} | {primary.rows / n:.0f} | {replica_cpu} | "
            f"{on_replica} |"
        )
    return "\n".join(lines)
