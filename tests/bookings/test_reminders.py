"""send_reminders: each patient emailed once, the lead time before their appointment.

The concurrency tests are transactional: each thread has its own database connection and
commits for real, as two hosts running the command from cron at the same moment would.
"""

import logging
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from bookings import services
from bookings.models import Appointment, AppointmentEvent
from bookings.notifications import reminders
from tests.bookings.conftest import local, make_appointment, make_therapist
from tests.concurrency import run_at_once

NOW = local(2027, 1, 4, 9)  # Monday 9:00, Pacific time
DAY = timedelta(hours=24)


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for timezone.now(), so auto_now timestamps follow the story's time.

    Only for what takes no `now`: the send_reminders and send_queued_email commands, and the
    appointment's auto_now `updated_at` that decides whether a moved one is reminded again.
    send_due_reminders and the services are given `now=` directly.
    """
    current = [NOW]
    monkeypatch.setattr(timezone, "now", lambda: current[0])
    return current


def book(therapist, service, starts_at, email="pat@example.com"):
    return make_appointment(therapist=therapist, service=service, starts_at=starts_at, email=email)


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


@pytest.mark.django_db
def test_it_emails_each_due_patient_once_across_two_runs(alex, follow_up, mailoutbox):
    soon = book(alex, follow_up, local(2027, 1, 4, 10), "soon@example.com")
    afternoon = book(alex, follow_up, local(2027, 1, 4, 14), "afternoon@example.com")
    edge = book(alex, follow_up, local(2027, 1, 5, 9), "edge@example.com")  # exactly 24 h ahead

    first = reminders.send_due_reminders(now=NOW)
    second = reminders.send_due_reminders(now=NOW + timedelta(minutes=5))

    assert sorted(first.sent) == sorted([soon.pk, afternoon.pk, edge.pk])
    assert second.sent == [] and second.failed == []
    assert recipients(mailoutbox) == [
        "afternoon@example.com",
        "edge@example.com",
        "soon@example.com",
    ]
    soon.refresh_from_db()
    assert soon.reminder_sent_at == NOW


@pytest.mark.django_db
def test_cancelled_past_and_far_future_appointments_get_no_reminder(alex, follow_up, mailoutbox):
    cancelled = book(alex, follow_up, local(2027, 1, 4, 11), "cancelled@example.com")
    services.cancel_appointment(appointment=cancelled, by_patient=False, notify=False, now=NOW)
    book(alex, follow_up, local(2027, 1, 3, 10), "past@example.com")
    book(alex, follow_up, local(2027, 1, 5, 9, 30), "later@example.com")  # 24.5 h ahead
    starting_now = book(alex, follow_up, NOW, "now@example.com")
    attended = book(alex, follow_up, local(2027, 1, 4, 15), "attended@example.com")
    Appointment.objects.filter(pk=attended.pk).update(status=Appointment.Status.ATTENDED)

    run = reminders.send_due_reminders(now=NOW)

    assert run.sent == []
    assert mailoutbox == []
    starting_now.refresh_from_db()
    assert starting_now.reminder_sent_at is None


@pytest.mark.django_db
def test_the_lead_time_comes_from_the_setting(alex, follow_up, mailoutbox, settings):
    settings.REMINDER_LEAD_TIME_HOURS = 48
    in_two_days = book(alex, follow_up, local(2027, 1, 6, 8, 0) + timedelta(hours=1))

    run = reminders.send_due_reminders(now=NOW)

    assert run.sent == [in_two_days.pk]
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_command_sends_due_reminders_and_prints_a_summary(alex, follow_up, mailoutbox, clock):
    book(alex, follow_up, local(2027, 1, 4, 10), "one@example.com")
    book(alex, follow_up, local(2027, 1, 4, 11), "two@example.com")
    book(alex, follow_up, local(2027, 1, 5, 13), "tomorrow@example.com")  # 28 h ahead

    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().strip() == "Sent 2 reminders."

    out = StringIO()
    call_command("send_reminders", "--hours", "30", stdout=out)
    assert out.getvalue().strip() == "Sent 1 reminder."

    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().strip() == "Sent 0 reminders."
    assert len(mailoutbox) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("hours", ["0", "-3", "two", "100000"])
def test_the_command_refuses_a_nonsense_lead_time(hours):
    with pytest.raises(CommandError):
        call_command("send_reminders", "--hours", hours, stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_each_reminder_is_recorded_in_the_appointments_history_by_no_one(
    alex, follow_up, mailoutbox
):
    appointment = book(alex, follow_up, local(2027, 1, 4, 10))

    reminders.send_due_reminders(now=NOW)

    event = AppointmentEvent.objects.get(
        appointment=appointment, action=AppointmentEvent.Action.REMINDER_SENT
    )
    assert event.actor is None
    assert event.detail == "Reminder emailed for Mon 4 Jan 10:00"


@pytest.mark.django_db
def test_a_failed_send_is_logged_without_the_address_and_retried_from_the_outbox_once(
    alex, follow_up, settings, caplog, mailoutbox, clock
):
    settings.EMAIL_BACKEND = "tests.bookings.failing_backend.FailingBackend"
    appointment = book(alex, follow_up, local(2027, 1, 4, 10), "private.person@example.com")

    with caplog.at_level(logging.ERROR, logger="bookings"):
        run = reminders.send_due_reminders(now=NOW)

    assert run.failed == [appointment.pk] and run.sent == []
    assert f"Could not send the reminder email for appointment {appointment.pk}" in caplog.text
    assert "ConnectionRefusedError" in caplog.text
    assert "private.person@example.com" not in caplog.text
    assert appointment.manage_token not in caplog.text
    assert not AppointmentEvent.objects.filter(
        action=AppointmentEvent.Action.REMINDER_SENT
    ).exists()

    # The claim stands: the next reminders run does not queue it again...
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock[0] = NOW + timedelta(minutes=5)
    again = reminders.send_due_reminders(now=clock[0])
    assert again.sent == [] and again.failed == []
    assert mailoutbox == []
    # ...the outbox retries the one it queued, and records it in the history once it went.
    call_command("send_queued_email", stdout=StringIO())
    call_command("send_queued_email", stdout=StringIO())
    (message,) = mailoutbox
    assert message.to == ["private.person@example.com"]
    assert message.subject.startswith("Reminder:")
    event = AppointmentEvent.objects.get(action=AppointmentEvent.Action.REMINDER_SENT)
    assert event.appointment == appointment
    assert event.detail == "Reminder emailed for Mon 4 Jan 10:00"


@pytest.mark.django_db
def test_the_command_reports_failures_with_a_non_zero_exit(alex, follow_up, settings, clock):
    settings.EMAIL_BACKEND = "tests.bookings.failing_backend.FailingBackend"
    book(alex, follow_up, local(2027, 1, 4, 10))
    out = StringIO()
    with pytest.raises(CommandError, match="Could not send 1 reminder"):
        call_command("send_reminders", stdout=out)
    assert out.getvalue().strip() == "Sent 0 reminders."


# --- moved appointments ---------------------------------------------------------------------


@pytest.mark.django_db
def test_an_appointment_moved_to_a_later_day_after_its_reminder_gets_one_for_the_new_time(
    alex, follow_up, mailoutbox, clock
):
    clock[0] = local(2027, 1, 1, 12)
    appointment = book(alex, follow_up, local(2027, 1, 5, 10))
    clock[0] = local(2027, 1, 4, 10)
    assert reminders.send_due_reminders(now=clock[0]).sent == [appointment.pk]

    clock[0] = local(2027, 1, 4, 15)  # the patient calls: Thursday instead
    services.reschedule_appointment(
        appointment=appointment,
        starts_at=local(2027, 1, 7, 10),
        by_patient=False,
        notify=False,
        now=clock[0],
    )
    clock[0] = local(2027, 1, 5, 10)
    assert reminders.send_due_reminders(now=clock[0]).sent == []  # not due yet
    clock[0] = local(2027, 1, 6, 10)
    assert reminders.send_due_reminders(now=clock[0]).sent == [appointment.pk]
    clock[0] = local(2027, 1, 6, 10, 5)
    assert reminders.send_due_reminders(now=clock[0]).sent == []

    assert len(mailoutbox) == 2
    assert "Thursday 7 January 2027" in mailoutbox[1].body


@pytest.mark.django_db
def test_a_change_within_the_reminder_window_sends_no_second_reminder(
    alex, follow_up, mailoutbox, clock
):
    clock[0] = local(2027, 1, 1, 12)
    appointment = book(alex, follow_up, local(2027, 1, 5, 14))
    clock[0] = local(2027, 1, 4, 15)
    assert reminders.send_due_reminders(now=clock[0]).sent == [appointment.pk]

    clock[0] = local(2027, 1, 4, 16)
    services.reschedule_appointment(  # an hour earlier, the same day
        appointment=appointment,
        starts_at=local(2027, 1, 5, 13),
        by_patient=False,
        notify=False,
        now=clock[0],
    )
    Appointment.objects.filter(pk=appointment.pk).update(
        reason="Left knee", updated_at=local(2027, 1, 4, 17)
    )
    clock[0] = local(2027, 1, 4, 18)
    assert reminders.send_due_reminders(now=clock[0]).sent == []
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_longer_lead_time_later_does_not_remind_an_unchanged_appointment_again(
    alex, follow_up, mailoutbox, clock
):
    clock[0] = local(2027, 1, 1, 12)
    book(alex, follow_up, local(2027, 1, 6, 10))
    clock[0] = local(2027, 1, 4, 10)
    assert len(reminders.send_due_reminders(now=clock[0], lead_time=timedelta(hours=48)).sent) == 1
    clock[0] = local(2027, 1, 5, 10)
    assert reminders.send_due_reminders(now=clock[0], lead_time=DAY).sent == []
    assert len(mailoutbox) == 1


# --- two hosts at once ------------------------------------------------------------------------


@pytest.fixture
def due_appointments(alex, follow_up):
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    starts = [local(2027, 1, 4, 13) + timedelta(minutes=30 * i) for i in range(8)]
    return [
        book(therapist, follow_up, start, f"patient{index}-{therapist.pk}@example.com")
        for index, start in enumerate(starts)
        for therapist in (alex, sam)
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("runs", [2, 4])
def test_runs_at_the_same_moment_email_each_patient_exactly_once(
    due_appointments, mailoutbox, runs
):
    outcomes = [
        value for _, value in run_at_once([lambda: reminders.send_due_reminders(now=NOW)] * runs)
    ]

    assert all(isinstance(outcome, reminders.ReminderRun) for outcome in outcomes), outcomes
    sent = [pk for outcome in outcomes for pk in outcome.sent]
    assert sorted(sent) == sorted(appointment.pk for appointment in due_appointments)
    assert recipients(mailoutbox) == sorted(
        appointment.patient.email for appointment in due_appointments
    )
    assert AppointmentEvent.objects.filter(
        action=AppointmentEvent.Action.REMINDER_SENT
    ).count() == len(due_appointments)
    assert not Appointment.objects.filter(reminder_sent_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_run_skips_appointments_another_run_is_claiming_and_finds_them_done_after(
    due_appointments, mailoutbox
):
    claimed, release = threading.Event(), threading.Event()
    held = []

    def slow_claim():
        # The first host has claimed every due appointment but not yet committed.
        with transaction.atomic():
            held.extend(reminders.claim_due_reminders(now=NOW, lead_time=DAY))
            claimed.set()
            release.wait(timeout=30)
        return held

    def second_host():
        assert claimed.wait(timeout=30)
        try:
            return reminders.send_due_reminders(now=NOW)
        finally:
            release.set()

    (_, first), (_, second) = run_at_once([slow_claim, second_host])

    assert sorted(email.appointment_id for email in first) == sorted(
        appointment.pk for appointment in due_appointments
    )
    assert second.sent == [] and second.failed == []  # skipped the locked rows, did not wait
    # After the first host committed, a third run finds nothing left to send.
    assert reminders.send_due_reminders(now=NOW).sent == []
    assert mailoutbox == []  # the first host's sending step is not part of this test
