"""``manage.py permission_summary``: who may see and do what to every resource, as JSON."""

import json

from django.core.management.base import BaseCommand

from apps.sharing.permission_summary import permission_summary


class Command(BaseCommand):
    help = (
        "Print, for every resource of every library and every active person, the actions of "
        "the permission matrix they may take (V view, E edit, D delete, S submit, P publish, "
        "J reject, W withdraw, U reuse) as JSON. scripts/rehearse-restore.sh compares it "
        "before and after a restore."
    )

    def handle(self, *args, **options):
        summary = permission_summary()
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True))
