"""Sending the outbox: patients' emails queued by notifications/emails.py, delivered after commit.

Each `OutgoingEmail` row is written in the same transaction as the booking, move or cancellation
it is about, so it exists exactly when the change does. Sending it:

1. Claim: one transaction selects the row FOR UPDATE SKIP LOCKED, only if it is still pending
   and due (`OutgoingEmail.objects.due`). Whoever holds the lock sends; anyone else skips it, so
   the background thread and any number of `send_queued_email` runs send each email once.
2. Send with Django's mail backend (EMAIL_TIMEOUT bounds a hanging server) while holding the lock,
   then mark it sent in the same transaction. A failure is logged on one line (the error's type
   and SMTP code, never the address or the message) and the next attempt is scheduled with
   backoff; after MAX_ATTEMPTS (about a day) the email is marked failed, which the front desk
   sees on the admin index.

A process killed mid-send rolls its transaction back: the row stays pending and the next
`send_queued_email` run sends it. The one gap is a send the mail server accepted just before the
process died or the database went away, uncommitted: that email can go twice, never zero times.

After commit the row is handed to `dispatch`: sent at once in the same thread (EMAIL_DELIVERY=
"inline"), queued for this process's courier thread ("background", the default), so a hanging
mail server never holds up a patient's request, or announced to a process of its own ("process":
`send_queued_email --watch`, the `Watcher` below), so writing and sending it takes no time of the
web workers' either.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import queue
import select
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from bookings.models import AppointmentEvent, OutgoingEmail
from bookings.notifications import calendars
from clinic.clock import describe_moment
from clinic.models import ClinicProfile

logger = logging.getLogger("bookings.outbox")  # named as before the move to notifications/

# The wait before each retry: attempt 1 fails, the next is a minute later, and so on. The tenth
# failure, about 24 hours after the first, gives up.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=4),
    timedelta(hours=8),
    timedelta(hours=8),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# Sent emails hold patients' names, addresses and times: kept this long, for questions, then purged.
RETENTION = timedelta(days=30)

SENT = "sent"
RETRYING = "retrying"
GAVE_UP = "gave_up"
WITHDRAWN = "withdrawn"


@dataclass
class OutboxRun:
    """What one `send_due_emails` run did, as email ids."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    gave_up: list[int] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)

    def add(self, outcome: str, email_id: int) -> None:
        lists = {
            SENT: self.sent,
            RETRYING: self.retrying,
            GAVE_UP: self.gave_up,
            WITHDRAWN: self.withdrawn,
        }
        lists[outcome].append(email_id)


def sender(profile: ClinicProfile | None = None) -> str:
    """The From header: the clinic's name on DEFAULT_FROM_EMAIL's address, e.g.
    "Sports Medicine <appointments@clinic.example>" (the name is the profile's, as staff set it)."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr(((profile or ClinicProfile.load()).name, address))


def as_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    # A message from the contact page is answered by replying to its email.
    reply_to = [email.contact_message.email] if email.contact_message_id else None
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=sender(),
        to=[email.recipient],
        reply_to=reply_to,
    )
    message.attach_alternative(email.html, "text/html")
    if email.ics:
        cancelled = email.kind == OutgoingEmail.Kind.CANCELLED
        method = calendars.CANCEL if cancelled else calendars.REQUEST
        message.attach("appointment.ics", email.ics, f"text/calendar; method={method}")
    return message


def send_email(email_id: int) -> str | None:
    """Send the email `email_id` if it is due and no one else is sending it; returns the outcome.

    None when there was nothing to do: already sent, not due, or held by another sender.
    """
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.due(now=timezone.now())
            .select_for_update(skip_locked=True)
            .filter(pk=email_id)
            .first()
        )
        return None if email is None else _attempt(email)


def send_due_emails(*, ignore_backoff: bool = False) -> OutboxRun:
    """Send every due email, oldest first, each claimed in its own transaction (see above).

    `ignore_backoff`: every pending email is due now (the mail server is fixed: why wait hours).
    """
    run = OutboxRun()
    last_pk = 0
    while True:
        with transaction.atomic():
            email = (
                OutgoingEmail.objects.due(now=None if ignore_backoff else timezone.now())
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .select_for_update(skip_locked=True)
                .first()
            )
            if email is None:
                break
            last_pk = email.pk
            run.add(_attempt(email), email.pk)
    if run.sent or run.retrying or run.gave_up:
        logger.info(
            "Outbox: %s sent, %s to retry, %s given up",
            len(run.sent),
            len(run.retrying),
            len(run.gave_up),
        )
    return run


def purge_old_emails(*, now: datetime | None = None) -> int:
    """Delete emails sent, withdrawn, or failed and handled, more than RETENTION ago; returns
    how many."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _ = OutgoingEmail.objects.filter(
        Q(status=OutgoingEmail.Status.SENT, sent_at__lt=cutoff)
        | Q(status=OutgoingEmail.Status.WITHDRAWN, created_at__lt=cutoff)
        | Q(status=OutgoingEmail.Status.FAILED, handled_at__lt=cutoff)
    ).delete()
    return deleted


