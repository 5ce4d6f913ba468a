"""Send the patients' emails still in the outbox, and purge old ones. Run it from cron, on any host:

    * * * * *  cd /srv/clinic && .venv/bin/python manage.py send_queued_email

Emails normally go out seconds after the booking; this sends those whose first try failed (the
mail server was down or hanging, or the web process was stopped), with backoff, until they go or
are given up on after about a day. Two runs at once send each email once (see
bookings/notifications/outbox.py).

After fixing a mail server that was down for hours, `send_queued_email --now` sends every pending
email at once instead of waiting out each one's backoff.
"""

from django.core.management.base import BaseCommand, CommandError

from bookings.notifications import outbox


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = "Send the queued patient emails that are due, retrying failed ones; purge old ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Send every pending email now, without waiting for its next attempt's time.",
        )

    def handle(self, *args, now=False, **options):
        run = outbox.send_due_emails(ignore_backoff=now)
        purged = outbox.purge_old_emails()
        withdrawn = ""
        if run.withdrawn:
            withdrawn = f" {plural(len(run.withdrawn), 'out-of-date reminder')} withdrawn;"
        self.stdout.write(
            f"Sent {plural(len(run.sent), 'email')}; {len(run.retrying)} to retry later;"
            f"{withdrawn} purged {plural(purged, 'old email')}."
        )
        if run.gave_up:
            # A non-zero exit, so cron mails the operator; the front desk sees them in the admin.
            raise CommandError(
                f"Gave up on {plural(len(run.gave_up), 'email')} after {outbox.MAX_ATTEMPTS} "
                "attempts; see the log and the admin's list of emails to patients."
            )
