"""Expire waiting-list offers past their time and pass their times on to the next patients; end
requests whose dates have passed. Run it from cron, on any host:

    */5 * * * *  cd /srv/clinic && .venv/bin/python manage.py send_waitlist_offers

Two hosts running it at once change each offer's state once (bookings/services/waitlist.py).
"""

from django.core.management.base import BaseCommand

from bookings.services import waitlist


class Command(BaseCommand):
    help = "Expire old waiting-list offers, offer their times to the next patients."

    def handle(self, *args, **options):
        expired, ended = waitlist.expire_offers()
        self.stdout.write(
            f"Expired {expired} offer{'' if expired == 1 else 's'}; "
            f"{ended} request{'' if ended == 1 else 's'} past their dates."
        )
