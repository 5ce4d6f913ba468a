"""Email each patient a reminder before their appointment, once. Run it from cron, on any host:

    */5 * * * *  cd /srv/clinic && .venv/bin/python manage.py send_reminders

Two hosts running it at the same moment send each reminder once (see
bookings/notifications/reminders.py). A reminder that could not be sent stays in the outbox,
and `send_queued_email` retries it.
"""

import argparse
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bookings.notifications import reminders

MAX_HOURS = 24 * 14


def lead_hours(value: str) -> int:
    try:
        hours = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of hours") from None
    if not 1 <= hours <= MAX_HOURS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_HOURS} hours")
    return hours


class Command(BaseCommand):
    help = "Email a reminder to each patient whose appointment starts within the lead time, once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=lead_hours,
            default=None,
            help=(
                "Remind appointments starting within this many hours "
                f"(default: REMINDER_LEAD_TIME_HOURS, now {settings.REMINDER_LEAD_TIME_HOURS})."
            ),
        )

    def handle(self, *args, hours=None, **options):
        run = reminders.send_due_reminders(
            lead_time=timedelta(hours=hours) if hours is not None else None
        )
        sent = len(run.sent)
        self.stdout.write(f"Sent {sent} reminder{'' if sent == 1 else 's'}.")
        if run.failed:
            failed = len(run.failed)
            # A non-zero exit, so cron mails the operator; the log names the appointments.
            raise CommandError(
                f"Could not send {failed} reminder{'' if failed == 1 else 's'}; "
                "see the log (send_queued_email will retry them)."
            )
