"""Reminder emails: each patient once, a lead time (default 24 hours) before their appointment.

`manage.py send_reminders` runs `send_due_reminders` from cron every few minutes, on any number
of hosts, possibly at the same moment. Two steps:

1. Claim: one short transaction selects the due appointments FOR UPDATE SKIP LOCKED and stamps
   `reminder_sent_at`. A run that starts while another holds those rows skips them; one that
   reaches them after the other committed re-checks the row (PostgreSQL re-evaluates the WHERE
   clause on the committed version) and no longer finds it due. So each appointment is claimed
   by exactly one run.
2. Send, after the commit, outside any transaction: a slow mail server holds no lock.

Delivery is at most once. A send that fails is logged (appointment id only) and not retried: the
claim stands, so a mail server that refuses an address is not hammered every five minutes, and a
patient never gets the same reminder twice. The appointment's history shows no "Reminder sent",
which tells the front desk to call.

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

from bookings import emails
from bookings.availability import clinic_zone
from bookings.models import Appointment, AppointmentEvent
from conditions.models import ClinicProfile

logger = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    """What one run did: the ids of the appointments reminded, and of those that failed."""

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


def claim_due_reminders(*, now: datetime, lead_time: timedelta) -> list[int]:
    """Mark the due appointments as reminded, in one transaction; returns the ids this run won."""
    with transaction.atomic():
        claimed = list(
            due_for_reminder(now=now, lead_time=lead_time)
            .select_for_update(skip_locked=True)
            .order_by("starts_at", "pk")
            .values_list("pk", flat=True)
        )
        if claimed:
            Appointment.objects.filter(pk__in=claimed).update(reminder_sent_at=now)
    return claimed


def send_due_reminders(
    *, now: datetime | None = None, lead_time: timedelta | None = None
) -> ReminderRun:
    """Claim the appointments due a reminder, then email each patient once (see the docstring)."""
    now = now or timezone.now()
    lead_time = lead_time or default_lead_time()
    run = ReminderRun()
    claimed = claim_due_reminders(now=now, lead_time=lead_time)
    if not claimed:
        return run
    profile = ClinicProfile.load()
    appointments = (
        Appointment.objects.select_related("therapist", "service", "patient")
        # Cancelled in the instant since the claim: no reminder for it.
        .filter(pk__in=claimed, status=Appointment.Status.BOOKED)
        .order_by("starts_at", "pk")
    )
    for appointment in appointments:
        try:
            emails.deliver_appointment_email(appointment, kind=emails.REMINDER, profile=profile)
        except Exception as error:
            emails.log_failure(emails.REMINDER, appointment.pk, error)
            run.failed.append(appointment.pk)
            continue
        AppointmentEvent.objects.create(
            appointment=appointment,
            actor=None,
            action=AppointmentEvent.Action.REMINDER_SENT,
            detail=f"Reminder emailed for {_describe(appointment.starts_at)}",
        )
        run.sent.append(appointment.pk)
    logger.info("Sent %s reminders (%s failed)", len(run.sent), len(run.failed))
    return run


def _describe(moment: datetime) -> str:
    local = moment.astimezone(clinic_zone())
    return f"{local:%a} {local.day} {local:%b} {local:%H:%M} {local.tzname()}"
