"""The front desk's time grid: a day of the clinic (one column per therapist, or per room and
device) or a therapist's week (one column per day), in rows of 15 minutes on the clinic's clock.

Plain functions of the day and `now`, a fixed number of queries whatever the number of columns
or appointments. The page (views/grid.py) places each block by its first row and its number of
rows, so a block is where its real instants are: a column's rows are 15 real minutes from the
window's first instant, and a day the clocks change has one row of four more or fewer.

What a therapist column shows, from the same sources as the booking engine's free slots:
- "closed": outside the therapist's working hours or while the clinic is closed;
- "time_off": the therapist's time off;
- "appointment": every active appointment (booked, attended, no-show);
- "free": working time that neither of those, nor an appointment's buffer, holds: a gap the
  front desk can book a caller into (views/grid.py offers the times that fit).
A room or device column shows the appointments holding it, its unavailability, and the
clinic's closed hours; what is left is free.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import dateformat
from django.utils.translation import pgettext

from bookings.models import (
    Appointment,
    AppointmentResource,
    Resource,
    ResourceUnavailability,
    Therapist,
    TimeOff,
    WorkingHours,
)
from clinic import hours as clinic_hours
from clinic.clock import (
    clinic_zone,
    day_bounds,
    local,
    merge_intervals,
    span_label,
    subtract_intervals,
    time_label,
    wall_clock_to_utc,
)
from clinic.models import Closure

ROW = timedelta(minutes=15)
# The rows a grid shows when nobody works that day and the clinic has no hours.
DEFAULT_WINDOW = (time(8), time(18))
# A 25-hour day in rows, plus the header row: static/css/grid.css has a class for each.
MAX_ROWS = 101

Span = tuple[datetime, datetime]


@dataclass
class Block:
    kind: str
    starts_at: datetime
    ends_at: datetime
    row: int
    rows: int
    label: str
    appointment: Appointment | None = None
    detail: str = ""
    therapist: Therapist | None = None
    # Where a free gap's link goes (views/grid.py sets it for those who may book).
    url: str = ""


@dataclass
class Column:
    key: str
    title: str
    blocks: list[Block]
    therapist: Therapist | None = None
    day: date | None = None
    resource: Resource | None = None
    note: str = ""
    cancelled: int = 0

    @property
    def free(self) -> list[Block]:
        return [block for block in self.blocks if block.kind == "free"]


@dataclass
class Grid:
    rows: list[str]
    columns: list[Column]
    closures: list[Closure] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.rows)


# --- intervals ---------------------------------------------------------------------------------


def _clip(spans, window: Span) -> list[Span]:
    low, high = window
    return merge_intervals((max(start, low), min(end, high)) for start, end in spans)


class _Placer:
    """Rows of 15 real minutes from `window`'s first instant: 2 is the first (1 is the header)."""

    def __init__(self, window: Span):
        self.start, self.end = window

    def block(self, kind: str, start: datetime, end: datetime, label: str = "", **extra) -> Block:
        first = max(start, self.start)
        last = min(end, self.end)
        row = int((first - self.start) / ROW) + 2
        end_row = math.ceil((last - self.start) / ROW) + 2
        return Block(
            kind=kind,
            starts_at=start,
            ends_at=end,
            row=row,
            rows=max(1, end_row - row),
            label=label or span_label(start, end),
            **extra,
        )


# --- the window --------------------------------------------------------------------------------


def _window_walls(days: list[date], walls: list[tuple[time, time]], spans: list[Span]) -> tuple:
    """The first and last wall-clock hour the grid shows: every opening and working block, and
    anything booked or blocked on those days, rounded out to whole hours."""
    starts = [start for start, _end in walls]
    ends = [end for _start, end in walls]
    for start, end in spans:
        first, last = local(start), local(end)
        starts.append(first.time() if first.date() in days else time(0))
        ends.append(last.time() if last.date() in days and last.time() != time(0) else time(23, 59))
    if not starts:
        return DEFAULT_WINDOW[0].hour, DEFAULT_WINDOW[1].hour
    first_hour = min(starts).hour
    last = max(ends)
    last_hour = min(24, last.hour + (1 if (last.minute or last.second) else 0))
    return first_hour, max(last_hour, first_hour + 1)


def _window(day: date, first_hour: int, last_hour: int) -> Span:
    zone = clinic_zone()
    start = wall_clock_to_utc(day, time(first_hour), zone=zone)
    if last_hour >= 24:
        return start, day_bounds(day)[1]
    return start, wall_clock_to_utc(day, time(last_hour), zone=zone, latest=True)


def _row_labels(window: Span) -> list[str]:
    start, end = window
    count = math.ceil((end - start) / ROW)
    labels = []
    for index in range(count):
        moment = start + index * ROW
        labels.append(time_label(moment) if local(moment).minute == 0 else "")
    return labels


# --- therapists --------------------------------------------------------------------------------


