#!/usr/bin/env bash
# Rehearse a restore on PostgreSQL (issue 16, item 5; docs/operations.md), as .ci/run does:
#   1. a database of its own (resource_platform_rehearsal) and a MEDIA_ROOT of its own:
#      migrate, seed_demo, and a few attachments;
#   2. record the row counts per table, every file's SHA-256 (manage.py storage_inventory) and
#      what every person may see and do to every resource (manage.py permission_summary);
#   3. back up (manage.py backup), wipe (drop the database, delete the media directory),
#      restore (manage.py restore, which verifies against the manifest itself);
#   4. record the three again and compare: any difference fails, loudly.
# The database URL's server comes from CI_DATABASE_URL (default: postgres on 127.0.0.1:5432);
# REHEARSAL_DATABASE names the database (default resource_platform_rehearsal), so that two
# rehearsals on one server do not take over each other's.
# About a minute (migrate and seed_demo are most of it). The work directory is removed on success and kept on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
BASE_URL="${CI_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/resource_platform}"
NAME="${REHEARSAL_DATABASE:-resource_platform_rehearsal}"
SERVER="${BASE_URL%/*}"
MAINTENANCE="$SERVER/postgres"
export DATABASE_URL="$SERVER/$NAME"
# As in production: DEBUG off (so a real-looking key), no in-process job worker.
export DEBUG=0 JOBS_INLINE_WORKER=0
SECRET_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rehearse-restore.XXXXXX")"
export MEDIA_ROOT="$WORK/media"
started=$(date +%s)

step() { echo "== rehearse-restore: $* ($(($(date +%s) - started)) s)"; }
fail() {
  echo "rehearse-restore: FAILED: $*" >&2
  echo "rehearse-restore: the work directory is kept: $WORK" >&2
  exit 1
}
drop_database() {
  psql "$MAINTENANCE" -X -q -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS $NAME WITH (FORCE)" >/dev/null
}

step "a fresh database $NAME and media directory $MEDIA_ROOT"
drop_database
psql "$MAINTENANCE" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $NAME" >/dev/null
$PY manage.py migrate --noinput -v 0
$PY manage.py seed_demo >/dev/null

step "a few attachments"
$PY manage.py shell -c '
import io
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from apps.accounts.models import User
from apps.attachments.services import attachment_add
from apps.sharing.registry import libraries

user = User.objects.get(username="muni_curator")
pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
added = 0
for library in libraries():
    if not library.attachments:
        continue
    items = library.model.objects.filter(
        owner__code="440600", status__in=["draft", "published"]
    ).order_by("pk")[:2]
    for item in items:
        image = io.BytesIO()
        Image.new("RGB", (8, 8), (item.pk % 256, 0, 0)).save(image, format="PNG")
        files = [
            (f"{library.key}-{item.pk}.pdf", pdf + f"% {library.key} {item.pk}\n".encode()),
            ("照片.png", image.getvalue()),
        ]
        for name, data in files:
            attachment_add(library.model, user=user, pk=item.pk, upload=SimpleUploadedFile(name, data))
            added += 1
assert added >= 4, added
print(f"{added} attachments")
'

step "record row counts, file checksums and the permission summary"
$PY manage.py storage_inventory >"$WORK/before-inventory.json"
$PY manage.py permission_summary >"$WORK/before-permissions.json"
files=$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["files"]))' \
  "$WORK/before-inventory.json")
[ "$files" -ge 4 ] || fail "expected at least 4 stored files before the backup, found $files"

step "back up"
$PY manage.py backup "$WORK/backup"

step "wipe: drop the database, delete the media directory"
drop_database
rm -rf "$MEDIA_ROOT"

step "restore"
$PY manage.py restore "$WORK/backup" || fail "manage.py restore exited $?"

step "compare"
$PY manage.py storage_inventory >"$WORK/after-inventory.json"
$PY manage.py permission_summary >"$WORK/after-permissions.json"
for what in inventory permissions; do
  if ! diff -u "$WORK/before-$what.json" "$WORK/after-$what.json" >"$WORK/$what.diff"; then
    head -n 60 "$WORK/$what.diff" >&2
    fail "the $what differs after the restore (diff above)"
  fi
done
$PY - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
inventory = json.load(open(f"{work}/after-inventory.json"))
people = json.load(open(f"{work}/after-permissions.json"))
print(
    f"rehearse-restore: identical after the restore: {len(inventory['tables'])} tables, "
    f"{sum(inventory['tables'].values())} rows, {len(inventory['files'])} files, "
    f"{len(people['resources'])} resources x {len(people['people'])} people"
)
PY

drop_database
rm -rf "$WORK"
step "passed"
