"""The clinic's clock, for every app: its zone, its days, and how a time on it is written.

Days, working hours and slots are the clinic's wall-clock (`settings.CLINIC_TIME_ZONE`); what is
stored is an instant in UTC. Every conversion between the two goes through here, so the days the
clocks change are handled once: such a day is 23 or 25 hours long, and never
`start + timedelta(days=1)` on an aware datetime, which would keep the old offset.

How a time is written follows one rule: on a day the clinic's clocks change, every time says which
offset it is in (PDT or PST), so the two 1:00 AMs of the night the clocks go back
(America/Los_Angeles 2027-11-07: 02:00 PDT falls back to 01:00 PST) never read the same. On any
other day a time is written plainly.

DST pitfall: never format these with Django's `|date:"T"`: for a time in the repeated hour
Django leaves the zone out on purpose (it cannot tell which is meant from the wall clock), and
"Pacific time ()" went out in emails. The instant knows: `astimezone` sets `fold`, and
`tzname()` then answers PDT or PST.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

# --- the zone and its days ----------------------------------------------------------------------


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.CLINIC_TIME_ZONE)


_ZONE_NAMES = {
    "America/Los_Angeles": gettext_lazy("Pacific time"),
    "America/Denver": gettext_lazy("Mountain time"),
    "America/Phoenix": gettext_lazy("Mountain time"),
    "America/Chicago": gettext_lazy("Central time"),
    "America/New_York": gettext_lazy("Eastern time"),
    "Europe/Paris": gettext_lazy("Paris time"),
    "Europe/London": gettext_lazy("UK time"),
}


def clinic_zone_name() -> str:
    """How the clinic's zone is named on pages and in emails, e.g. "Pacific time"."""
    key = settings.CLINIC_TIME_ZONE
    if key in _ZONE_NAMES:
        return str(_ZONE_NAMES[key])
    return _("%(city)s time") % {"city": key.rsplit("/", 1)[-1].replace("_", " ")}


def local(moment: datetime) -> datetime:
    """`moment` on the clinic's clock."""
    return moment.astimezone(clinic_zone())


def local_today(*, now: datetime | None = None) -> date:
    now = now or timezone.now()
    return now.astimezone(clinic_zone()).date()


def wall_clock_to_utc(day: date, wall: time, *, zone: ZoneInfo, latest: bool = False) -> datetime:
    """The instant the clinic's clocks first read `wall` on `day` (the last such, if `latest`).

    DST pitfalls, both handled here rather than by trusting datetime.combine:
    - Spring forward (America/Los_Angeles 2027-03-14, 02:00 -> 03:00): 02:30 never happens.
      zoneinfo still converts it (with the pre-change offset, giving 03:30 PDT); instead we take the
      instant the clocks jump over it, 03:00 PDT, so a block "02:30-05:00" starts at 03:00.
    - Fall back (2027-11-07, 02:00 -> 01:00): 01:30 happens twice (PDT, then PST). `fold=0` is the
      first, `fold=1` the second; a block starts at the first and ends at the last, so the repeated
      hour is worked (and offered) once per real hour, never lost.
    """
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first == second:
        return first
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        # Ambiguous (fall back): both instants exist; fold=0 is the earlier one.
        return max(first, second) if latest else min(first, second)
    # Non-existent (spring forward): find the transition, which lies between the two readings.
    instant = min(first, second)
    while instant.astimezone(zone).replace(tzinfo=None) < naive:
        instant += timedelta(minutes=1)
    return instant


def day_bounds(first: date, last: date | None = None) -> tuple[datetime, datetime]:
    """Midnight of `first` to the midnight after `last` (default: `first`), on the clinic's clock.

    DST pitfall: 23 hours on spring-forward day, 25 on fall-back day; each midnight is converted
    on its own, never reached by adding a day to an aware datetime (that keeps the old offset).
    """
    zone = clinic_zone()
    last = first if last is None else last
    return (
        wall_clock_to_utc(first, time(0), zone=zone),
        wall_clock_to_utc(last + timedelta(days=1), time(0), zone=zone),
    )


def week_start(day: date) -> date:
    """The Monday of `day`'s week: the clinic's weeks run Monday to Sunday."""
    return day - timedelta(days=day.weekday())


