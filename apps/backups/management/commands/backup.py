"""``manage.py backup DIR``: the database dump, the attachment files and a manifest."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from apps.backups.backup import BackupError, backup
from apps.backups.database import database_from_settings


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump --format=custom in one snapshot; SQLite: "
        "the online backup API) and MEDIA_ROOT into DIR (new or empty), with manifest.json: "
        "migration state, row counts per table, every file's size and SHA-256, the dump's "
        "SHA-256. See docs/operations.md."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, directory, database, **options):
        connection = connections[database]
        try:
            manifest = backup(
                directory,
                database=database_from_settings(connection.settings_dict, connection),
                media_root=Path(settings.MEDIA_ROOT),
                progress=self.progress,
            )
        except (BackupError, ValueError, RuntimeError, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup complete: {len(manifest['tables'])} tables, "
                f"{sum(manifest['tables'].values())} rows, {manifest['media']['count']} files "
                f"({directory / 'manifest.json'})"
            )
        )

    def progress(self, message: str) -> None:
        """One line, flushed at once: an operator (or a log) sees long work move."""
        self.stdout.write(message)
        self.stdout.flush()
