"""``manage.py restore DIR``: into an empty database and storage, then verified."""

from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from apps.backups.backup import BackupError, restore
from apps.backups.database import database_from_settings


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into the configured database and "
        "MEDIA_ROOT. Both must be empty (a PostgreSQL database that does not exist is "
        "created); otherwise it refuses and changes nothing, unless --force. The database is "
        "restored in one transaction; then every file's SHA-256 and every table's row count "
        "are checked against the manifest (exit status 1 on any difference). See "
        "docs/operations.md."
    )
    # Never touch the database before the restore decides to: no system checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--database", default="default", help="database alias")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that has tables (its schemas are dropped in the "
            "restore's transaction) and files already in MEDIA_ROOT (moved aside to "
            "MEDIA_ROOT.replaced-<time>, not deleted)",
        )

    def handle(self, *args, directory, database, force, **options):
        connection = connections[database]
        try:
            report = restore(
                directory,
                database=database_from_settings(connection.settings_dict, connection),
                media_root=Path(settings.MEDIA_ROOT),
                force=force,
                progress=self.progress,
            )
        except (BackupError, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        # Cached lists (a shared Redis outlives the database) were keyed by content versions
        # of the timeline the restore discarded; the restored numbers may repeat them.
        caches["lists"].clear()
        self.stdout.write(
            self.style.SUCCESS(
                f"Restore verified: {report['tables']} tables, {report['rows']} rows, "
                f"{report['files']} files match the manifest."
            )
        )

    def progress(self, message: str) -> None:
        """One line, flushed at once: an operator (or a log) sees long work move."""
        self.stdout.write(message)
        self.stdout.flush()
