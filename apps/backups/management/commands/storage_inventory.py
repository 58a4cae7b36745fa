"""``manage.py storage_inventory``: row counts per table and every file's SHA-256, as JSON."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections

from apps.backups.backup import inventory
from apps.backups.database import database_from_settings


class Command(BaseCommand):
    help = (
        "Print the row count of every table and the SHA-256 of every file under MEDIA_ROOT "
        "as JSON (what scripts/rehearse-restore.sh compares before and after a restore)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, database, **options):
        connection = connections[database]
        found = inventory(
            database=database_from_settings(connection.settings_dict, connection),
            media_root=Path(settings.MEDIA_ROOT),
        )
        self.stdout.write(json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True))