def _working(
    therapist_id: int,
    day: date,
    hours: dict[int, dict[int, list[tuple[time, time]]]],
    clinic_open: list[Span] | None,
    closed: list[Span],
) -> list[Span]:
    zone = clinic_zone()
    spans = merge_intervals(
        (
            wall_clock_to_utc(day, start, zone=zone),
            wall_clock_to_utc(day, end, zone=zone, latest=True),
        )
        for start, end in hours.get(therapist_id, {}).get(day.weekday(), ())
    )
    if clinic_open is not None:
        spans = [
            (max(start, open_start), min(end, open_end))
            for start, end in spans
            for open_start, open_end in clinic_open
            if open_start < end and open_end > start
        ]
    return subtract_intervals(spans, closed)


def _therapist_column(
    *,
    therapist: Therapist,
    day: date,
    window: Span,
    sources: _Sources,
    now: datetime,
    key: str,
    title: str,
) -> Column:
    day_span = day_bounds(day)
    appointments = _on(sources.appointments[therapist.pk], day_span)
    time_off = _on(sources.time_off[therapist.pk], day_span)
    working = _working(therapist.pk, day, sources.hours, sources.clinic_open, sources.closed)
    place = _Placer(window)
    working = _clip(working, window)
    blocks = [
        place.block("closed", start, end, label="Not working")
        for start, end in subtract_intervals([window], working)
    ]
    busy: list[Span] = []
    for block in time_off:
        busy.append((block.starts_at, block.ends_at))
        blocks.append(place.block("time_off", block.starts_at, block.ends_at, detail=block.reason))
    cancelled = 0
    for appointment in appointments:
        if not appointment.is_active:
            cancelled += 1
            continue
        busy.append((appointment.starts_at, appointment.blocked_until))
        blocks.append(
            place.block(
                "appointment", appointment.starts_at, appointment.ends_at, appointment=appointment
            )
        )
    # A gap that has begun is offered from the next quarter hour on.
    earliest = _next_row(now, window)
    for start, end in subtract_intervals(working, merge_intervals(busy)):
        start = max(start, earliest)
        if end - start >= ROW:
            blocks.append(place.block("free", start, end, therapist=therapist))
    blocks = _on(blocks, window)
    blocks.sort(key=lambda block: (block.row, block.kind != "closed"))
    return Column(
        key=key,
        title=title,
        blocks=blocks,
        therapist=therapist,
        day=day,
        cancelled=cancelled,
        note="" if working else "Not working",
    )


def _next_row(now: datetime, window: Span) -> datetime:
    start, _end = window
    if now <= start:
        return start
    return start + math.ceil((now - start) / ROW) * ROW


@dataclass
class _Sources:
    hours: dict
    blocks: dict | None
    closures: list[tuple[date, date]]
    time_off: dict
    appointments: dict
    clinic_open: list[Span] | None
    closed: list[Span]


def _sources(therapist_ids: list[int], first: date, last: date) -> _Sources:
    """Working hours, the clinic's calendar, time off and appointments with the rooms they
    hold: five queries (four on a day without appointments)."""
    range_start, range_end = day_bounds(first, last)
    hours: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for therapist_id, weekday, start, end in (
        WorkingHours.objects.filter(therapist_id__in=therapist_ids)
        .order_by("start_time")
        .values_list("therapist_id", "weekday", "start_time", "end_time")
    ):
        hours[therapist_id][weekday].append((start, end))
    blocks, closures = clinic_hours.calendar(first, last)
    time_off = defaultdict(list)
    for block in TimeOff.objects.filter(
        therapist_id__in=therapist_ids, starts_at__lt=range_end, ends_at__gt=range_start
    ).order_by("starts_at"):
        time_off[block.therapist_id].append(block)
    appointments = defaultdict(list)
    for appointment in (
        Appointment.objects.filter(
            therapist_id__in=therapist_ids, starts_at__lt=range_end, ends_at__gt=range_start
        )
        .select_related("patient", "service", "intake")
        .prefetch_related("resource_holds__resource")
        .order_by("starts_at", "pk")
    ):
        appointments[appointment.therapist_id].append(appointment)
    return _Sources(
        hours=hours,
        blocks=blocks,
        closures=closures,
        time_off=time_off,
        appointments=appointments,
        clinic_open=clinic_hours.open_intervals(first, last, blocks=blocks, closures=closures),
        closed=clinic_hours.closure_intervals(closures),
    )


def _on(items, span: Span) -> list:
    """The items (with starts_at and ends_at) overlapping `span`."""
    return [item for item in items if item.starts_at < span[1] and item.ends_at > span[0]]


def _walls_for(days, therapist_ids, hours, blocks) -> list[tuple[time, time]]:
    walls = []
    for day in days:
        if blocks is not None:
            walls.extend(
                (opens, closes if closes > opens else time(23, 59))
                for opens, closes in blocks[day.weekday()]
            )
        for therapist_id in therapist_ids:
            walls.extend(hours.get(therapist_id, {}).get(day.weekday(), ()))
    return walls


def _closures_named(closures: list[tuple[date, date]], first: date, last: date) -> list[Closure]:
    if not closures:
        return []
    return list(Closure.objects.overlapping(first, last).order_by("first_day"))


