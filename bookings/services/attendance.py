"""Attendance: whether the patient came, undoing it on the same clinic day, and the front desk's
corrections."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from bookings.models import (
    Appointment,
    AppointmentEvent,
)
from bookings.services.common import (
    _lock,
    _record,
    refuse,
)
from clinic.clock import describe_moment, local_today

if TYPE_CHECKING:
    from bookings.services.common import Actor


def may_mark_attendance(appointment: Appointment, *, now: datetime | None = None) -> bool:
    """Whether the schedule offers "Attended" / "No-show": from its day on, never when cancelled."""
    now = now or timezone.now()
    return appointment.status == Appointment.Status.BOOKED and (
        appointment.starts_at <= now
        or local_today(now=appointment.starts_at) <= local_today(now=now)
    )


@transaction.atomic
def mark_attendance(
    *,
    appointment: Appointment,
    attended: bool,
    actor: Actor = None,
    now: datetime | None = None,
    allow_before_the_day: bool = True,
) -> Appointment:
    """Record that the patient came (or did not). The time stays held either way.

    The schedule passes `allow_before_the_day=False`: a therapist marks an appointment on its
    clinic day or later. The admin's edit form may correct any appointment.
    """
    now = now or timezone.now()
    appointment = _lock(appointment)
    if appointment.status == Appointment.Status.CANCELLED:
        refuse("attendance_of_cancelled")
    if not allow_before_the_day and local_today(now=appointment.starts_at) > local_today(now=now):
        refuse("not_yet")
    status = Appointment.Status.ATTENDED if attended else Appointment.Status.NO_SHOW
    if appointment.status == status:
        return appointment
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    _record(
        appointment,
        action=AppointmentEvent.Action.ATTENDED if attended else AppointmentEvent.Action.NO_SHOW,
        actor=actor,
        detail=f"{'Attended' if attended else 'No-show'}: {describe_moment(appointment.starts_at)}",
    )
    return appointment


def may_undo_attendance(appointment: Appointment, *, now: datetime | None = None) -> bool:
    """Whether "Undo" is still offered: attendance marked earlier the same clinic day."""
    if appointment.status not in (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW):
        return False
    marked_at = _attendance_marked_at(appointment)
    return local_today(now=marked_at) == local_today(now=now)


def _attendance_marked_at(appointment: Appointment) -> datetime:
    marks = (AppointmentEvent.Action.ATTENDED, AppointmentEvent.Action.NO_SHOW)
    # Use prefetched events when the schedule has them: no query per appointment.
    events = [event for event in appointment.events.all() if event.action in marks]
    return max((event.created_at for event in events), default=appointment.updated_at)


@transaction.atomic
def undo_attendance(
    *, appointment: Appointment, actor: Actor = None, now: datetime | None = None
) -> Appointment:
    """Back to booked, on the clinic day the attendance was recorded; after that it stands."""
    now = now or timezone.now()
    appointment = _lock(appointment)
    if appointment.status not in (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW):
        refuse("not_marked")
    if not may_undo_attendance(appointment, now=now):
        refuse("undo_too_late")
    was = appointment.get_status_display()
    return _back_to_booked(appointment, actor=actor, detail=f"Undid {was.lower()}: back to booked")


@transaction.atomic
def correct_attendance(
    *, appointment: Appointment, status: str, actor: Actor = None, now: datetime | None = None
) -> Appointment:
    """The front desk's edit form sets the status of an active appointment, on any day.

    Attended or no-show goes through `mark_attendance`; back to booked through the same write as
    `undo_attendance`, without its same-day rule: the admin corrects any appointment.
    """
    if status == appointment.status:
        return appointment
    if status == Appointment.Status.BOOKED:
        was = appointment.get_status_display()
        return _back_to_booked(
            appointment, actor=actor, detail=f"Changed from {was.lower()} back to booked"
        )
    return mark_attendance(
        appointment=appointment,
        attended=status == Appointment.Status.ATTENDED,
        actor=actor,
        now=now,
    )


def _back_to_booked(appointment: Appointment, *, actor: Actor, detail: str) -> Appointment:
    """The one write that returns a marked appointment to booked, with its history line."""
    appointment.status = Appointment.Status.BOOKED
    appointment.save(update_fields=["status", "updated_at"])
    _record(
        appointment,
        action=AppointmentEvent.Action.ATTENDANCE_UNDONE,
        actor=actor,
        detail=detail,
    )
    return appointment
