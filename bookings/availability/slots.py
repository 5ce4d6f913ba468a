"""Free start times: working hours within the clinic's opening hours, minus closures, time off and
active appointments (with their buffers).

Plain functions over a date range, in the clinic's zone (`settings.CLINIC_TIME_ZONE`). Six queries
whatever the range (the clinic's hours and closures together, therapists, working hours, time off,
appointments, the rooms and devices the service needs), three more when it needs any (the
resources that would do, their holds and their times out of use), plus one for the booking rules
when the caller does not pass them.

Days and working hours are wall-clock times in the clinic's zone; everything else is an instant.
Each day's working-hours blocks are built as local wall-clock datetimes and converted to UTC one
by one, so a day when the clocks change is 23 or 25 hours long and no slot is invented or lost.
Slots are then stepped in UTC (absolute minutes) from the start of each block.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from django.utils import timezone

from bookings.availability import busy as busy_sources
from bookings.availability.busy import Interval, epoch
from bookings.models import Appointment, BookingRules, Service, Therapist
from clinic import hours as clinic_hours
from clinic.clock import (
    clinic_zone,
    day_bounds,
    local_today,
    merge_intervals,
    wall_clock_to_utc,
)


class Slot(NamedTuple):
    # A named tuple rather than a dataclass: a 90-day range makes tens of thousands of these.
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # starts_at + the service's duration
    therapist_id: int

    def local_start(self) -> datetime:
        return self.starts_at.astimezone(clinic_zone())


class FreeSlots(Sequence):
    """Free slots in order (start time, then the therapists' display order), made on demand.

    Held as sorted ints (epoch * number of therapists + the therapist's rank): 90 days for 20
    therapists is ~45,000 slots, and a Slot object each would cost more (allocation and garbage
    collection) than computing them. The flow mostly reads a few; iterating makes them all.
    """

    __slots__ = ("_values", "_therapist_ids", "_length", "_moments")

    def __init__(self, values: list[int], therapist_ids: list[int], length: timedelta):
        self._values = values
        self._therapist_ids = therapist_ids
        self._length = length
        self._moments: dict[int, tuple[datetime, datetime]] = {}

    def _slot(self, value: int) -> Slot:
        epoch, rank = divmod(value, len(self._therapist_ids))
        pair = self._moments.get(epoch)
        if pair is None:
            # Therapists share start times: make each instant's datetimes once.
            starts_at = datetime.fromtimestamp(epoch, UTC)
            pair = self._moments[epoch] = (starts_at, starts_at + self._length)
        return Slot(pair[0], pair[1], self._therapist_ids[rank])

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._slot(value) for value in self._values[index]]
        return self._slot(self._values[index])

    def __iter__(self) -> Iterator[Slot]:
        for value in self._values:
            yield self._slot(value)

    def __eq__(self, other) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"<FreeSlots: {len(self)}>"


def free_slots(
    *,
    service: Service,
    start: date,
    end: date,
    therapist: Therapist | None = None,
    now: datetime | None = None,
    rules: BookingRules | None = None,
    enforce_booking_window: bool = True,
    ignore_appointment: Appointment | None = None,
) -> Sequence[Slot]:
    """Every free start time for `service` on the clinic-zone days `start`..`end` (inclusive).

    For `therapist`, or for every active therapist who offers the service when it is None. Slots are
    sorted by start time, then therapist. With `enforce_booking_window` (the patient's view) no slot
    starts before now + minimum notice or after now + horizon; without it (the front desk) only
    the past is refused. `ignore_appointment` leaves that appointment's own time free (moving it).
    """
    now = now or timezone.now()
    rules = rules or BookingRules.load()
    zone = clinic_zone()
    if end < start or not service.active:
        return []
    if therapist is not None and (not therapist.active):
        return []

    range_start, range_end = day_bounds(start, end)

    if enforce_booking_window:
        earliest = now + rules.minimum_notice
        latest = now + rules.horizon
    else:
        earliest = now
        latest = range_end
    if latest < range_start or earliest >= range_end:
        return []

    therapists = Therapist.objects.offering(service)
    if therapist is not None:
        therapists = therapists.filter(pk=therapist.pk)
    therapist_ids = list(therapists.order_by("display_name", "pk").values_list("pk", flat=True))
    if not therapist_ids:
        return []

    # The clinic's own hours bound everyone's: no slot while it is closed, whoever works then.
    # A day further for closures: a late appointment's buffer must not run into a closed day.
    clinic_blocks, closures = clinic_hours.calendar(start, end + timedelta(days=1))
    clinic_open = clinic_hours.open_intervals(start, end, blocks=clinic_blocks, closures=closures)
    open_epochs = None if clinic_open is None else [(epoch(a), epoch(b)) for a, b in clinic_open]
    closed_epochs = [(epoch(a), epoch(b)) for a, b in clinic_hours.closure_intervals(closures)]

    hours_by_therapist = busy_sources.working_hours(therapist_ids)
    busy: dict[int, list[Interval]] = defaultdict(list)
    for therapist_id, interval in itertools.chain(
        busy_sources.time_off(therapist_ids, range_start=range_start, range_end=range_end),
        busy_sources.appointments(
            therapist_ids,
            range_start=range_start,
            range_end=range_end,
            service=service,
            ignore_appointment=ignore_appointment,
        ),
    ):
        busy[therapist_id].append(interval)

    duration = int(service.duration.total_seconds())
    occupies = duration + int(service.buffer.total_seconds())
    # Rooms and devices: one query for what the service needs, three more when it needs any.
    needs = busy_sources.resource_needs(service)
    resources_ok = None
    if needs:
        held = busy_sources.resource_busy(
            itertools.chain.from_iterable(needs),
            range_start=range_start,
            range_end=range_end + service.duration + service.buffer,
            ignore_appointment=ignore_appointment,
        )

        def resources_ok(start: int) -> bool:
            return busy_sources.pick_resources(needs, held, (start, start + occupies)) is not None

    step = int(rules.slot_step.total_seconds())
    # Round inwards: `now` has microseconds, and a slot half a second inside the notice is inside.
    earliest_epoch = math.ceil(max(earliest, range_start).timestamp())
    latest_epoch = math.floor(min(latest, range_end).timestamp())

    # Therapists share hours: convert each (day, wall-clock time) once.
    instants: dict[tuple[date, time, bool], int] = {}

    def to_epoch(day: date, wall: time, last: bool) -> int:
        key = (day, wall, last)
        if key not in instants:
            instants[key] = epoch(wall_clock_to_utc(day, wall, zone=zone, latest=last))
        return instants[key]

    # Each free start is one int, epoch * count + the therapist's rank: sorting ints orders by
    # time, then by therapist (the "no preference" pick order), without a tuple per slot.
    count = len(therapist_ids)
    found: list[int] = []
    for rank, therapist_id in enumerate(therapist_ids):
        intervals = merge_intervals(itertools.chain(busy.get(therapist_id, ()), closed_epochs))
        busy_starts = [interval[0] for interval in intervals]
        weekly = hours_by_therapist.get(therapist_id)
        if not weekly:
            continue
        day = start
        while day <= end:
            for block_start, block_end in weekly.get(day.weekday(), ()):
                for first, last in _within(
                    to_epoch(day, block_start, False), to_epoch(day, block_end, True), open_epochs
                ):
                    _add_block_slots(
                        found,
                        rank,
                        count,
                        first,
                        last,
                        duration=duration,
                        occupies=occupies,
                        step=step,
                        earliest=earliest_epoch,
                        latest=latest_epoch,
                        intervals=intervals,
                        busy_starts=busy_starts,
                        resources_ok=resources_ok,
                    )
            day += timedelta(days=1)
    found.sort()
    return FreeSlots(found, therapist_ids, timedelta(seconds=duration))


def _within(start: int, end: int, open_epochs: list[Interval] | None) -> Iterable[Interval]:
    """The parts of a working-hours block while the clinic is open (all of it without hours)."""
    if open_epochs is None:
        yield start, end
        return
    index = max(bisect.bisect_right(open_epochs, (start,)) - 1, 0)
    while index < len(open_epochs) and open_epochs[index][0] < end:
        open_start, open_end = open_epochs[index]
        if open_end > start:
            yield max(start, open_start), min(end, open_end)
        index += 1


def _add_block_slots(
    found,
    rank,
    count,
    first,
    block_end,
    *,
    duration,
    occupies,
    step,
    earliest,
    latest,
    intervals,
    busy_starts,
    resources_ok=None,
):
    """Append the free starts of one working-hours block, jumping over busy intervals; with
    `resources_ok`, only starts at which the rooms and devices the service needs are free."""
    candidate = first
    if candidate < earliest:
        # Stay on the block's grid: the first step at or after the earliest allowed start.
        candidate = first + -(-(earliest - first) // step) * step
    # The interval that might overlap [candidate, ...): the last one starting before its end.
    index = max(bisect.bisect_left(busy_starts, candidate) - 1, 0)
    while candidate + duration <= block_end and candidate <= latest:
        while index < len(intervals) and intervals[index][1] <= candidate:
            index += 1
        if index < len(intervals) and intervals[index][0] < candidate + occupies:
            # Busy: jump to the first step at or after the end of that interval.
            busy_end = intervals[index][1]
            candidate = first + -(-(busy_end - first) // step) * step
            continue
        if resources_ok is None or resources_ok(candidate):
            found.append(candidate * count + rank)
        candidate += step


def slot_is_free(
    *,
    service: Service,
    therapist: Therapist,
    starts_at: datetime,
    now: datetime | None = None,
    rules: BookingRules | None = None,
    enforce_booking_window: bool = True,
    ignore_appointment: Appointment | None = None,
) -> bool:
    """Whether `starts_at` is one of the free slots (working hours, time off, appointments)."""
    day = starts_at.astimezone(clinic_zone()).date()
    slots = free_slots(
        service=service,
        therapist=therapist,
        start=day,
        end=day,
        now=now,
        rules=rules,
        enforce_booking_window=enforce_booking_window,
        ignore_appointment=ignore_appointment,
    )
    return any(slot.starts_at == starts_at for slot in slots)


def free_therapists_at(
    *,
    service: Service,
    therapist: Therapist | None,
    starts_at: datetime,
    now: datetime | None = None,
    rules: BookingRules | None = None,
) -> list[Therapist]:
    """The therapists (`therapist`, or any active one offering `service`) free at `starts_at`,
    in the order "no preference" tries them."""
    day = starts_at.astimezone(clinic_zone()).date()
    slots = free_slots(
        service=service, therapist=therapist, start=day, end=day, now=now, rules=rules
    )
    ids = [slot.therapist_id for slot in slots if slot.starts_at == starts_at]
    if not ids:
        return []
    found = Therapist.objects.in_bulk(ids)
    return [found[pk] for pk in ids]


def slots_by_day(slots: Iterable[Slot]) -> dict[date, list[Slot]]:
    """Group slots by their clinic-zone date, each day's slots in order."""
    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in slots:
        days[slot.local_start().date()].append(slot)
    return dict(days)


def distinct_starts(slots: Iterable[Slot]) -> list[Slot]:
    """One slot per start time (the first therapist free then), for "no preference"."""
    seen: set[datetime] = set()
    result = []
    for slot in slots:
        if slot.starts_at not in seen:
            seen.add(slot.starts_at)
            result.append(slot)
    return result


def nearest_free_slots(
    *,
    service: Service,
    around: datetime,
    therapist: Therapist | None = None,
    now: datetime | None = None,
    rules: BookingRules | None = None,
    count: int = 6,
    days: int = 7,
) -> list[Slot]:
    """The `count` free start times closest to `around`, searched `days` either side, in order."""
    now = now or timezone.now()
    center = around.astimezone(clinic_zone()).date()
    today = local_today(now=now)
    slots = distinct_starts(
        free_slots(
            service=service,
            therapist=therapist,
            start=max(center - timedelta(days=days), today),
            end=center + timedelta(days=days),
            now=now,
            rules=rules,
        )
    )
    closest = sorted(slots, key=lambda slot: abs((slot.starts_at - around).total_seconds()))
    return sorted(closest[:count])
