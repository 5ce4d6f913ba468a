"""Time off: blocking a therapist's time, and giving it back."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from bookings.models import (
    Appointment,
    Therapist,
    TimeOff,
)
from bookings.services import waitlist
from bookings.services.common import (
    _lock_therapist,
    logger,
    refuse,
)
from clinic.clock import describe_moment, local

# The days of a long time off that, given back, are offered to the waiting list: the booking
# horizon's worth at most.
WAITLIST_DAYS = 90

if TYPE_CHECKING:
    from bookings.services.common import Actor


@transaction.atomic
def block_time_off(
    *,
    therapist: Therapist,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
    actor: Actor = None,
    now: datetime | None = None,
) -> TimeOff:
    """Take `starts_at`..`ends_at` out of the therapist's bookable time, at once.

    Refused while it would cover an active appointment (`covers_appointments`, naming them):
    move or cancel those first. The therapist's row is locked before the check, and booking
    takes the same lock, so no booking can slip in between the check and the insert.
    """
    now = now or timezone.now()
    if ends_at <= starts_at:
        refuse("ends_before_start")
    if ends_at <= now:
        refuse("time_off_in_past")
    therapist = _lock_therapist(therapist)
    covered = list(
        Appointment.objects.active()
        .filter(therapist=therapist, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .select_related("patient")
        .order_by("starts_at")
    )
    if covered:
        names = "; ".join(
            f"{describe_moment(appointment.starts_at)} {appointment.patient_name}"
            for appointment in covered
        )
        refuse("covers_appointments", count=len(covered), names=names)
    time_off = TimeOff.objects.create(
        therapist=therapist,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    logger.info("Time off %s blocked for therapist %s", time_off.pk, therapist.pk)
    return time_off


@transaction.atomic
def remove_time_off(*, time_off: TimeOff, actor: Actor = None, now: datetime | None = None) -> None:
    """Give the time back to booking; only time off that has not yet ended."""
    now = now or timezone.now()
    time_off = TimeOff.objects.select_for_update().get(pk=time_off.pk)
    if time_off.ends_at <= now:
        refuse("time_off_over")
    logger.info("Time off %s removed by user %s", time_off.pk, getattr(actor, "pk", None) or "-")
    time_off.delete()
    day, last = local(max(time_off.starts_at, now)).date(), local(time_off.ends_at).date()
    while day <= last and day <= local(now).date() + timedelta(days=WAITLIST_DAYS):
        waitlist.time_freed(therapist_id=time_off.therapist_id, day=day)
        day += timedelta(days=1)
