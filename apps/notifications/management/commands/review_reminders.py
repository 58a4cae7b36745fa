"""``manage.py review_reminders [--days N]``: tell the people of reviewable resources that
their review-by date is near or has passed (待复核; docs/review-dates.md). Run daily."""

from django.core.management.base import BaseCommand

from apps.notifications.reminders import reminder_days, send_review_reminders


class Command(BaseCommand):
    help = "Notify owners of cases and courses due for review soon or overdue (once per stage)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="How many days before the date to remind (default: REVIEW_REMINDER_DAYS).",
        )

    def handle(self, *args, days=None, **options):
        sent = send_review_reminders(days=reminder_days() if days is None else days)
        self.stdout.write(f"review reminders: {sent['due']} due soon, {sent['overdue']} overdue")