def log_failure(
    kind: str, appointment_id: int | None, error: BaseException, outcome: str = "", *, about=""
) -> None:
    # No traceback: an SMTP refusal's message names the recipient's address, and the log must
    # not. The error's type (and SMTP code, when there is one) is enough to tell a mail server
    # that is down from an address it refuses.
    logger.error(
        "Could not send the %s email for %s (%s)%s",
        kind,
        about or f"appointment {appointment_id}",
        describe_error(error),
        f"; {outcome}" if outcome else "",
    )


def describe_error(error: BaseException) -> str:
    """The error's type and SMTP code, and the type of the error it came from: never its text."""
    code = getattr(error, "smtp_code", None)
    described = f"{type(error).__name__}{f' {code}' if code else ''}"
    # smtplib reports a server that never answers as SMTPServerDisconnected; the timeout behind
    # it is what tells a hanging server from one that hung up.
    origin = error.__cause__ or error.__context__
    if origin is not None and type(origin) is not type(error):
        described += f" after {type(origin).__name__}"
    return described[:200]


def _attempt(email: OutgoingEmail) -> str:
    """Send the claimed `email` and record the result on its row; the caller holds its lock."""
    if email.kind == OutgoingEmail.Kind.REMINDER and _reminder_is_out_of_date(email):
        # Retried after the appointment was cancelled or moved: "see you at 10:00" would now
        # mislead. The cancellation or move email tells the patient what is true.
        email.status = OutgoingEmail.Status.WITHDRAWN
        email.next_attempt_at = None
        email.save(update_fields=["status", "next_attempt_at"])
        logger.info("Reminder for appointment %s withdrawn: it has changed", email.appointment_id)
        return WITHDRAWN
    email.attempts += 1
    email.last_attempt_at = timezone.now()
    try:
        if not email.written:
            _write(email)
        as_message(email).send()
    except Exception as error:
        return _record_failure(email, error)
    email.status = OutgoingEmail.Status.SENT
    email.sent_at = timezone.now()
    email.next_attempt_at = None
    email.save(
        update_fields=["status", "sent_at", "next_attempt_at", "attempts", "last_attempt_at"]
    )
    if email.kind == OutgoingEmail.Kind.REMINDER:
        # The history says a reminder went when it really went, for the time it was written for.
        AppointmentEvent.objects.create(
            appointment_id=email.appointment_id,
            actor=None,
            action=AppointmentEvent.Action.REMINDER_SENT,
            detail=f"Reminder emailed for {describe_moment(email.appointment_starts_at)}",
        )
    return SENT