def _grid(therapists: list[Therapist], days: list[date], now: datetime, column) -> Grid:
    """The columns `column(therapist, day)` names (key, title), on a window that holds every
    working block and appointment of `days`."""
    ids = [therapist.pk for therapist in therapists]
    sources = _sources(ids, days[0], days[-1])
    span = (day_bounds(days[0])[0], day_bounds(days[-1])[1])
    busy = [
        (item.starts_at, item.ends_at)
        for source in (sources.time_off, sources.appointments)
        for items in source.values()
        for item in _on(items, span)
    ]
    walls = _walls_for(days, ids, sources.hours, sources.blocks)
    first_hour, last_hour = _window_walls(days, walls, busy)
    columns = []
    for therapist, day in ((therapist, day) for day in days for therapist in therapists):
        key, title = column(therapist, day)
        columns.append(
            _therapist_column(
                therapist=therapist,
                day=day,
                window=_window(day, first_hour, last_hour),
                sources=sources,
                now=now,
                key=key,
                title=title,
            )
        )
    return Grid(
        rows=_row_labels(_window(days[0], first_hour, last_hour)),
        columns=columns,
        closures=_closures_named(sources.closures, days[0], days[-1]),
    )


def clinic_day(*, day: date, therapists: list[Therapist], now: datetime) -> Grid:
    """One column per therapist: `_sources`' queries, and one more naming the day's closures
    if it has any."""
    return _grid(
        therapists,
        [day],
        now,
        lambda therapist, _day: (f"therapist-{therapist.pk}", therapist.display_name),
    )


def therapist_week(*, therapist: Therapist, days: list[date], now: datetime) -> Grid:
    """One column per day of `therapist`'s week: the same queries as `clinic_day`."""
    return _grid(
        [therapist],
        days,
        now,
        lambda _therapist, day: (
            f"day-{day:%Y%m%d}",
            dateformat.format(day, pgettext("short day", "D j M")),
        ),
    )


# --- rooms and devices ------------------------------------------------------------------------


def rooms_day(*, day: date, now: datetime) -> Grid:
    """One column per active room or device: what holds it, when it is out of use, and the
    clinic's closed hours. Four queries (five with closures)."""
    resources = list(Resource.objects.active().order_by("order", "name", "pk"))
    day_span = day_bounds(day)
    holds = defaultdict(list)
    for hold in (
        AppointmentResource.objects.filter(
            resource__in=resources,
            active=True,
            starts_at__lt=day_span[1],
            blocked_until__gt=day_span[0],
        )
        .select_related("appointment__patient", "appointment__service", "appointment__therapist")
        .order_by("starts_at")
    ):
        holds[hold.resource_id].append(hold.appointment)
    unavailable = defaultdict(list)
    for block in ResourceUnavailability.objects.filter(
        resource__in=resources, starts_at__lt=day_span[1], ends_at__gt=day_span[0]
    ).order_by("starts_at"):
        unavailable[block.resource_id].append(block)
    blocks, closures = clinic_hours.calendar(day, day)
    spans = [
        (item.starts_at, item.ends_at)
        for source in (holds, unavailable)
        for items in source.values()
        for item in items
    ]
    first_hour, last_hour = _window_walls([day], _walls_for([day], [], {}, blocks), spans)
    window = _window(day, first_hour, last_hour)
    clinic_open = clinic_hours.open_intervals(day, day, blocks=blocks, closures=closures)
    open_spans = subtract_intervals(
        [window] if clinic_open is None else _clip(clinic_open, window),
        clinic_hours.closure_intervals(closures),
    )
    place = _Placer(window)
    columns = []
    for resource in resources:
        column_blocks = [
            place.block("closed", start, end, label="Clinic closed")
            for start, end in subtract_intervals([window], open_spans)
        ]
        busy = []
        for block in unavailable[resource.pk]:
            busy.append((block.starts_at, block.ends_at))
            column_blocks.append(
                place.block("unavailable", block.starts_at, block.ends_at, detail=block.reason)
            )
        for appointment in holds[resource.pk]:
            busy.append((appointment.starts_at, appointment.blocked_until))
            column_blocks.append(
                place.block(
                    "appointment",
                    appointment.starts_at,
                    appointment.ends_at,
                    appointment=appointment,
                    therapist=appointment.therapist,
                )
            )
        earliest = _next_row(now, window)
        for start, end in subtract_intervals(open_spans, merge_intervals(busy)):
            start = max(start, earliest)
            if end - start >= ROW:
                column_blocks.append(place.block("free", start, end))
        column_blocks.sort(key=lambda block: (block.row, block.kind != "closed"))
        columns.append(
            Column(
                key=f"resource-{resource.pk}",
                title=resource.name,
                blocks=column_blocks,
                resource=resource,
                day=day,
            )
        )
    return Grid(
        rows=_row_labels(window), columns=columns, closures=_closures_named(closures, day, day)
    )


def free_gap(column: Column, moment: datetime) -> Block | None:
    """The free block of `column` that `moment` falls in, if any."""
    for block in column.free:
        if block.starts_at <= moment < block.ends_at:
            return block
    return None
