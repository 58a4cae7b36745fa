# PostgreSQL only (SQLite gets nothing here; the services check the same rules on both):
# the database itself refuses a lecturer in two overlapping sessions, and two visits that
# overlap at one site (a declined visit frees its slot). Slots are half-open, [start, end):
# a session ending at 10:00 and the next starting at 10:00 do not clash.

from django.db import migrations

BTREE_GIST = "CREATE EXTENSION IF NOT EXISTS btree_gist"

CONSTRAINTS = [
    (
        "classes_sessionlecturer",
        "session_lecturer_no_overlap",
        "EXCLUDE USING gist (lecturer_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)",
    ),
    (
        "classes_sitevisit",
        "site_visit_no_overlap",
        "EXCLUDE USING gist (site_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)"
        " WHERE (status <> 'declined')",
    ),
]


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BTREE_GIST)
    for table, name, definition in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _definition in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("classes", "0001_initial")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
