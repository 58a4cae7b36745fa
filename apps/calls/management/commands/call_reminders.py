"""``manage.py call_reminders [--date YYYY-MM-DD]``: remind the invitees of open calls for
contributions (征集) that are past due and have not answered (docs/calls.md). Run daily; at
most one reminder per invitee, call and day, so a rerun the same day sends nothing."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from apps.calls.services import remind_late


class Command(BaseCommand):
    help = "Remind late invitees of open calls for contributions (once per invitee and day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", default=None, help="The day to run for (default: today).")

    def handle(self, *args, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"Not a date: {date}") from None
        sent = remind_late(today=day)
        self.stdout.write(f"call reminders: {sent} sent")
