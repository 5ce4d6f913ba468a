"""How a time on the clinic's clock is written, on every page, email and history line.

One rule: on a day the clinic's clocks change, every time says which offset it is in (PDT or
PST), so the two 1:00 AMs of the night the clocks go back (America/Los_Angeles 2027-11-07: 02:00
PDT falls back to 01:00 PST) never read the same. On any other day a time is written plainly.

DST pitfall: never format these with Django's `|date:"T"`: for a time in the repeated hour
Django leaves the zone out on purpose (it cannot tell which is meant from the wall clock), and
"Pacific time ()" went out in emails. The instant knows: `astimezone` sets `fold`, and
`tzname()` then answers PDT or PST.
"""

from datetime import date, datetime, time, timedelta

from django.utils import dateformat
from django.utils.translation import gettext as _

from bookings.availability import clinic_zone, clinic_zone_name, wall_clock_to_utc


def local(moment: datetime) -> datetime:
    """`moment` on the clinic's clock."""
    return moment.astimezone(clinic_zone())


def clock_changes_on(day: date) -> bool:
    """Whether the clinic's clocks go forward or back on `day` (a 23- or 25-hour day)."""
    zone = clinic_zone()
    start = wall_clock_to_utc(day, time(0), zone=zone)
    end = wall_clock_to_utc(day + timedelta(days=1), time(0), zone=zone)
    return start.astimezone(zone).utcoffset() != end.astimezone(zone).utcoffset()


def needs_offset(moment: datetime) -> bool:
    """Whether a time must say PDT or PST: on the day the clocks change, every time does."""
    return clock_changes_on(local(moment).date())


def time_label(moment: datetime) -> str:
    """ "10:00 AM"; "1:00 AM PDT" / "1:00 AM PST" on the day the clocks change."""
    shown = local(moment)
    label = dateformat.format(shown, "g:i A")
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


def describe_moment(moment: datetime) -> str:
    """How history and errors name a time: "Tue 1 Dec 10:00", on the clinic's clock."""
    shown = local(moment)
    return f"{shown:%a} {shown.day} {shown:%b} {shown:%H:%M}{offset_suffix(moment)}"