def _write(email: OutgoingEmail) -> None:
    """Write a booking's confirmation, queued unwritten (emails.write_queued_email); in a
    savepoint, so a failure is recorded on the row as a failed attempt like any other."""
    # Imported here: emails queues through this module, so it imports this one first.
    from bookings.notifications.emails import write_queued_email

    with transaction.atomic():
        write_queued_email(email)


def _reminder_is_out_of_date(email: OutgoingEmail) -> bool:
    appointment = email.appointment
    return (
        appointment.status != appointment.Status.BOOKED
        or appointment.starts_at != email.appointment_starts_at
    )


def _record_failure(email: OutgoingEmail, error: Exception) -> str:
    email.last_error = describe_error(error)
    if email.attempts >= MAX_ATTEMPTS:
        email.status = OutgoingEmail.Status.FAILED
        email.next_attempt_at = None
        outcome = GAVE_UP
        note = f"attempt {email.attempts} of {MAX_ATTEMPTS}, given up: the front desk will call"
    else:
        delay = BACKOFF[email.attempts - 1]
        email.next_attempt_at = email.last_attempt_at + delay
        outcome = RETRYING
        note = f"attempt {email.attempts} of {MAX_ATTEMPTS}, retrying in {_minutes(delay)}"
    email.save(
        update_fields=["status", "next_attempt_at", "attempts", "last_attempt_at", "last_error"]
    )
    about = f"contact message {email.contact_message_id}" if email.contact_message_id else ""
    log_failure(email.kind, email.appointment_id, error, note, about=about)
    return outcome


def _minutes(delay: timedelta) -> str:
    minutes = int(delay.total_seconds() // 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h"


# --- after commit ----------------------------------------------------------------------------


def queue_then_send(write, *, about: str) -> OutgoingEmail | None:
    """Write an email to the outbox with `write()` (returning the OutgoingEmail) in a savepoint
    of the caller's transaction, and send it once that commits. An email that cannot even be
    written is logged, naming `about` (an id, never an address), and None is returned: the
    change it is about stands."""
    try:
        with transaction.atomic():
            email = write()
    except Exception as error:
        logger.error("Could not queue the email for %s (%s)", about, describe_error(error))
        return None
    transaction.on_commit(partial(dispatch, email.pk))
    return email


def dispatch(email_id: int) -> None:
    """Send the just-committed email: now, in this thread, through the courier thread, or by
    telling the watching process."""
    if settings.EMAIL_DELIVERY == "inline":
        _send_logging_errors(email_id)
    elif settings.EMAIL_DELIVERY == "process":
        announce()
    else:
        courier.deliver(email_id)


def announce() -> None:
    """Wake the `Watcher`: a NOTIFY after the commit, in a statement of its own. Not in the
    booking's transaction, where PostgreSQL would serialize the commits of every transaction
    that notifies. If it fails, the watcher's next sweep finds the email all the same."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")
    except DatabaseError as error:
        logger.warning("Could not announce a queued email (%s)", describe_error(error))


def _send_logging_errors(email_id: int) -> None:
    try:
        send_email(email_id)
    except Exception as error:
        # The database, not the mail server (send_email records those): the row is still
        # pending, and send_queued_email will send it.
        logger.error("Could not send queued email %s (%s)", email_id, describe_error(error))


_STOP = object()


class Courier:
    """One daemon thread per process that sends the emails handed to it, one at a time.

    Started by the first email, never at import: gunicorn forks its workers after importing
    the app, and a thread does not survive a fork (the child starts its own). The thread closes
    its database connection whenever its queue is empty, and when it ends.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue | None = None
        self._thread: threading.Thread | None = None
        self._abandon = threading.Event()
        self._exit_hook_registered = False

    def deliver(self, email_id: int) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._queue = queue.SimpleQueue()
                self._abandon = threading.Event()
                self._thread = threading.Thread(
                    target=self._run,
                    args=(self._queue, self._abandon),
                    name="email-courier",
                    daemon=True,
                )
                self._thread.start()
                if not self._exit_hook_registered:
                    atexit.register(self._stop_at_exit)
                    self._exit_hook_registered = True
            self._queue.put(email_id)

    def stop(self, timeout: float | None = None, *, drain: bool = True) -> bool:
        """End the thread, after sending what it was handed (`drain`) or only the email in
        hand; returns False if it is still busy at `timeout`.
        """
        with self._lock:
            thread, work, abandon = self._thread, self._queue, self._abandon
            self._thread = self._queue = None
        if thread is None:
            return True
        if not drain:
            abandon.set()
        work.put(_STOP)
        thread.join(timeout)
        return not thread.is_alive()

    def _stop_at_exit(self) -> None:
        # A worker shutting down (a deploy, a restart) finishes the email in hand rather than
        # being killed mid-send; the others are pending in the database for send_queued_email.
        self.stop(timeout=settings.EMAIL_TIMEOUT + 1, drain=False)

    def _run(self, work: queue.SimpleQueue, abandon: threading.Event) -> None:
        try:
            while (email_id := work.get()) is not _STOP and not abandon.is_set():
                close_old_connections()
                _send_logging_errors(email_id)
                if work.empty():
                    connection.close()
        finally:
            connection.close()

    def _forget_after_fork(self) -> None:
        self._lock = threading.Lock()
        self._queue = self._thread = None


courier = Courier()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=courier._forget_after_fork)


