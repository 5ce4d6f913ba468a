"""When the clinic is open: its weekly hours, its closures, and "open now" — all on its clock.

Opening hours are wall-clock blocks per weekday (`OpeningHours`); a block may run past midnight.
Closures are whole clinic-zone days. Every instant is found by `clinic.clock.wall_clock_to_utc`,
so the days the clocks change are handled there: a block 01:00–03:00 on the spring-forward night
(America/Los_Angeles 2027-03-14) is an hour long, on the fall-back night three hours long.

The booking engine reads `open_intervals` (no slot while the clinic is closed); the contact page
and the footer read `week_hours` and `open_status`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.dates import WEEKDAYS

from clinic.clock import (
    clinic_zone,
    day_bounds,
    local,
    local_today,
    merge_intervals,
    subtract_intervals,
    wall_clock_to_utc,
)
from clinic.models import Closure, OpeningHours
from clinic.versioned import kept_while_unchanged

Blocks = list[tuple[time, time]]


def weekly_blocks() -> dict[int, Blocks] | None:
    """Weekday -> [(opens, closes)], in opening order; None when no hours are set at all. Kept
    between requests while the content version stands (clinic/versioned.py)."""
    return kept_while_unchanged(
        "weekly_blocks",
        lambda: _blocks(OpeningHours.objects.values_list("weekday", "opens", "closes")),
    )


_CALENDAR_SQL = f"""
SELECT false, weekday, opens, closes, NULL::date, NULL::date FROM {OpeningHours._meta.db_table}
UNION ALL
SELECT true, NULL, NULL, NULL, first_day, last_day FROM {Closure._meta.db_table}
WHERE first_day <= %s AND last_day >= %s
"""


def calendar(first: date, last: date) -> tuple[dict[int, Blocks] | None, list[tuple[date, date]]]:
    """The weekly blocks (as `weekly_blocks`) and the (first day, last day) of each closure
    overlapping `first`..`last`, in one query: the booking engine reads both for every page."""
    with connection.cursor() as cursor:
        cursor.execute(_CALENDAR_SQL, [last, first])
        rows = cursor.fetchall()
    blocks = _blocks(row[1:4] for row in rows if not row[0])
    return blocks, [(row[4], row[5]) for row in rows if row[0]]


def _blocks(rows) -> dict[int, Blocks] | None:
    blocks: dict[int, Blocks] = {weekday: [] for weekday in range(7)}
    found = False
    for weekday, opens, closes in sorted(rows):
        blocks[weekday].append((opens, closes))
        found = True
    return blocks if found else None


def open_intervals(
    first: date, last: date, *, blocks: dict[int, Blocks] | None, closures: list[tuple[date, date]]
) -> list[tuple[datetime, datetime]] | None:
    """The instants (UTC) the clinic is open during the clinic-zone days `first`..`last`, merged,
    clipped to those days and with closed days cut out; None when no hours are set (then only
    closures limit bookings). A block of the day before that runs past midnight counts for its
    part after midnight.
    """
    if blocks is None:
        return None
    zone = clinic_zone()
    intervals = []
    day = first - timedelta(days=1)
    while day <= last:
        for opens, closes in blocks[day.weekday()]:
            closing_day = day if closes > opens else day + timedelta(days=1)
            intervals.append(
                (
                    wall_clock_to_utc(day, opens, zone=zone),
                    wall_clock_to_utc(closing_day, closes, zone=zone, latest=True),
                )
            )
        day += timedelta(days=1)
    window_start, window_end = day_bounds(first, last)
    clipped = merge_intervals(
        (max(start, window_start), min(end, window_end)) for start, end in intervals
    )
    return subtract_intervals(clipped, closure_intervals(closures))


def closure_intervals(closures: list[tuple[date, date]]) -> list[tuple[datetime, datetime]]:
    """Each closure as the instants from its first midnight to the midnight after its last day."""
    return merge_intervals(day_bounds(first_day, last_day) for first_day, last_day in closures)


# --- what the contact page and the footer say --------------------------------------------------


@dataclass(frozen=True)
class HoursDay:
    weekday: int
    name: str
    blocks: Blocks
    is_today: bool


def week_hours(*, now: datetime | None = None) -> list[HoursDay]:
    """Monday to Sunday with each day's blocks (empty: closed) and today marked, in the clinic's
    zone; empty when no hours are set."""
    blocks = weekly_blocks()
    if blocks is None:
        return []
    today = local_today(now=now).weekday()
    return [
        HoursDay(weekday, str(WEEKDAYS[weekday]), blocks[weekday], weekday == today)
        for weekday in range(7)
    ]


@dataclass(frozen=True)
class OpenStatus:
    is_open: bool
    until: datetime | None  # on the clinic's clock: when it closes, while open
    next_opening: datetime | None  # on the clinic's clock: when it opens next, while closed
    closure: Closure | None  # today's closure, if that is why it is closed


# How far ahead "opens next" looks: past any closure staff would enter (a fortnight's holiday).
LOOKAHEAD_DAYS = 45


def open_status(*, now: datetime | None = None) -> OpenStatus | None:
    """Whether the clinic is open at `now`, until when, or when it opens next; None when no
    hours are set. Touching blocks (08:00–12:00, 12:00–19:00) are one opening."""
    now = now or timezone.now()
    blocks = weekly_blocks()
    if blocks is None:
        return None
    today = local_today(now=now)
    last = today + timedelta(days=LOOKAHEAD_DAYS)
    closures = list(Closure.objects.overlapping(today, last).order_by("first_day"))
    spans = [(closure.first_day, closure.last_day) for closure in closures]
    intervals = open_intervals(today, last, blocks=blocks, closures=spans) or []
    for start, end in intervals:
        if start <= now < end:
            return OpenStatus(True, local(end), None, None)
        if start > now:
            return OpenStatus(False, None, local(start), _closure_on(today, closures))
    return OpenStatus(False, None, None, _closure_on(today, closures))


def _closure_on(day: date, closures: list[Closure]) -> Closure | None:
    return next((c for c in closures if c.first_day <= day <= c.last_day), None)


def upcoming_closures(*, now: datetime | None = None, days: int = 90) -> list[Closure]:
    """Closures from today to `days` ahead, soonest first."""
    today = local_today(now=now)
    return list(
        Closure.objects.overlapping(today, today + timedelta(days=days)).order_by("first_day")
    )
