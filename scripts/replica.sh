#!/usr/bin/env bash
# A streaming read replica of the local PostgreSQL server, for the read-replica tests
# (tests/replication) and for trying DATABASE_REPLICA_URLS by hand:
#
#   bash scripts/replica.sh start    make it (once, with pg_basebackup -R) and start it
#   bash scripts/replica.sh stop     stop it (its data directory stays, for the next start)
#   bash scripts/replica.sh status   where it is, whether it streams, how far it has replayed
#
# The primary is 127.0.0.1:5432 (trust authentication, user postgres); the replica is a second
# cluster on 127.0.0.1:5433 run by Debian's binaries (/usr/lib/postgresql/<the primary's major
# version>/bin), in REPLICA_DATA_DIR (default /var/lib/postgresql/<ver>/replica5433), logging to
# REPLICA_LOG (default /var/log/postgresql/postgresql-<ver>-replica5433.log). PostgreSQL refuses
# to run as root: started as root, everything runs as the `postgres` system user. Every command
# is idempotent: `start` on a running replica only reports it (and resumes replay if a test left
# it paused).
#
# What it needs from the primary, checked on every `start` (only what is missing is changed):
#   - wal_level replica (or logical) and max_wal_senders >= 1. Both are the Debian defaults and
#     both need a restart of the primary to change, so the script does NOT change them: it stops
#     and says which ALTER SYSTEM and restart to run.
#   - a pg_hba.conf line that lets 127.0.0.1 connect for replication. `host all all` does not
#     cover replication connections; on the machine this was written on the primary had no
#     replication line, so `start` appends
#         host replication postgres 127.0.0.1/32 trust
#     to the primary's hba_file (once, marked with a comment) and reloads it (no restart).
# No replication slot: a slot would keep WAL on the primary for as long as a forgotten replica
# exists. Instead, a replica that has fallen too far behind to stream (the primary no longer has
# the WAL it asks for) is made again from a new base backup on `start`.
set -euo pipefail

PRIMARY_HOST=127.0.0.1
PRIMARY_PORT=5432
PORT="${REPLICA_PORT:-5433}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -U postgres -h "$PRIMARY_HOST")

VER="$("${PSQL[@]}" -p "$PRIMARY_PORT" -d postgres -Atc 'show server_version_num' 2>/dev/null)" || {
  echo "replica: the primary at $PRIMARY_HOST:$PRIMARY_PORT is not reachable" >&2
  exit 1
}
VER=$((VER / 10000))
BIN="/usr/lib/postgresql/$VER/bin"
DATA="${REPLICA_DATA_DIR:-/var/lib/postgresql/$VER/replica$PORT}"
LOG="${REPLICA_LOG:-/var/log/postgresql/postgresql-$VER-replica$PORT.log}"
[ -x "$BIN/pg_ctl" ] || { echo "replica: $BIN/pg_ctl not found (Debian's postgresql-$VER)" >&2; exit 1; }

