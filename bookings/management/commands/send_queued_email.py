"""Send the patients' emails still in the outbox, and purge old ones. Run it from cron, on any host:

    * * * * *  cd /srv/clinic && .venv/bin/python manage.py send_queued_email

Emails normally go out seconds after the booking; this sends those whose first try failed (the
mail server was down or hanging, or the web process was stopped), with backoff, until they go or
are given up on after about a day. Two runs at once send each email once (see
bookings/notifications/outbox.py).

After fixing a mail server that was down for hours, `send_queued_email --now` sends every pending
email at once instead of waiting out each one's backoff.

With EMAIL_DELIVERY=process the web processes send nothing themselves: `send_queued_email
--watch` runs beside them (`make prod` starts it), sends each email as soon as its booking
commits, and retries failures itself, until SIGTERM or Ctrl-C. It lowers its own CPU priority
(`--nice`, 10 by default): under a burst of bookings the patients' requests go first and their
emails a moment later. Keep the cron line all the same: it purges old emails, and sends if the
watcher is down.
"""

import os
import signal

from django.core.management.base import BaseCommand, CommandError

from bookings.notifications import outbox

WATCH_NICENESS = 10


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
        parser.add_argument(
            "--watch",
            action="store_true",
            help="Keep running: send each email as it is committed (EMAIL_DELIVERY=process).",
        )
        parser.add_argument(
            "--nice",
            type=int,
            default=WATCH_NICENESS,
            help=f"How far --watch lowers its CPU priority (default {WATCH_NICENESS}; 0: not).",
        )

    def handle(self, *args, now=False, watch=False, nice=WATCH_NICENESS, **options):
        if watch:
            return self.watch(nice=nice)
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

    def watch(self, *, nice: int) -> None:
        if nice > 0:
            os.nice(nice)
        watcher = outbox.Watcher()
        stopping = {
            signum: signal.signal(signum, lambda *_: watcher.stop())
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        self.stdout.write("Sending the outbox's emails as they are committed; Ctrl-C stops.")
        try:
            watcher.run()
        finally:
            for signum, previous in stopping.items():
                signal.signal(signum, previous)
        self.stdout.write("Stopped.")
