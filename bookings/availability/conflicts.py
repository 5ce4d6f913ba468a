"""Why a time is not free: for a plan of visits, each taken time is named for what is in the way
(booked, time off, the clinic closed, outside the therapist's hours, the booking window), so staff
can judge the nearest free alternative. The same sources as `free_slots`, a constant number of
queries for any number of times."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta

from bookings.availability import busy as busy_sources
from bookings.availability.busy import epoch
from bookings.availability.slots import free_slots
from bookings.models import BookingRules, Service, Therapist
from clinic import hours as clinic_hours
from clinic.clock import day_bounds, local


def unavailable_reasons(
    *,
    service: Service,
    therapist: Therapist,
    starts: Sequence[datetime],
    now: datetime,
    rules: BookingRules,
    enforce_booking_window: bool,
) -> tuple[dict[datetime, str], list]:
    """({start: reason code} for each of `starts` that is not a free slot, the free slots of
    the days from the first start to the day after the last).

    Codes: in_past, too_soon, past_horizon, clinic_closed, time_off, slot_taken, resource_busy,
    outside_hours.
    """
    if not starts:
        return {}, []
    first = local(min(starts)).date()
    last = local(max(starts)).date() + timedelta(days=1)
    slots = free_slots(
        service=service,
        therapist=therapist,
        start=first,
        end=last,
        now=now,
        rules=rules,
        enforce_booking_window=enforce_booking_window,
    )
    free = {slot.starts_at for slot in slots}
    missing = [start for start in starts if start not in free]
    if not missing:
        return {}, list(slots)

    range_start, range_end = day_bounds(first, last)
    booked = [
        interval
        for _therapist_id, interval in busy_sources.appointments(
            [therapist.pk], range_start=range_start, range_end=range_end, service=service
        )
    ]
    away = [
        interval
        for _therapist_id, interval in busy_sources.time_off(
            [therapist.pk], range_start=range_start, range_end=range_end
        )
    ]
    blocks, closures = clinic_hours.calendar(first, last)
    clinic_open = clinic_hours.open_intervals(first, last, blocks=blocks, closures=closures)
    closed = clinic_hours.closure_intervals(closures)
    needs = busy_sources.resource_needs(service)
    held = (
        busy_sources.resource_busy(
            itertools.chain.from_iterable(needs), range_start=range_start, range_end=range_end
        )
        if needs
        else {}
    )

    reasons = {}
    for start in missing:
        end = start + service.duration
        held_until = epoch(end + service.buffer)
        span = (epoch(start), held_until)
        if start <= now:
            reasons[start] = "in_past"
        elif enforce_booking_window and start < now + rules.minimum_notice:
            reasons[start] = "too_soon"
        elif enforce_booking_window and start > now + rules.horizon:
            reasons[start] = "past_horizon"
        elif any(a < end and start < b for a, b in closed) or (
            clinic_open is not None and not any(a <= start and end <= b for a, b in clinic_open)
        ):
            reasons[start] = "clinic_closed"
        elif _overlaps(span, away):
            reasons[start] = "time_off"
        elif _overlaps(span, booked):
            reasons[start] = "slot_taken"
        elif needs and busy_sources.pick_resources(needs, held, span) is None:
            reasons[start] = "resource_busy"
        else:
            reasons[start] = "outside_hours"
    return reasons, list(slots)


def _overlaps(span: tuple[int, int], intervals: list[tuple[int, int]]) -> bool:
    return any(a < span[1] and span[0] < b for a, b in intervals)
