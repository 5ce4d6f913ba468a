"""Rooms and devices held by appointments: picked when a time is booked, moved with it, let go
when it is cancelled. The exclusion constraint on AppointmentResource has the last word; a
refusal is the same friendly "That time has just been booked" as a therapist's."""

from __future__ import annotations

import itertools
from datetime import datetime

from django.db import IntegrityError, transaction

from bookings.availability import busy
from bookings.models import Appointment, AppointmentResource, Resource, Service
from bookings.services.common import _violated_constraint, refusal

RESOURCE_OVERLAP_CONSTRAINT = "bookings_resource_no_overlap"


def _pick(
    service: Service, starts_at: datetime, held_until: datetime, *, ignore: Appointment | None
) -> list[int] | None:
    """One free resource per need of `service` for the time, or None when a need has none."""
    needs = busy.resource_needs(service)
    if not needs:
        return []
    held = busy.resource_busy(
        itertools.chain.from_iterable(needs),
        range_start=starts_at,
        range_end=held_until,
        ignore_appointment=ignore,
    )
    return busy.pick_resources(needs, held, (busy.epoch(starts_at), busy.epoch(held_until)))


def resources_free_at(
    *, service: Service, starts_at: datetime, ignore: Appointment | None = None
) -> bool:
    held_until = starts_at + service.duration + service.buffer
    return _pick(service, starts_at, held_until, ignore=ignore) is not None


def hold_resources(appointment: Appointment) -> list[AppointmentResource]:
    """Hold what the appointment's service needs for its time (start to end plus buffer).

    The candidate resources are locked in id order first, so two bookings of the last free room
    queue instead of both picking it; the constraint would refuse the second anyway.
    """
    needs = busy.resource_needs(appointment.service)
    if not needs:
        return []
    ids = sorted(set(itertools.chain.from_iterable(needs)))
    list(Resource.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    chosen = _pick(
        appointment.service,
        appointment.starts_at,
        appointment.blocked_until,
        ignore=appointment,
    )
    if chosen is None:
        raise refusal("slot_taken")
    holds = [
        AppointmentResource(
            appointment=appointment,
            resource_id=resource_id,
            starts_at=appointment.starts_at,
            blocked_until=appointment.blocked_until,
        )
        for resource_id in chosen
    ]
    try:
        with transaction.atomic():
            return AppointmentResource.objects.bulk_create(holds)
    except IntegrityError as error:
        if _violated_constraint(error) == RESOURCE_OVERLAP_CONSTRAINT:
            raise refusal("slot_taken") from error
        raise


def move_resources(appointment: Appointment) -> list[AppointmentResource]:
    """After a move (time, therapist or service): hold afresh for the new time."""
    appointment.resource_holds.all().delete()
    return hold_resources(appointment)


def release_resources(appointment: Appointment) -> None:
    appointment.resource_holds.filter(active=True).update(active=False)
