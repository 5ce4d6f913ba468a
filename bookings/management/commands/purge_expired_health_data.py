"""Delete intake answers HEALTH_DATA_RETENTION_YEARS after each patient's last visit. Safe to run
from cron on any host, twice at once (each form is deleted once):

    30 3 * * *  cd /srv/clinic && .venv/bin/python manage.py purge_expired_health_data
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from bookings.services.intake import purge_expired_health_data


class Command(BaseCommand):
    help = "Delete intake answers past the retention period after the patient's last visit."

    def handle(self, *args, **options):
        deleted = purge_expired_health_data()
        years = settings.HEALTH_DATA_RETENTION_YEARS
        self.stdout.write(
            f"Deleted {deleted} intake form{'' if deleted == 1 else 's'} "
            f"(last visit more than {years} years ago)."
        )
