"""The front desk's figures for the admin index: today's appointments, the week's utilisation per
therapist and the no-show rate of the last 30 days.

Plain functions of `now` (injectable for tests), a fixed number of queries whatever the data:
one for today's list, four for utilisation, one for the no-show rate. Days and weeks are the
clinic's (Monday to Sunday on its wall clock); working hours become instants through
`clinic.clock.wall_clock_to_utc`, so a week with a clock change has the hours it really has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from bookings.models import Appointment, OutgoingEmail, Therapist, TimeOff, WorkingHours
from clinic.clock import (
    clinic_zone,
    day_bounds,
    local_today,
    merge_intervals,
    subtract_intervals,
    wall_clock_to_utc,
    week_start,
)

NO_SHOW_WINDOW = timedelta(days=30)

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Utilisation:
    """Held appointment time against open working time (working hours minus time off)."""

    therapist: Therapist
    booked: timedelta
    working: timedelta

    @property
    def ratio(self) -> float | None:
        if self.working <= timedelta(0):
            return None
        return self.booked / self.working

    @property
    def percent(self) -> int | None:
        return None if self.ratio is None else round(self.ratio * 100)

    @property
    def bar_width(self) -> int:
        """The bar's length out of 100: the percentage, capped (an overbooked week fills it)."""
        return max(0, min(100, self.percent or 0))

    @property
    def booked_hours(self) -> float:
        return self.booked.total_seconds() / 3600

    @property
    def working_hours(self) -> float:
        return self.working.total_seconds() / 3600


@dataclass(frozen=True)
class NoShowRate:
    no_shows: int
    attended: int

    @property
    def recorded(self) -> int:
        return self.no_shows + self.attended

    @property
    def rate(self) -> float | None:
        return self.no_shows / self.recorded if self.recorded else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


def week_of(day: date) -> tuple[date, date]:
    """The Monday and the Sunday of `day`'s week."""
    monday = week_start(day)
    return monday, monday + timedelta(days=6)


def todays_appointments(*, now: datetime | None = None) -> list[Appointment]:
    """Every appointment of the clinic's day, cancelled ones included, in time order."""
    start, end = day_bounds(local_today(now=now))
    return list(
        Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("therapist", "service", "patient")
        .order_by("starts_at", "therapist__display_name", "pk")
    )


def week_utilisation(*, now: datetime | None = None) -> list[Utilisation]:
    """Each active therapist's booked hours / open working hours for the current clinic week."""
    monday, sunday = week_of(local_today(now=now))
    week_start, _ = day_bounds(monday)
    _, week_end = day_bounds(sunday)
    therapists = list(Therapist.objects.active().order_by("display_name", "pk"))
    blocks = defaultdict(list)
    for hours in WorkingHours.objects.filter(therapist__active=True):
        blocks[hours.therapist_id].append(hours)
    time_off = defaultdict(list)
    for therapist_id, starts_at, ends_at in TimeOff.objects.filter(
        therapist__active=True, starts_at__lt=week_end, ends_at__gt=week_start
    ).values_list("therapist_id", "starts_at", "ends_at"):
        time_off[therapist_id].append((starts_at, ends_at))
    booked = defaultdict(timedelta)
    for therapist_id, starts_at, ends_at in (
        Appointment.objects.active()
        .filter(therapist__active=True, starts_at__lt=week_end, ends_at__gt=week_start)
        .values_list("therapist_id", "starts_at", "ends_at")
    ):
        booked[therapist_id] += min(ends_at, week_end) - max(starts_at, week_start)

    zone = clinic_zone()
    days = [monday + timedelta(days=offset) for offset in range(7)]
    result = []
    for therapist in therapists:
        working = merge_intervals(
            (
                wall_clock_to_utc(day, block.start_time, zone=zone),
                wall_clock_to_utc(day, block.end_time, zone=zone, latest=True),
            )
            for day in days
            for block in blocks[therapist.pk]
            if block.weekday == day.weekday()
        )
        open_time = _total(subtract_intervals(working, merge_intervals(time_off[therapist.pk])))
        result.append(
            Utilisation(therapist=therapist, booked=booked[therapist.pk], working=open_time)
        )
    return result


def no_show_rate(*, now: datetime | None = None, window: timedelta = NO_SHOW_WINDOW) -> NoShowRate:
    """No-shows / (attended + no-shows) among appointments that started in the last 30 days."""
    now = now or timezone.now()
    counts = Appointment.objects.filter(starts_at__gte=now - window, starts_at__lt=now).aggregate(
        no_shows=Count("pk", filter=Q(status=Appointment.Status.NO_SHOW)),
        attended=Count("pk", filter=Q(status=Appointment.Status.ATTENDED)),
    )
    return NoShowRate(no_shows=counts["no_shows"], attended=counts["attended"])


def undelivered_emails() -> int:
    """How many patients' emails were given up on and not yet handled: patients to phone."""
    return OutgoingEmail.objects.undelivered().count()


def front_desk_dashboard(*, now: datetime | None = None) -> dict:
    """Everything the admin index shows the front desk, computed at one `now`."""
    now = now or timezone.now()
    today = local_today(now=now)
    monday, sunday = week_of(today)
    return {
        "today": today,
        "appointments": todays_appointments(now=now),
        "week_start": monday,
        "week_end": sunday,
        "utilisation": week_utilisation(now=now),
        "no_shows": no_show_rate(now=now),
        "no_show_window_days": NO_SHOW_WINDOW.days,
    }


def _total(intervals: Iterable[Interval]) -> timedelta:
    return sum((end - start for start, end in intervals), timedelta(0))