# --- a process of its own (EMAIL_DELIVERY="process") ------------------------------------------

CHANNEL = "clinic_outbox"  # what `announce` notifies and the Watcher listens on
SWEEP_EVERY = 30.0  # seconds: retries fall due, and an announcement can be lost with the network
RECONNECT_EVERY = 5.0  # seconds between tries while the database is away


class Watcher:
    """Sends each email as its commit is announced: what `send_queued_email --watch` runs.

    It LISTENs on CHANNEL with its own connection and sends what is due (`send_due_emails`) on
    each announcement, and every `sweep_every` seconds whatever the announcements, so retries go
    out when their backoff ends and nothing depends on a NOTIFY arriving. A database that goes
    away is logged once an outage and tried again every RECONNECT_EVERY seconds. `stop()` may be
    called from another thread or a signal handler: it ends the wait, never a send in hand.
    """

    def __init__(self, *, sweep_every: float = SWEEP_EVERY):
        self.sweep_every = sweep_every
        self._stopping = False
        # What stop() writes to, to end a wait; sockets, closed when the watcher is collected.
        self._wake_read, self._wake_write = socket.socketpair()
        self._wake_write.setblocking(False)

    def stop(self) -> None:
        self._stopping = True
        with contextlib.suppress(OSError):  # already woken: the buffer is full
            self._wake_write.send(b"x")

    def run(self) -> None:
        outage = False
        try:
            while not self._stopping:
                try:
                    listening = self._listen()
                    if outage:
                        logger.info("Outbox watcher: the database is back")
                    outage = False
                    self._send_as_announced(listening)
                except DatabaseError as error:
                    if not outage:
                        logger.error(
                            "Outbox watcher: database unavailable (%s)", describe_error(error)
                        )
                    outage = True
                    connection.close()
                    self._wait(RECONNECT_EVERY)
        finally:
            connection.close()

    def _listen(self):
        with connection.cursor() as cursor:
            cursor.execute(f"LISTEN {CHANNEL}")  # autocommit: listening from here on
        return connection.connection

    def _send_as_announced(self, listening) -> None:
        while not self._stopping:
            # Cleared before sending: an announcement that arrives meanwhile stays for the
            # next round rather than being lost in the send's queries.
            listening.notifies.clear()
            send_due_emails()
            if not listening.notifies:
                self._wait(self.sweep_every, listening)
            if self._stopping:
                return
            with connection.wrap_database_errors:
                listening.poll()

    def _wait(self, seconds: float, *also) -> None:
        readable, _, _ = select.select([self._wake_read, *also], [], [], seconds)
        if self._wake_read in readable:
            self._wake_read.recv(64)
