"""What free slots are cut from: each therapist's working hours (the time they could be booked), and
the busy intervals inside it (time off, active appointments with their buffers).

One function per source, each one query over a therapist set and a range; a new source (a room, a
device) is one more function whose intervals `free_slots` subtracts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time

from bookings.models import Appointment, Service, TimeOff, WorkingHours

# Busy intervals as whole epoch seconds: comparing ints is what keeps a 90-day range fast.
Interval = tuple[int, int]


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def working_hours(therapist_ids: list[int]) -> dict[int, dict[int, list[tuple[time, time]]]]:
    """Each therapist's weekly blocks: therapist id -> weekday -> [(start, end)], in start order."""
    hours: dict[int, dict[int, list[tuple[time, time]]]] = defaultdict(lambda: defaultdict(list))
    for therapist_id, weekday, start_time, end_time in (
        WorkingHours.objects.filter(therapist_id__in=therapist_ids)
        .order_by("start_time")
        .values_list("therapist_id", "weekday", "start_time", "end_time")
    ):
        hours[therapist_id][weekday].append((start_time, end_time))
    return hours


def time_off(
    therapist_ids: list[int], *, range_start: datetime, range_end: datetime
) -> Iterable[tuple[int, Interval]]:
    """(therapist id, interval) for each time off overlapping the range."""
    for therapist_id, busy_start, busy_end in TimeOff.objects.filter(
        therapist_id__in=therapist_ids, starts_at__lt=range_end, ends_at__gt=range_start
    ).values_list("therapist_id", "starts_at", "ends_at"):
        yield therapist_id, (epoch(busy_start), epoch(busy_end))


def appointments(
    therapist_ids: list[int],
    *,
    range_start: datetime,
    range_end: datetime,
    service: Service,
    ignore_appointment: Appointment | None = None,
) -> Iterable[tuple[int, Interval]]:
    """(therapist id, start..blocked_until) for each active appointment that could clash."""
    # The new appointment's buffer must not run into the next one either, so look one
    # longest-buffer-and-duration further than the range.
    active = Appointment.objects.active().filter(
        therapist_id__in=therapist_ids,
        starts_at__lt=range_end + service.duration + service.buffer,
        blocked_until__gt=range_start,
    )
    if ignore_appointment is not None and ignore_appointment.pk:
        active = active.exclude(pk=ignore_appointment.pk)
    for therapist_id, busy_start, busy_end in active.values_list(
        "therapist_id", "starts_at", "blocked_until"
    ):
        yield therapist_id, (epoch(busy_start), epoch(busy_end))