# Run as the postgres system user when we are root (PostgreSQL will not run as root).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
primary() { "${PSQL[@]}" -p "$PRIMARY_PORT" -d postgres -Atc "$1"; }
replica() { "${PSQL[@]}" -p "$PORT" -d postgres -Atc "$1"; }
running() { as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

check_primary() {
  local wal_level senders
  wal_level="$(primary 'show wal_level')"
  senders="$(primary 'show max_wal_senders')"
  if [ "$wal_level" = minimal ] || [ "$senders" -lt 1 ]; then
    echo "replica: the primary has wal_level=$wal_level, max_wal_senders=$senders; it needs" >&2
    echo "  ALTER SYSTEM SET wal_level = replica; ALTER SYSTEM SET max_wal_senders = 10;" >&2
    echo "  and a restart (pg_ctlcluster $VER main restart). Not done here: it restarts the primary." >&2
    exit 1
  fi
  if ! psql -X -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
      -d "dbname=postgres replication=true" -Atc IDENTIFY_SYSTEM >/dev/null 2>&1; then
    local hba
    hba="$(primary 'show hba_file')"
    echo "replica: the primary refuses replication connections from 127.0.0.1; adding to $hba:"
    echo "  host replication postgres 127.0.0.1/32 trust"
    as_pg sh -c "printf '%s\n%s\n' \
      '# Added by scripts/replica.sh: the local streaming replica (tests/replication).' \
      'host replication postgres 127.0.0.1/32 trust' >> '$hba'"
    primary 'select pg_reload_conf()' >/dev/null
    sleep 1
  fi
}

make_replica() {
  echo "replica: base backup of $PRIMARY_HOST:$PRIMARY_PORT into $DATA"
  rm -rf "$DATA"
  mkdir -p "$DATA"
  chmod 700 "$DATA"
  [ "$(id -u)" != 0 ] || chown postgres:postgres "$DATA"
  as_pg "$BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$DATA" \
    -R -X stream -c fast
  # Debian keeps the primary's postgresql.conf and pg_hba.conf in /etc, so the base backup
  # has neither: the replica gets its own. The settings a standby must not have below the
  # primary's (connections, worker processes, locks, prepared transactions) are copied.
  local setting conf="port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DATA'
hba_file = '$DATA/pg_hba.conf'
hot_standby = on
shared_buffers = 64MB
"
  for setting in max_connections max_worker_processes max_wal_senders \
      max_prepared_transactions max_locks_per_transaction; do
    conf+="$setting = $(primary "show $setting")"$'\n'
  done
  printf '%s' "$conf" | as_pg tee "$DATA/postgresql.conf" >/dev/null
  printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' \
    | as_pg tee "$DATA/pg_hba.conf" >/dev/null
}

start_replica() {
  as_pg touch "$LOG"
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null
}

# Up: accepts connections and is in recovery. Streaming: its WAL receiver follows the primary.
wait_up() {
  for _ in $(seq 1 60); do
    [ "$(replica 'select pg_is_in_recovery()' 2>/dev/null)" = t ] && return 0
    sleep 0.5
  done
  return 1
}
wait_streaming() {
  for _ in $(seq 1 30); do
    [ "$(replica "select count(*) from pg_stat_wal_receiver where status = 'streaming'" \
      2>/dev/null)" = 1 ] && return 0
    sleep 0.5
  done
  return 1
}

report() {
  if ! running; then
    echo "replica: not running (data directory $DATA)"
    return 3
  fi
  echo "replica: 127.0.0.1:$PORT (data $DATA, log $LOG)"
  replica "select 'in recovery: ' || pg_is_in_recovery()
             || ', replay: ' || coalesce(pg_get_wal_replay_pause_state(), '?')
             || ', replayed up to ' || coalesce(pg_last_wal_replay_lsn()::text, '-')
             || ', receiver: ' || coalesce((select status from pg_stat_wal_receiver), 'none')"
  echo "primary: $PRIMARY_HOST:$PRIMARY_PORT at $(primary 'select pg_current_wal_lsn()')"
}

case "${1:-}" in
  start)
    check_primary
    [ -f "$DATA/PG_VERSION" ] || make_replica
    if ! running; then
      start_replica
    fi
    wait_up || { echo "replica: not accepting connections; see $LOG" >&2; exit 1; }
    if ! wait_streaming; then
      echo "replica: not streaming from the primary (too far behind?): making it again"
      as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null || true
      make_replica
      start_replica
      wait_up && wait_streaming || { echo "replica: still not streaming; see $LOG" >&2; exit 1; }
    fi
    if [ "$(replica 'select pg_get_wal_replay_pause_state()')" != "not paused" ]; then
      echo "replica: replay was paused: resuming it"
      replica 'select pg_wal_replay_resume()' >/dev/null
    fi
    report
    ;;
  stop)
    if running; then
      as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
      echo "replica: stopped (data directory $DATA kept)"
    else
      echo "replica: not running"
    fi
    ;;
  status)
    report
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
