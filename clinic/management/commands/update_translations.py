"""Refresh locale/fr/LC_MESSAGES/django.po from the strings the code marks (`make messages`).

Django's makemessages over the site's own code only (not the virtualenv, tests, benchmarks or
build output), with one location per entry: the file, without line numbers that would change
the catalogue at every edit. Needs GNU gettext (xgettext, msgmerge).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

IGNORED = [
    ".venv/*",
    "var/*",
    "staticfiles/*",
    "mutants/*",
    "tests/*",
    "bench/*",
    "deploy/*",
    "test-artifacts/*",
]


class Command(BaseCommand):
    help = "Refresh the French catalogue from the marked strings (needs GNU gettext)."

    def handle(self, *args, **options):
        call_command(
            "makemessages",
            locale=["fr"],
            no_obsolete=True,
            ignore_patterns=IGNORED,
            add_location="file",
            verbosity=options["verbosity"],
        )
