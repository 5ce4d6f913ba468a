"""The outbox: each email written with its booking, sent after commit, retried until it goes.

The mail-server tests are transactional: the booking commits for real and the courier thread
sends with its own database connection, as in a gunicorn worker. Every test that starts the
courier stops it (joined, its connection closed) before the database is flushed.
"""

import logging
import os
import select
import signal
import threading
import time
from datetime import datetime, timedelta
from datetime import time as clock_time
from io import StringIO

import psycopg2
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from bench.loopback import HangingMailServer, free_port
from bookings import permissions, services
from bookings.models import Appointment, OutgoingEmail
from bookings.notifications import emails, outbox
from clinic.models import ClinicProfile
from tests.bookings.conftest import (
    LA,
    confirm_booking,
    local,
    make_appointment,
    make_therapist,
    make_user,
    next_weekday_after,
)
from tests.bookings.test_views import DETAILS, flow
from tests.clinic.test_settings import manage
from tests.concurrency import run_at_once

NOW = local(2027, 1, 1, 12)
TEN = local(2027, 1, 4, 10)


# --- helpers -----------------------------------------------------------------------------------


class SlowBackend(EmailBackend):
    """The test backend (mail.outbox), a little slow, so concurrent runs really overlap."""

    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)


@pytest.fixture
def background_delivery(settings):
    settings.EMAIL_DELIVERY = "background"
    yield
    assert outbox.courier.stop(timeout=30), "the courier thread did not finish"


@pytest.fixture
def hanging_server():
    server = HangingMailServer()
    yield server
    if not server.released:
        server.release()


@pytest.fixture
def start():
    return datetime.combine(next_weekday_after(5, weekday=1), clock_time(10), tzinfo=LA)


def book_online(client, therapist, service, starts_at):
    """The patient's last two steps at /book/: details, then confirm; returns the confirm."""
    client.post("/book/details/" + flow(service, therapist, starts_at), DETAILS)
    return confirm_booking(client, flow(service, therapist, starts_at))


def book(therapist, service):
    """Booked with its confirmation email, as online."""
    return make_appointment(
        therapist=therapist, service=service, starts_at=TEN, now=NOW, notify=True
    )


def later(monkeypatch, delta):
    """Move timezone.now() `delta` ahead of the real clock (a cron run after the backoff).

    Patched because send_queued_email and outbox.send_due_emails read the clock and take no
    `now`; purge_old_emails does take one, and its test passes it.
    """
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + delta)


def use_smtp(settings, port, *, timeout):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = timeout


def send_queued_email() -> str:
    out = StringIO()
    call_command("send_queued_email", stdout=out)
    return out.getvalue().strip()


# --- written with the booking, sent after commit ------------------------------------------------


