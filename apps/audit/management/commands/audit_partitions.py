"""``manage.py audit_partitions [--archive]``: the audit log's monthly partitions (PostgreSQL)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.audit import partitions


class Command(BaseCommand):
    help = (
        "Create the audit log's monthly partitions for the current month and the next "
        "AUDIT_PARTITION_MONTHS_AHEAD, and move rows that landed in the default partition "
        "into their month. With --archive, also archive every month older than "
        "AUDIT_RETENTION_MONTHS (0: keep all) into AUDIT_ARCHIVE_DIR (gzip'd CSV, verified, "
        "listed in manifest.jsonl) and only then drop it. PostgreSQL only; see "
        "docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--archive", action="store_true", help="archive and drop months past the retention"
        )
        parser.add_argument(
            "--months-ahead", type=int, default=None, help="AUDIT_PARTITION_MONTHS_AHEAD"
        )
        parser.add_argument(
            "--retention-months", type=int, default=None, help="AUDIT_RETENTION_MONTHS"
        )
        parser.add_argument("--archive-dir", type=Path, default=None, help="AUDIT_ARCHIVE_DIR")

    def handle(self, *args, archive, months_ahead, retention_months, archive_dir, **options):
        if not partitions.is_partitioned():
            self.stdout.write(
                "The audit table is not partitioned (PostgreSQL only): nothing to do."
            )
            return
        if not archive:
            self.stdout.write(str(partitions.ensure(months_ahead)))
            self._months(partitions.attached_months())
            return
        report = partitions.archive(
            retention_months, directory=archive_dir, months_ahead=months_ahead
        )
        self.stdout.write(str(report.ensured))
        for done in report.archived:
            self.stdout.write(
                self.style.SUCCESS(
                    f"archived {done.month}: {done.rows} events, {done.path} "
                    f"(sha256 {done.sha256}), verified, partition dropped"
                )
            )
        if not report.archived and not report.failed:
            retention = (
                partitions.retention_setting() if retention_months is None else retention_months
            )
            self.stdout.write(
                "nothing to archive"
                + (" (AUDIT_RETENTION_MONTHS is 0: keep everything)" if retention <= 0 else "")
            )
        self._months(report.kept)
        if report.failed:
            for month, why in report.failed.items():
                self.stderr.write(f"kept {month}: its archive did not verify: {why}")
            raise CommandError(
                f"{len(report.failed)} month(s) not archived (kept in the live log): "
                + ", ".join(report.failed)
            )

    def _months(self, months):
        labels = ", ".join(m.label for m in months) or "none"
        self.stdout.write(f"monthly partitions in the live log: {labels}")
