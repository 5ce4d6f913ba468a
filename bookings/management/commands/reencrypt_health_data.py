"""Re-encrypt every intake form's answers with the newest of HEALTH_DATA_KEYS, so an older key
can then be dropped. Safe to run again, and beside the web processes (each form is locked while
it is rewritten)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from bookings.models import IntakeForm
from clinic.encryption import rotate


class Command(BaseCommand):
    help = "Re-encrypt intake answers with the first key of HEALTH_DATA_KEYS."

    def handle(self, *args, **options):
        count = 0
        for pk in IntakeForm.objects.exclude(answers_encrypted="").values_list("pk", flat=True):
            with transaction.atomic():
                form = IntakeForm.objects.select_for_update().filter(pk=pk).first()
                if form is None:
                    continue
                form.answers_encrypted = rotate(form.answers_encrypted)
                form.save(update_fields=["answers_encrypted"])
                count += 1
        self.stdout.write(f"Re-encrypted {count} intake form{'' if count == 1 else 's'}.")