@pytest.mark.django_db
def test_a_booking_writes_one_outbox_row_in_its_transaction_and_inline_delivery_sends_it(
    alex, follow_up, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(alex, follow_up)
        (email,) = OutgoingEmail.objects.all()
        assert (email.status, email.attempts, mailoutbox) == ("pending", 0, [])

    email.refresh_from_db()
    assert email.appointment == appointment and email.kind == "booked"
    assert email.recipient == "pat@example.com"
    assert email.status == "sent" and email.sent_at is not None and email.attempts == 1
    assert email.next_attempt_at is None
    (message,) = mailoutbox
    assert message.subject == email.subject and message.body == email.text
    assert message.attachments[0][1] == email.ics and "BEGIN:VCALENDAR" in email.ics


@pytest.mark.django_db
def test_a_cancellation_says_what_was_true_when_it_was_queued(
    alex, follow_up, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=TEN, now=NOW)
    profile = ClinicProfile.load()
    profile.name = "Sports & Spine"
    profile.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.cancel_appointment(appointment=appointment, by_patient=False, now=NOW)
    profile.name = "Renamed Clinic"
    profile.save()
    for callback in callbacks:
        callback()
    (message,) = mailoutbox
    assert "Sports & Spine" in message.subject and "Renamed" not in message.body


@pytest.mark.django_db
def test_a_confirmation_is_queued_unwritten_with_its_booking_and_written_when_sent(
    alex, follow_up, mailoutbox, django_capture_on_commit_callbacks
):
    """Its words are written after the commit, outside the therapist's lock."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        appointment = book(alex, follow_up)
    (email,) = OutgoingEmail.objects.all()
    assert (email.kind, email.written, email.subject, email.status) == (
        "booked",
        False,
        "",
        "pending",
    )
    assert email.recipient == "pat@example.com" and email.appointment_starts_at == TEN
    for callback in callbacks:
        callback()
    email.refresh_from_db()
    assert email.written and email.status == "sent"
    (message,) = mailoutbox
    assert message.subject == email.subject and alex.display_name in message.body
    assert appointment.manage_token in message.body and "BEGIN:VCALENDAR" in email.ics


@pytest.mark.django_db
def test_a_confirmation_left_unwritten_by_a_lost_worker_is_written_and_sent_by_the_next_run(
    alex, follow_up, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        book(alex, follow_up)  # the worker died before its after-commit send
    assert send_queued_email().startswith("Sent 1 email;")
    email = OutgoingEmail.objects.get()
    assert email.written and email.status == "sent" and "Pat Example" in email.text
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_confirmation_that_cannot_be_written_is_retried_and_the_booking_stands(
    alex, follow_up, monkeypatch, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise LookupError("template missing")

    with monkeypatch.context() as patched:
        patched.setattr(emails, "render_templated_email", broken)
        with django_capture_on_commit_callbacks(execute=True):
            appointment = book(alex, follow_up)
    assert Appointment.objects.get().pk == appointment.pk
    email = OutgoingEmail.objects.get()
    assert (email.written, email.status, email.attempts) == (False, "pending", 1)
    assert email.last_error == "LookupError" and mailoutbox == []
    assert f"the booked email for appointment {appointment.pk} (LookupError)" in caplog.text
    assert "pat@example.com" not in caplog.text

    later(monkeypatch, timedelta(hours=1))  # the template is back, the backoff is over
    send_queued_email()
    email.refresh_from_db()
    assert email.written and email.status == "sent" and len(mailoutbox) == 1


@pytest.mark.django_db
def test_an_email_that_cannot_be_queued_is_logged_and_the_change_stands(
    alex, follow_up, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=TEN, now=NOW)

    def broken(*args, **kwargs):
        raise LookupError("template missing")

    monkeypatch.setattr(emails, "render_templated_email", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=appointment, by_patient=False, now=NOW)
    assert Appointment.objects.get().status == "cancelled"
    assert not OutgoingEmail.objects.exists()
    assert (
        f"Could not queue the cancelled email for appointment {appointment.pk} (LookupError)"
        in caplog.text
    )


# --- a mail server that hangs or is down ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_hanging_mail_server_does_not_hold_up_the_booking_and_the_email_is_sent_later(
    client,
    alex,
    follow_up,
    start,
    settings,
    caplog,
    monkeypatch,
    background_delivery,
    hanging_server,
):
    use_smtp(settings, hanging_server.port, timeout=2)
    caplog.set_level(logging.INFO)

    response = book_online(client, alex, follow_up, start)

    # The patient has their answer while the mail server has not said a word...
    assert response.status_code == 302 and response["Location"] == "/book/confirmed/"
    assert not hanging_server.released
    appointment = Appointment.objects.get()
    email = OutgoingEmail.objects.get()
    assert email.appointment == appointment
    assert (email.status, email.attempts) == ("pending", 0)  # the send is still under way
    assert "Could not send" not in caplog.text
    # ...and it is not for want of trying: the courier is connected and waiting on it.
    assert hanging_server.connected.wait(timeout=10)

    assert outbox.courier.stop(timeout=30)  # EMAIL_TIMEOUT ends the wait
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (
        "pending",
        1,
        "SMTPServerDisconnected after TimeoutError",
    )
    assert email.next_attempt_at > email.last_attempt_at
    failures = [r.getMessage() for r in caplog.records if "Could not send" in r.getMessage()]
    assert failures == [
        f"Could not send the booked email for appointment {appointment.pk} "
        "(SMTPServerDisconnected after TimeoutError); "
        f"attempt 1 of {outbox.MAX_ATTEMPTS}, retrying in 1 min"
    ]
    assert "pat@example.com" not in caplog.text
    assert appointment.manage_token not in caplog.text
    hanging_server.release()

    # The mail server is back; cron's next run after the backoff sends it, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later(monkeypatch, timedelta(minutes=2))
    assert send_queued_email().startswith("Sent 1 email;")
    assert send_queued_email().startswith("Sent 0 emails;")
    (message,) = mail.outbox
    assert message.to == ["pat@example.com"] and "is booked" in message.subject
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_is_down_fails_fast_is_logged_and_retried_later(
    client, alex, follow_up, start, settings, caplog, monkeypatch, background_delivery
):
    use_smtp(settings, free_port(), timeout=2)

    response = book_online(client, alex, follow_up, start)

    assert response.status_code == 302
    assert outbox.courier.stop(timeout=30)
    appointment = Appointment.objects.get()
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == ("pending", 1)
    assert email.last_error == "ConnectionRefusedError"
    assert (
        f"Could not send the booked email for appointment {appointment.pk} "
        "(ConnectionRefusedError)" in caplog.text
    )
    assert "pat@example.com" not in caplog.text

    # Still down a minute later: another attempt, a longer wait.
    later(monkeypatch, timedelta(minutes=2))
    assert send_queued_email().startswith("Sent 0 emails; 1 to retry later")
    email.refresh_from_db()
    assert email.attempts == 2
    assert email.next_attempt_at - email.last_attempt_at == timedelta(minutes=5)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_queued_email().startswith("Sent 0 emails;")  # not due yet
    # The operator fixed the mail server and does not wait out the backoff.
    out = StringIO()
    call_command("send_queued_email", "--now", stdout=out)
    assert out.getvalue().startswith("Sent 1 email;")
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.get().status == "sent"


# --- send_queued_email -------------------------------------------------------------------------


@pytest.fixture
def queued_emails(alex, follow_up):
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    starts = [local(2027, 1, 4, 13) + timedelta(minutes=30 * i) for i in range(6)]
    appointments = [
        make_appointment(
            therapist=therapist,
            service=follow_up,
            starts_at=starts_at,
            email=f"patient{index}-{therapist.pk}@example.com",
        )
        for index, starts_at in enumerate(starts)
        for therapist in (alex, sam)
    ]
    # Written as a booking writes them; not handed to anyone (as if the web worker was killed).
    return [emails.queue_appointment_email(a, kind=emails.BOOKED) for a in appointments]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("runs", [2, 4])
def test_runs_at_the_same_moment_send_each_email_exactly_once(queued_emails, settings, runs):
    settings.EMAIL_BACKEND = "tests.bookings.test_outbox.SlowBackend"

    outcomes = run_at_once([outbox.send_due_emails] * runs)

    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    sent = [email_id for _, run in outcomes for email_id in run.sent]
    assert sorted(sent) == sorted(email.pk for email in queued_emails)
    assert sum(1 for _, run in outcomes if run.sent) > 1  # they really shared the work
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        email.recipient for email in queued_emails
    )
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
def test_a_later_email_waits_for_an_earlier_one_of_the_same_appointment(
    alex, follow_up, settings, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.bookings.failing_backend.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(alex, follow_up)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_appointment(
            appointment=appointment, starts_at=TEN + timedelta(hours=1), now=NOW
        )
    assert mailoutbox == []  # "moved" does not overtake "booked"

    later(monkeypatch, timedelta(minutes=2))
    send_queued_email()
    assert len(mailoutbox) == 2
    assert "is booked" in mailoutbox[0].subject and "has moved" in mailoutbox[1].subject


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["cancelled", "moved"])
def test_a_reminder_retried_after_its_appointment_changed_is_withdrawn(
    alex, follow_up, settings, monkeypatch, mailoutbox, change
):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=TEN)
    reminder = emails.queue_appointment_email(appointment, kind=emails.REMINDER)
    settings.EMAIL_BACKEND = "tests.bookings.failing_backend.FailingBackend"
    assert outbox.send_email(reminder.pk) == outbox.RETRYING  # the mail server is down
    if change == "cancelled":
        services.cancel_appointment(appointment=appointment, now=NOW, notify=False)
    else:
        services.reschedule_appointment(
            appointment=appointment, starts_at=TEN + timedelta(hours=1), now=NOW, notify=False
        )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later(monkeypatch, timedelta(minutes=2))

    assert "1 out-of-date reminder withdrawn;" in send_queued_email()

    assert mailoutbox == []  # no "see you at 10:00" for a time that no longer holds
    reminder.refresh_from_db()
    assert reminder.status == "withdrawn" and reminder.attempts == 1
    assert not OutgoingEmail.objects.undelivered().exists()  # nothing for the front desk


@pytest.mark.django_db
def test_it_gives_up_after_the_last_attempt_logs_it_and_exits_non_zero(
    alex, follow_up, settings, caplog
):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=TEN)
    email = emails.queue_appointment_email(appointment, kind=emails.BOOKED)
    OutgoingEmail.objects.filter(pk=email.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    settings.EMAIL_BACKEND = "tests.bookings.failing_backend.FailingBackend"

    with pytest.raises(CommandError, match="Gave up on 1 email after 10 attempts"):
        send_queued_email()

    email.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == ("failed", 10, None)
    assert "attempt 10 of 10, given up" in caplog.text
    assert outbox.send_due_emails().sent == []  # never tried again by itself


def test_the_backoff_lasts_about_a_day():
    assert timedelta(hours=20) < sum(outbox.BACKOFF, timedelta()) < timedelta(hours=30)


@pytest.mark.django_db
def test_sent_emails_are_purged_after_thirty_days_and_undelivered_ones_kept(alex, follow_up):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=TEN)
    now = timezone.now()

    def queued(**fields):
        email = emails.queue_appointment_email(appointment, kind=emails.BOOKED)
        OutgoingEmail.objects.filter(pk=email.pk).update(**fields)
        return email.pk

    old_sent = queued(status="sent", sent_at=now - timedelta(days=31), next_attempt_at=None)
    recent_sent = queued(status="sent", sent_at=now - timedelta(days=29), next_attempt_at=None)
    old_failed = queued(status="failed", next_attempt_at=None)
    old_handled = queued(status="failed", next_attempt_at=None, handled_at=now - timedelta(days=31))
    pending = queued(next_attempt_at=now + timedelta(hours=1))
    OutgoingEmail.objects.update(created_at=now - timedelta(days=40))

    assert send_queued_email() == "Sent 0 emails; 0 to retry later; purged 2 old emails."
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {
        recent_sent,
        old_failed,
        pending,
    }
    assert old_sent not in OutgoingEmail.objects.values_list("pk", flat=True)
    assert old_handled not in OutgoingEmail.objects.values_list("pk", flat=True)


def test_a_malformed_email_delivery_stops_start_up_naming_the_variable():
    result = manage("check", DEBUG="true", EMAIL_DELIVERY="sometimes")
    assert result.returncode != 0
    assert "EMAIL_DELIVERY='SOMETIMES' must be one of BACKGROUND, INLINE, PROCESS" in result.stderr


# --- a process of its own: send_queued_email --watch ------------------------------------------


class WatcherThread:
    """An outbox.Watcher running in a thread with its own connection, as the process would."""

    def __init__(self, **options):
        self.watcher = outbox.Watcher(**options)
        self.thread = threading.Thread(target=self.watcher.run, daemon=True)
        self.thread.start()

    def stop(self):
        self.watcher.stop()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "the watcher did not stop"


@pytest.fixture
def watching(settings):
    settings.EMAIL_DELIVERY = "process"
    started = []

    def start(**options):
        started.append(WatcherThread(**options))
        return started[-1]

    yield start
    for watcher in started:
        watcher.stop()


def status_within(email, seconds, wanted="sent"):
    deadline = time.monotonic() + seconds
    while True:
        email.refresh_from_db()
        if email.status == wanted or time.monotonic() > deadline:
            return email.status
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_with_process_delivery_a_booking_sends_nothing_itself_and_announces_its_commit(
    alex, follow_up, settings
):
    settings.EMAIL_DELIVERY = "process"
    listener = psycopg2_listener()
    try:
        book(alex, follow_up)
        email = OutgoingEmail.objects.get()
        assert (email.status, email.written, mail.outbox) == ("pending", False, [])
        assert outbox.courier._thread is None  # no thread of the web process was started
        assert select.select([listener], [], [], 10)[0], "no announcement"
        listener.poll()
        assert [note.channel for note in listener.notifies] == [outbox.CHANNEL]
    finally:
        listener.close()


def psycopg2_listener():
    """A connection of its own LISTENing on the outbox's channel, as the watcher does."""
    params = connection.get_connection_params()
    listener = psycopg2.connect(**params)
    listener.autocommit = True
    with listener.cursor() as cursor:
        cursor.execute(f"LISTEN {outbox.CHANNEL}")
    return listener


@pytest.mark.django_db(transaction=True)
def test_the_watcher_sends_each_email_as_its_booking_commits(alex, follow_up, watching):
    # A sweep only every minute: what goes out sooner went on its announcement.
    watcher = watching(sweep_every=60)
    first = make_appointment(therapist=alex, service=follow_up, starts_at=TEN, now=NOW, notify=True)
    # Listening before its first sweep, which sends this one whether or not it heard it.
    assert status_within(OutgoingEmail.objects.get(appointment=first), 10) == "sent"

    second = make_appointment(
        therapist=alex, service=follow_up, starts_at=TEN + timedelta(hours=1), now=NOW, notify=True
    )
    email = OutgoingEmail.objects.get(appointment=second)
    assert status_within(email, 10) == "sent"
    assert email.written and email.attempts == 1
    assert sorted(message.to[0] for message in mail.outbox) == ["pat@example.com"] * 2
    assert second.manage_token in mail.outbox[1].body
    watcher.stop()
    assert len(mail.outbox) == 2  # each once


@pytest.mark.django_db(transaction=True)
def test_the_watcher_sends_what_no_one_announced_on_its_next_sweep(
    alex, follow_up, watching, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        make_appointment(therapist=alex, service=follow_up, starts_at=TEN, now=NOW, notify=True)
    watching(sweep_every=0.2)
    email = OutgoingEmail.objects.get()
    assert status_within(email, 10) == "sent"
    # Committed after the first sweep, and never announced either.
    with django_capture_on_commit_callbacks(execute=False):
        make_appointment(
            therapist=alex,
            service=follow_up,
            starts_at=TEN + timedelta(hours=1),
            now=NOW,
            notify=True,
        )
    assert status_within(OutgoingEmail.objects.latest("pk"), 10) == "sent"
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_the_watcher_outlives_a_lost_database_connection_and_logs_it_once(
    alex, follow_up, watching, monkeypatch, caplog
):
    monkeypatch.setattr(outbox, "RECONNECT_EVERY", 0.2)
    caplog.set_level(logging.INFO, logger="bookings.outbox")
    watching(sweep_every=60)
    first = make_appointment(therapist=alex, service=follow_up, starts_at=TEN, now=NOW, notify=True)
    assert status_within(OutgoingEmail.objects.get(appointment=first), 10) == "sent"

    with connection.cursor() as cursor:  # the watcher's is the one other client of this database
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
            "current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        assert cursor.fetchall() == [(True,)]
    second = make_appointment(
        therapist=alex, service=follow_up, starts_at=TEN + timedelta(hours=1), now=NOW, notify=True
    )

    assert status_within(OutgoingEmail.objects.get(appointment=second), 15) == "sent"
    messages = [record.getMessage() for record in caplog.records]
    # Django's OperationalError, wrapping psycopg2's.
    assert [m for m in messages if "database unavailable" in m] == [
        "Outbox watcher: database unavailable (OperationalError after OperationalError)"
    ]
    assert "Outbox watcher: the database is back" in messages
    assert len(mail.outbox) == 2


def test_the_watch_command_stops_on_sigterm_and_restores_the_signal_handlers(monkeypatch):
    ran = []
    monkeypatch.setattr(outbox.Watcher, "run", lambda watcher: ran.append(watcher) or _sigterm())
    before = signal.getsignal(signal.SIGTERM)
    out = StringIO()

    call_command("send_queued_email", "--watch", "--nice", "0", stdout=out)

    assert ran and ran[0]._stopping  # SIGTERM asked the watcher to stop
    assert signal.getsignal(signal.SIGTERM) is before
    assert out.getvalue().splitlines() == [
        "Sending the outbox's emails as they are committed; Ctrl-C stops.",
        "Stopped.",
    ]


def _sigterm():
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.1)  # the handler runs in this (the main) thread, at the next bytecode


# --- the front desk sees what was not delivered ------------------------------------------------


@pytest.fixture
def failed_email(alex, follow_up):
    appointment = make_appointment(
        therapist=alex, service=follow_up, starts_at=TEN, email="hard.to.reach@example.com"
    )
    email = emails.queue_appointment_email(appointment, kind=emails.BOOKED)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status="failed", attempts=10, next_attempt_at=None, last_error="SMTPRecipientsRefused"
    )
    return email


