"""python manage.py import_condition FILE [FILE ...] [--publish] [--body-region SLUG]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conditions.importer import ArticleFormatError, import_article_file
from conditions.models import BodyRegion


class Command(BaseCommand):
    help = (
        "Import condition articles from the clinic's plain-text format. Each file is one "
        "transaction: a file that cannot be read changes nothing. Re-importing updates in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the articles (new ones are drafts)."
        )
        parser.add_argument(
            "--body-region",
            metavar="SLUG",
            help="Add this body region (e.g. lower-leg); otherwise guessed from a new title.",
        )

    def handle(self, *args, files, publish, body_region, **options):
        region = None
        if body_region:
            region = BodyRegion.objects.filter(slug=body_region).first()
            if region is None:
                known = ", ".join(BodyRegion.objects.values_list("slug", flat=True))
                raise CommandError(f"Unknown body region '{body_region}'. Known: {known}.")
        failures = []
        for path in files:
            try:
                result = import_article_file(path, publish=publish, body_region=region)
            except FileNotFoundError:
                failures.append(f"{path}: no such file")
            except IsADirectoryError:
                failures.append(f"{path}: is a directory, not an article file")
            except ArticleFormatError as error:
                failures.append(f"{path}: {error} (nothing was imported from this file)")
            else:
                self.stdout.write(f"{path.name}: {result.describe()}")
        for failure in failures:
            self.stderr.write(failure)
        if failures:
            raise CommandError(f"{len(failures)} of {len(files)} file(s) not imported.")