def clock_changes_on(day: date) -> bool:
    """Whether the clinic's clocks go forward or back on `day` (a 23- or 25-hour day)."""
    return _clock_changes(settings.CLINIC_TIME_ZONE, day)


@functools.lru_cache(maxsize=4096)
def _clock_changes(zone_name: str, day: date) -> bool:
    # Every time label asks this of its day (a grid of 50 therapists writes 900 of them): the
    # answer depends only on the zone and the date, so it is worked out once for each.
    zone = ZoneInfo(zone_name)
    start = wall_clock_to_utc(day, time(0), zone=zone)
    end = wall_clock_to_utc(day + timedelta(days=1), time(0), zone=zone)
    return start.astimezone(zone).utcoffset() != end.astimezone(zone).utcoffset()


Point = TypeVar("Point", int, datetime)


def merge_intervals(intervals: Iterable[tuple[Point, Point]]) -> list[tuple[Point, Point]]:
    """Sorted, with overlapping or touching intervals joined and empty ones left out."""
    merged: list[tuple[Point, Point]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def subtract_intervals(
    intervals: Iterable[tuple[Point, Point]], holes: list[tuple[Point, Point]]
) -> list[tuple[Point, Point]]:
    """`intervals` minus `holes`, both sorted and merged (as `merge_intervals` gives)."""
    result: list[tuple[Point, Point]] = []
    for start, end in intervals:
        for hole_start, hole_end in holes:
            if hole_end <= start or hole_start >= end:
                continue
            if hole_start > start:
                result.append((start, hole_start))
            start = max(start, hole_end)
            if start >= end:
                break
        if start < end:
            result.append((start, end))
    return result


# --- how a time is written ----------------------------------------------------------------------


def needs_offset(moment: datetime) -> bool:
    """Whether a time must say PDT or PST: on the day the clocks change, every time does."""
    return clock_changes_on(local(moment).date())


def time_label(moment: datetime) -> str:
    """ "10:00 AM" ("10 h 00" in French); "1:00 AM PDT" / "1:00 AM PST" on the day the clocks
    change."""
    shown = local(moment)
    # Translators: a time of day in Django's date format, e.g. "G \\h i" for 9 h 00.
    label = dateformat.format(shown, pgettext("time of day", "g:i A"))
    return f"{label} {shown.tzname()}" if needs_offset(moment) else label


def span_label(start: datetime, end: datetime) -> str:
    """ "10:00 AM–10:45 AM"; each end with its offset on a clock-change day."""
    return f"{time_label(start)}–{time_label(end)}"


def _zoned(label: str, *moments: datetime) -> str:
    if any(needs_offset(moment) for moment in moments):
        return _("%(time)s (%(zone)s)") % {"time": label, "zone": clinic_zone_name()}
    return _("%(time)s %(zone)s") % {"time": label, "zone": clinic_zone_name()}


def zoned_time_label(moment: datetime) -> str:
    """ "10:00 AM Pacific time"; "1:00 AM PST (Pacific time)" on a clock-change day."""
    return _zoned(time_label(moment), moment)


def zoned_span_label(start: datetime, end: datetime) -> str:
    """ "10:00 AM–10:45 AM Pacific time"; "1:00 AM PST–1:30 AM PST (Pacific time)"."""
    return _zoned(span_label(start, end), start, end)


def offset_suffix(moment: datetime) -> str:
    """ " PDT" / " PST" where `needs_offset`, else "": for staff's 24-hour timestamps."""
    return f" {local(moment).tzname()}" if needs_offset(moment) else ""


def moment_label(moment: datetime) -> str:
    """ "Tue 5 Jan, 9:00 AM": a day and a time, as the schedule writes them ("mar. 5 janv., 9 h 00"
    in French)."""
    day = dateformat.format(local(moment), pgettext("short day", "D j M"))
    return f"{day}, {time_label(moment)}"


def describe_moment(moment: datetime) -> str:
    """How history and errors name a time: "Tue 1 Dec 10:00", on the clinic's clock."""
    shown = local(moment)
    return f"{shown:%a} {shown.day} {shown:%b} {shown:%H:%M}{offset_suffix(moment)}"
