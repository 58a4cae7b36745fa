"""WAL positions: where a user's last write ended on the primary, and how far each replica has
replayed.

After a request that may have written commits, the middleware reads the primary's
``pg_current_wal_lsn()`` (which is past the commit) and keeps it per user in the cache
``default`` (Redis when ``CACHE_URL`` is set: with several web workers it must be shared, or a
worker that did not serve the write would not know of it). A replica may serve that user again
once its ``pg_last_wal_replay_lsn()`` has reached that position: never a fixed delay.

A replica's state is asked once per ``REPLICA_CHECK_SECONDS`` per process (one small query on the
replica); a reader whose write lies beyond the remembered position asks again at once. A replica
that cannot be reached is left alone for ``REPLICA_RETRY_SECONDS``; one further behind than
``REPLICA_MAX_LAG_SECONDS`` (or not streaming, and that long since its last replayed commit) is
not used.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

from .conf import PRIMARY

log = logging.getLogger(__name__)

_KEY = "replication:written:{}"
_STATUS_SQL = """
    SELECT pg_is_in_recovery(),
           pg_last_wal_replay_lsn()::text,
           CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                     AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')
                THEN 0
                ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 1e9)
           END
"""


def lsn_to_int(lsn: str) -> int:
    """``'16/B374D848'`` → a number that orders as the WAL does."""
    high, _sep, low = lsn.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias != PRIMARY]


def max_lag() -> float:
    return float(getattr(settings, "REPLICA_MAX_LAG_SECONDS", 5))


# -- the writer's side --------------------------------------------------------------------


def remember_write(user_pk) -> int:
    """Keep the primary's current WAL position as ``user_pk``'s last write; return it."""
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        position = lsn_to_int(cursor.fetchone()[0])
    key = _KEY.format(user_pk)
    # Kept well beyond the lag bound: after that a replica either has replayed it or is too
    # far behind to be used at all.
    timeout = max(60, int(10 * max_lag()))
    # (Two writes of one user racing may keep the earlier position; the other's commit is
    # then followed by a read that is at most one write behind for under a second.)
    if position > (cache.get(key) or 0):
        cache.set(key, position, timeout)
    return position


def written_position(user_pk) -> int | None:
    return cache.get(_KEY.format(user_pk))


# -- the replicas' side --------------------------------------------------------------------


@dataclass(frozen=True)
class ReplicaStatus:
    in_recovery: bool
    replayed: int  # pg_last_wal_replay_lsn() as a number
    lag_seconds: float
    checked_at: float


_status: dict[str, ReplicaStatus | None] = {}
_checked: dict[str, float] = {}
_lock = threading.Lock()


def replica_status(alias: str, *, fresh: bool = False) -> ReplicaStatus | None:
    """The replica's state (None: unreachable, or not a replica), asked again when older than
    ``REPLICA_CHECK_SECONDS`` or when ``fresh``; an unreachable one is not asked again before
    ``REPLICA_RETRY_SECONDS``."""
    now = time.monotonic()
    with _lock:
        known, checked = _status.get(alias), _checked.get(alias, -1e9)
    if known is None and checked > now - float(getattr(settings, "REPLICA_RETRY_SECONDS", 10)):
        return None
    recent = checked > now - float(getattr(settings, "REPLICA_CHECK_SECONDS", 1))
    if known is not None and not fresh and recent:
        return known
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(_STATUS_SQL)
            in_recovery, replayed, lag = cursor.fetchone()
        status = (
            ReplicaStatus(bool(in_recovery), lsn_to_int(replayed), float(lag), now)
            if in_recovery and replayed
            else None
        )
    except DatabaseError as error:
        log.warning("replica %s unreachable: %s", alias, error)
        connections[alias].close()
        status = None
    with _lock:
        _status[alias], _checked[alias] = status, now
    return status


def forget_statuses() -> None:
    """Drop what this process remembers of the replicas (tests, after pausing replay)."""
    with _lock:
        _status.clear()
        _checked.clear()


def replica_for(position: int | None) -> str | None:
    """A replica that may serve a reader whose last write ended at ``position`` (None: no
    write to wait for), or None: then the primary serves."""
    aliases = replica_aliases()
    random.shuffle(aliases)
    for alias in aliases:
        status = replica_status(alias)
        if status is not None and position is not None and status.replayed < position:
            status = replica_status(alias, fresh=True)
        if status is None or status.lag_seconds > max_lag():
            continue
        if position is None or status.replayed >= position:
            return alias
    return None
