"""Reminder emails: each patient once, a lead time (default 24 hours) before their appointment.

`manage.py send_reminders` runs `send_due_reminders` from cron every few minutes, on any number
of hosts, possibly at the same moment. Two steps:

1. Claim: one short transaction selects the due appointments FOR UPDATE SKIP LOCKED, stamps
   `reminder_sent_at` and writes each reminder to the outbox (`OutgoingEmail`). A run that starts
   while another holds those rows skips them; one that reaches them after the other committed
   re-checks the row (PostgreSQL re-evaluates the WHERE clause on the committed version) and no
   longer finds it due. So each appointment is claimed, and its reminder queued, exactly once.
2. Send, after the commit, through the outbox (notifications/outbox.py): a slow mail server holds
   no appointment's lock.

A send that fails is logged (appointment id only) and retried from the outbox by
`manage.py send_queued_email` with backoff, never by claiming the appointment again: the patient
gets that one reminder, late rather than never, and never twice. The appointment's history says
"Reminder sent" once it really went; one given up on shows on the admin index, so the front desk
can call.

Moved appointments: a reminder counts for the time it was sent for. When an appointment changed
after its reminder (`updated_at` later than `reminder_sent_at`) and that reminder went out before
the lead window of the current start time, it was for an earlier time and the appointment is due
again. Editing the reason, or moving it earlier, sends no second reminder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from bookings.models import Appointment, OutgoingEmail
from bookings.notifications import emails, outbox
from clinic.models import ClinicProfile

logger = logging.getLogger("bookings.reminders")  # named as before the move to notifications/


@dataclass
class ReminderRun:
    """What one run did: the ids of the appointments reminded, and of those whose reminder
    failed (it stays in the outbox, retried by send_queued_email)."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def default_lead_time() -> timedelta:
    return timedelta(hours=settings.REMINDER_LEAD_TIME_HOURS)


def due_for_reminder(*, now: datetime, lead_time: timedelta) -> QuerySet[Appointment]:
    """Booked appointments starting within `lead_time` of `now` whose patient has no reminder."""
    # Never reminded, or reminded for an earlier time and moved since (see the docstring).
    not_yet_reminded = Q(reminder_sent_at__isnull=True) | (
        Q(reminder_sent_at__lt=F("updated_at")) & Q(reminder_sent_at__lt=F("starts_at") - lead_time)
    )
    return Appointment.objects.filter(
        not_yet_reminded,
        status=Appointment.Status.BOOKED,
        starts_at__gt=now,
        starts_at__lte=now + lead_time,
    )


def claim_due_reminders(*, now: datetime, lead_time: timedelta) -> list[OutgoingEmail]:
    """Mark the due appointments as reminded and queue their reminders, in one transaction.

    Returns the reminders this run queued (and so must send), one per appointment it won.
    """
    with transaction.atomic():
        appointments = list(
            due_for_reminder(now=now, lead_time=lead_time)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("therapist", "service", "patient")
            .order_by("starts_at", "pk")
        )
        if not appointments:
            return []
        profile = ClinicProfile.load()
        queued = []
        for appointment in appointments:
            try:
                with transaction.atomic():
                    queued.append(
                        emails.queue_appointment_email(
                            appointment, kind=emails.REMINDER, profile=profile
                        )
                    )
            except Exception as error:
                # Left unclaimed: the next run tries again (and logs again) rather than
                # forgetting this patient.
                logger.error(
                    "Could not queue the reminder email for appointment %s (%s)",
                    appointment.pk,
                    outbox.describe_error(error),
                )
        Appointment.objects.filter(pk__in=[email.appointment_id for email in queued]).update(
            reminder_sent_at=now
        )
    return queued


def send_due_reminders(
    *, now: datetime | None = None, lead_time: timedelta | None = None
) -> ReminderRun:
    """Claim the appointments due a reminder, then email each patient once (see the docstring)."""
    now = now or timezone.now()
    lead_time = lead_time or default_lead_time()
    run = ReminderRun()
    for email in claim_due_reminders(now=now, lead_time=lead_time):
        outcome = outbox.send_email(email.pk)
        if outcome == outbox.SENT:
            run.sent.append(email.appointment_id)
        elif outcome in {outbox.RETRYING, outbox.GAVE_UP}:
            run.failed.append(email.appointment_id)
        # None: a send_queued_email run that started meanwhile holds it, and sends it.
    logger.info("Sent %s reminders (%s failed, to be retried)", len(run.sent), len(run.failed))
    return run
