# PostgreSQL only (SQLite keeps the plain table, as 0002 keeps it without triggers): the audit
# table becomes partitioned by RANGE on occurred_at, one partition per Asia/Shanghai calendar
# month plus a DEFAULT partition, under the same name, so the model and every query are
# unchanged. Primary key (id, occurred_at); the id sequence goes on where it was; every row is
# copied with its id; the model's indexes, the append-only trigger and the table's grants are
# made again on the parent (PostgreSQL gives each partition the indexes and the trigger).
# Django's migration state is untouched (RunPython): makemigrations sees no change.
# See apps/audit/partitions.py and docs/operations.md ("The audit log by month").

from django.db import migrations


def forwards(apps, schema_editor):
    from apps.audit import partitions

    partitions.convert(schema_editor.connection)


def backwards(apps, schema_editor):
    from apps.audit import partitions

    partitions.unconvert(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_action_archive"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
