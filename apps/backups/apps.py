from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """Backup and restore: a consistent database dump and the attachment files, with a
    manifest of checksums and row counts (docs/operations.md). Ground layer: it reads the
    database and MEDIA_ROOT as they are and imports none of our apps."""

    name = "apps.backups"
    label = "backups"
    verbose_name = "Backups"
