"""What free slots are cut from: each therapist's working hours (the time they could be booked), and
the busy intervals inside it (time off, active appointments with their buffers).

One function per source, each one query over a therapist set and a range; a new source (a room, a
device) is one more function whose intervals `free_slots` subtracts.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time

from django.db.models import Q

from bookings.models import (
    Appointment,
    AppointmentResource,
    Resource,
    ResourceUnavailability,
    Service,
    TimeOff,
    WorkingHours,
)
from clinic.clock import merge_intervals

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


# --- rooms and devices -------------------------------------------------------------------------


def resource_needs(service: Service) -> list[list[int]]:
    """For each thing `service` needs, the active resources that would do, in the order they
    are picked (their order, then name). Empty when it needs none. Two queries at most."""
    needs = list(service.resource_needs.values_list("resource_id", "kind"))
    if not needs:
        return []
    kinds = {kind for _resource, kind in needs if kind}
    ids = {resource for resource, _kind in needs if resource}
    candidates = list(
        Resource.objects.active()
        .filter(Q(kind__in=kinds) | Q(pk__in=ids))
        .order_by("order", "name", "pk")
        .values_list("pk", "kind")
    )
    return [
        [pk for pk, kind in candidates if (pk == resource if resource else kind == need_kind)]
        for resource, need_kind in needs
    ]


def resource_busy(
    resource_ids: Iterable[int],
    *,
    range_start: datetime,
    range_end: datetime,
    ignore_appointment: Appointment | None = None,
) -> dict[int, list[Interval]]:
    """Each resource's held and out-of-use intervals overlapping the range (two queries)."""
    ids = list(set(resource_ids))
    busy: dict[int, list[Interval]] = defaultdict(list)
    if not ids:
        return busy
    holds = AppointmentResource.objects.filter(
        resource_id__in=ids,
        active=True,
        starts_at__lt=range_end,
        blocked_until__gt=range_start,
    )
    if ignore_appointment is not None and ignore_appointment.pk:
        holds = holds.exclude(appointment_id=ignore_appointment.pk)
    for resource_id, start, end in holds.values_list("resource_id", "starts_at", "blocked_until"):
        busy[resource_id].append((epoch(start), epoch(end)))
    for resource_id, start, end in ResourceUnavailability.objects.filter(
        resource_id__in=ids, starts_at__lt=range_end, ends_at__gt=range_start
    ).values_list("resource_id", "starts_at", "ends_at"):
        busy[resource_id].append((epoch(start), epoch(end)))
    # Sorted and merged, so `free_resource` finds the one interval that could overlap by bisection.
    return {resource_id: merge_intervals(intervals) for resource_id, intervals in busy.items()}


def free_resource(
    candidates: list[int],
    busy: dict[int, list[Interval]],
    span: Interval,
    taken: set[int] = frozenset(),
) -> int | None:
    """The first of `candidates` (not in `taken`) with nothing in `busy` (sorted, merged
    intervals, as `resource_busy` gives) overlapping `span`."""
    start, end = span
    for resource_id in candidates:
        if resource_id in taken:
            continue
        intervals = busy.get(resource_id, ())
        # The last interval starting before the span ends is the only one that can overlap it.
        index = bisect.bisect_left(intervals, (end,)) - 1
        if index < 0 or intervals[index][1] <= start:
            return resource_id
    return None


def pick_resources(
    needs: list[list[int]], busy: dict[int, list[Interval]], span: Interval
) -> list[int] | None:
    """One free resource per need for `span` (never one resource for two needs), in the order
    they are picked; None when some need has none free."""
    chosen: list[int] = []
    for candidates in needs:
        found = free_resource(candidates, busy, span, set(chosen))
        if found is None:
            return None
        chosen.append(found)
    return chosen
