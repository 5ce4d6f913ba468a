"""How the clinic's hours read, in the page's language: a block ("8:00 AM–7:00 PM",
"8 h 00–19 h 00"), the footer's week ("Mon–Fri 8:00 AM–7:00 PM · Sat 9:00 AM–1:00 PM") and
the contact page's "Open now · until 7:00 PM" / "Closed now · opens Tuesday at 8:00 AM".

Reads clinic.hours, never the database itself.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import dateformat
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clinic.clock import local, local_today, time_label
from clinic.hours import HoursDay, OpenStatus


def wall_time_label(value: time) -> str:
    """A time on the clinic's wall clock, as the site writes times ("8:00 AM", "8 h 00")."""
    # Translators: a time of day in Django's date format, e.g. "G \\h i" for 9 h 00.
    return dateformat.time_format(value, pgettext("time of day", "g:i A"))


def block_label(opens: time, closes: time) -> str:
    return f"{wall_time_label(opens)}–{wall_time_label(closes)}"


def day_hours_label(day: HoursDay) -> str:
    """ "8:00 AM–12:00 PM, 1:00 PM–7:00 PM"; "Closed" on a day without hours."""
    if not day.blocks:
        return _("Closed")
    return ", ".join(block_label(opens, closes) for opens, closes in day.blocks)


def week_summary(days: list[HoursDay]) -> list[str]:
    """Runs of days with the same hours, e.g. ["Mon–Fri 8:00 AM–7:00 PM", "Sat 9:00 AM–1:00 PM"];
    days without hours are left out. Empty when no hours are set."""
    runs: list[list[HoursDay]] = []
    for day in days:
        if runs and runs[-1][-1].blocks == day.blocks:
            runs[-1].append(day)
        else:
            runs.append([day])
    lines = []
    for run in runs:
        if not run[0].blocks:
            continue
        first, last = WEEKDAYS_ABBR[run[0].weekday], WEEKDAYS_ABBR[run[-1].weekday]
        name = str(first) if len(run) == 1 else f"{first}–{last}"
        lines.append(f"{name} {day_hours_label(run[0])}")
    return lines


def _day_name(moment: datetime, *, now: datetime) -> str:
    """ "today", "tomorrow", "Tuesday", or "Monday 5 January" beyond the coming week."""
    day = local(moment).date()
    today = local_today(now=now)
    if day == today:
        return _("today")
    if day == today + timedelta(days=1):
        return _("tomorrow")
    if day < today + timedelta(days=7):
        return str(WEEKDAYS[day.weekday()])
    return dateformat.format(local(moment), pgettext("day and month", "l j F"))


def status_label(status: OpenStatus | None, *, now: datetime) -> str:
    """The contact page's line; empty when no hours are set."""
    if status is None:
        return ""
    if status.is_open:
        return _("Open now · until %(time)s") % {"time": time_label(status.until)}
    if status.next_opening is None:
        return _("Closed now")
    when = {"day": _day_name(status.next_opening, now=now), "time": time_label(status.next_opening)}
    if status.closure is not None:
        return _("Closed today (%(reason)s) · opens %(day)s at %(time)s") % {
            **when,
            "reason": status.closure.reason,
        }
    return _("Closed now · opens %(day)s at %(time)s") % when
