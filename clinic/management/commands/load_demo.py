"""Load the demo content. `make run` calls this on every start: a second run changes nothing.

Each app that has demo content provides `<app>/demo.py` with `load(command)`; this command runs them
in INSTALLED_APPS order, then prints the demo logins. Every demo row is marked as demo (users are
named demo-*, content says it is sample content).
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEMO_ADMIN = ("demo-admin", "demo-admin-password")


class Command(BaseCommand):
    help = "Load the demo content and demo logins (development only; safe to run repeatedly)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo data even with DEBUG off (a staging site, never a real clinic).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: demo logins have public passwords. "
                "Use --allow-production on a staging site."
            )
        self.logins = []
        with transaction.atomic():
            self.ensure_user(*DEMO_ADMIN, role="administrator (every permission)", superuser=True)
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if importlib.util.find_spec(module_name) is not None:
                    importlib.import_module(module_name).load(self)
        self.stdout.write("\nDemo logins (development only):")
        for username, password, role in self.logins:
            self.stdout.write(f"  {username:<24} {password:<28} {role}")

    def ensure_user(self, username, password, *, role, superuser=False, staff=False, **fields):
        """Create or reset a demo user; returns it. Passwords are reset so the printed ones work."""
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=username, defaults=fields)
        user.is_superuser = superuser
        user.is_staff = superuser or staff
        if not user.check_password(password):
            user.set_password(password)
        user.email = user.email or f"{username}@example.com"
        user.save()
        self.logins.append((username, password, role))
        return user