@pytest.fixture
def desk(db):
    """Front desk: reads the outbox (the group's permissions, repaired after a flush)."""
    permissions.ensure_staff_groups()
    return make_user("desk", groups=["Front desk"], staff=True)


@pytest.fixture
def editor(db):
    """A content editor: staff, but not the outbox."""
    permissions.ensure_staff_groups()
    return make_user("editor", groups=["Content editors"], staff=True)


LIST = "/admin/bookings/outgoingemail/"


@pytest.mark.django_db
def test_the_admin_index_tells_the_front_desk_whom_to_phone(client, desk, failed_email):
    client.force_login(desk)
    page = client.get("/admin/").content.decode()
    assert "1 email to patients could not be delivered." in page
    assert f'href="{LIST}?status__exact=failed&amp;handled_at__isempty=1"' in page

    listing = client.get(f"{LIST}?status__exact=failed&handled_at__isempty=1")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "hard.to.reach@example.com" in body and "SMTPRecipientsRefused" in body
    assert f'href="/admin/bookings/appointment/{failed_email.appointment_id}/change/"' in body
    by_appointment = client.get(f"{LIST}?q={failed_email.appointment_id}").content.decode()
    assert "hard.to.reach@example.com" in by_appointment


@pytest.mark.django_db
def test_no_notice_when_every_email_went(client, desk, alex, follow_up):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=TEN)
    emails.queue_appointment_email(appointment, kind=emails.BOOKED)  # pending, not failed
    client.force_login(desk)
    assert 'id="undelivered-emails"' not in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_the_list_is_read_only(client, desk, failed_email):
    client.force_login(desk)
    change = f"{LIST}{failed_email.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"status": "sent"}).status_code == 403
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.get(f"{LIST}{failed_email.pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_a_therapist_and_an_editor_are_refused(client, alex_user, editor, failed_email):
    client.force_login(alex_user)
    response = client.get(LIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert "could not be delivered" not in client.get("/admin/", follow=True).content.decode()

    client.force_login(editor)
    assert client.get(LIST).status_code == 403
    assert "could not be delivered" not in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_marking_handled_clears_the_notice(client, desk, failed_email):
    client.force_login(desk)
    response = client.post(
        LIST, {"action": "mark_handled", "_selected_action": [failed_email.pk]}, follow=True
    )
    assert "1 email marked handled." in response.content.decode()
    failed_email.refresh_from_db()
    assert failed_email.handled_by == desk and failed_email.handled_at is not None
    assert 'id="undelivered-emails"' not in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_send_again_sends_a_failed_email(
    client, desk, failed_email, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(desk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            LIST, {"action": "send_again", "_selected_action": [failed_email.pk]}, follow=True
        )
    assert "1 email will be sent again." in response.content.decode()
    (message,) = mailoutbox
    assert message.to == ["hard.to.reach@example.com"]
    failed_email.refresh_from_db()
    assert (failed_email.status, failed_email.attempts) == ("sent", 1)


@pytest.mark.django_db
def test_the_notice_and_the_outbox_pages_are_valid_html(client, desk, failed_email, html_errors):
    client.force_login(desk)
    pages = {
        "admin index with the notice": client.get("/admin/"),
        "failed emails": client.get(f"{LIST}?status__exact=failed&handled_at__isempty=1"),
        "one email": client.get(f"{LIST}{failed_email.pk}/change/"),
    }
    assert {name: response.status_code for name, response in pages.items()} == dict.fromkeys(
        pages, 200
    )
    assert 'id="undelivered-emails"' in pages["admin index with the notice"].content.decode()
    assert html_errors(pages) == []
