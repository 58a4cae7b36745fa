"""``manage.py seed_scale --schools N --resources M``: province-size data for measuring."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from apps.organizations.models import Organization
from seeds.scale import FOSHAN_CODE, seed_scale


class Command(BaseCommand):
    help = (
        "Build a province-size network (province → cities → districts → towns, with "
        "departments) and bring the four libraries to M resources in all. Runs again "
        "add only what is missing, so 10k → 100k → 1M grows one database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schools", type=int, default=2000, help="schools in the tree (default 2000)"
        )
        parser.add_argument(
            "--resources",
            type=int,
            required=True,
            help="resources in all four libraries afterwards (e.g. 10000, 100000, 1000000)",
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args, schools, resources, seed, verbosity, **options):
        if schools < 1 or resources < 0:
            raise CommandError("--schools must be at least 1 and --resources at least 0.")
        # The Foshan network is loaded once: seed_scale then hangs it under the province,
        # which a second load of the fixture would undo.
        if not Organization.objects.filter(code=FOSHAN_CODE).exists():
            call_command("loaddata", "organizations", verbosity=0)
        call_command("loaddata", "taxonomy", verbosity=0)
        started = time.monotonic()

        def progress(message: str) -> None:
            if verbosity:
                self.stdout.write(f"[{time.monotonic() - started:6.1f}s] {message}")
                self.stdout.flush()

        added = seed_scale(schools=schools, resources=resources, seed=seed, progress=progress)
        summary = ", ".join(f"{name} +{n}" for name, n in added.items())
        self.stdout.write(
            self.style.SUCCESS(f"Done in {time.monotonic() - started:.0f}s: {summary}.")
        )
