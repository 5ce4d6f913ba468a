"""Compile locale/*/LC_MESSAGES/django.po into the .mo files Django reads.

With GNU gettext installed (CI, production images) this is Django's own `compilemessages`,
which runs msgfmt --check. On a machine without it (a fresh laptop running `make run`), polib
writes the same .mo files, so the quick start needs nothing but Python.
"""

import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the site's translations (msgfmt where installed, otherwise polib)."

    def handle(self, *args, **options):
        if shutil.which("msgfmt"):
            call_command("compilemessages", ignore=[".venv", "var"], verbosity=options["verbosity"])
            return
        for folder in settings.LOCALE_PATHS:
            for po_path in sorted(Path(folder).glob("*/LC_MESSAGES/*.po")):
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"compiled {po_path} (polib: msgfmt is not installed)")
