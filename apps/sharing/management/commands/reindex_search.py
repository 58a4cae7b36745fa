"""``manage.py reindex_search [library …]``: refill the search columns of existing rows."""

from django.core.management.base import BaseCommand, CommandError

from apps.search.indexing import reindex
from apps.sharing.registry import libraries


class Command(BaseCommand):
    help = (
        "Refill the full-text search columns of every resource, in batches. Run it after "
        "deploying the search columns, after bulk writes that bypass save(), or after "
        "changing the tokenizer or a library's SEARCH_TEXT_FIELDS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "library",
            nargs="*",
            help="Library keys to reindex (courses, faculty, cases, sites); default: all.",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        known = {library.key: library for library in libraries()}
        keys = options["library"] or list(known)
        unknown = [key for key in keys if key not in known]
        if unknown:
            raise CommandError(
                f"Unknown library: {', '.join(unknown)} (choose from {', '.join(known)})."
            )
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        total = 0
        for key in keys:
            model = known[key].model

            def progress(done, count, key=key):
                self.stdout.write(f"{key}: {done}/{count}")

            n = reindex(model, batch_size=options["batch_size"], progress=progress)
            if n == 0:
                self.stdout.write(f"{key}: nothing to index")
            total += n
        self.stdout.write(self.style.SUCCESS(f"Reindexed {total} resources."))
