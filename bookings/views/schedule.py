"""The staff schedule under /schedule/: a therapist's day and week, the day sheet, attendance (the
clinic's day as a time grid is views/grid.py, time off views/time_off.py).

Every view starts with `get_staff_access` (bookings/permissions.py): a therapist sees their own
schedule only, the front desk everyone's; anything else is a 404 that says nothing. Writes go
through bookings/services/, then redirect (POST, redirect, GET) with a message. Pages carry
patients' names and phones: never cached anywhere (`Cache-Control: no-store, private`).

Each page makes a fixed number of queries, whatever the number of appointments shown.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from bookings import grid, services
from bookings.forms import AttendanceForm, ScheduleQueryForm
from bookings.grid_forms import start_value
from bookings.models import Appointment, Therapist, TimeOff, WaitlistEntry, WorkingHours
from bookings.permissions import (
    StaffAccess,
    get_appointment_for_user,
    get_staff_access,
    get_therapist_for_user,
)
from clinic import clock
from clinic.clock import clinic_zone, clinic_zone_name, local_today


def staff_page(view):
    """Logged in (else to the login page), and never stored by a browser or proxy."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response

    return never_cache(login_required(wrapper))


# --- dates as the schedule writes them --------------------------------------------------------


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B} {day.year}"


def _short_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


# --- what a page shows --------------------------------------------------------------------------


def _read_query(request: HttpRequest) -> tuple[ScheduleQueryForm, date, str]:
    form = ScheduleQueryForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    day = data.get("date") or local_today()
    view = data.get("view") or "day"
    for message in form.messages():
        messages.warning(request, message)
    return form, day, view


def _entries(
    *,
    therapists: list[Therapist],
    first: date,
    last: date,
    now: datetime,
) -> dict[tuple[int, date], list[dict]]:
    """Appointments and time off per (therapist, day), in time order. Four queries in all."""
    range_start, range_end = clock.day_bounds(first, last)
    ids = [therapist.pk for therapist in therapists]
    appointments = (
        Appointment.objects.filter(
            therapist_id__in=ids, starts_at__gte=range_start, starts_at__lt=range_end
        )
        .select_related("patient", "service", "condition", "intake")
        .prefetch_related("events", "resource_holds__resource")
        .order_by("starts_at", "pk")
    )
    time_off = TimeOff.objects.filter(
        therapist_id__in=ids, starts_at__lt=range_end, ends_at__gt=range_start
    ).order_by("starts_at")
    zone = clinic_zone()
    found: dict[tuple[int, date], list[dict]] = defaultdict(list)
    for appointment in appointments:
        day = appointment.starts_at.astimezone(zone).date()
        found[(appointment.therapist_id, day)].append(
            {
                "kind": "appointment",
                "starts_at": appointment.starts_at,
                # 1:30 AM happens twice the night the clocks go back: the label says which.
                "label": clock.span_label(appointment.starts_at, appointment.ends_at),
                "appointment": appointment,
                "can_mark": services.may_mark_attendance(appointment, now=now),
                "can_undo": services.may_undo_attendance(appointment, now=now),
            }
        )
    for block in time_off:
        day = max(block.starts_at.astimezone(zone).date(), first)
        end_day = min((block.ends_at - timedelta(microseconds=1)).astimezone(zone).date(), last)
        while day <= end_day:
            day_start, day_end = clock.day_bounds(day, day)
            shown_start, shown_end = max(block.starts_at, day_start), min(block.ends_at, day_end)
            whole_day = shown_start == day_start and shown_end == day_end
            found[(block.therapist_id, day)].append(
                {
                    "kind": "time_off",
                    "starts_at": shown_start,
                    "label": "All day"
                    if whole_day
                    else clock.span_label(shown_start, shown_end)
                    if shown_end < day_end
                    else f"From {clock.time_label(shown_start)}",
                    "time_off": block,
                }
            )
            day += timedelta(days=1)
    for items in found.values():
        items.sort(key=lambda item: (item["starts_at"], item["kind"] != "time_off"))
    return found


def _working_hours(therapists: list[Therapist]) -> dict[tuple[int, int], str]:
    """ "9:00 AM–12:00 PM, 1:00 PM–5:00 PM" per (therapist, weekday). One query."""
    blocks = defaultdict(list)
    for hours in WorkingHours.objects.filter(therapist__in=therapists).order_by("start_time"):
        blocks[(hours.therapist_id, hours.weekday)].append(
            f"{hours.start_time.strftime('%I:%M %p').lstrip('0')}"
            f"–{hours.end_time.strftime('%I:%M %p').lstrip('0')}"
        )
    return {key: ", ".join(value) for key, value in blocks.items()}


def _schedule_url(name: str, **params) -> str:
    query = {key: value for key, value in params.items() if value not in (None, "")}
    return reverse(f"schedule:{name}") + ("?" + urlencode(query) if query else "")


def _therapist_param(access: StaffAccess, therapist: Therapist) -> int | None:
    # Only the front desk names a therapist in links; a therapist's own links stay short.
    if access.therapist is not None and access.therapist.pk == therapist.pk:
        return None
    return therapist.pk


def _nav(access: StaffAccess, therapist: Therapist | None, *, day: date, view: str) -> dict:
    step = timedelta(days=7 if view == "week" else 1)
    params = {"view": view if view == "week" else None}
    if therapist is not None:
        params["therapist"] = _therapist_param(access, therapist)
    name = "clinic" if therapist is None else "schedule"
    return {
        "previous": _schedule_url(name, date=(day - step).isoformat(), **params),
        "today": _schedule_url(name, **params),
        "next": _schedule_url(name, date=(day + step).isoformat(), **params),
        "previous_label": "Previous week" if view == "week" else "Previous day",
        "next_label": "Next week" if view == "week" else "Next day",
    }


def _visible_therapists(access: StaffAccess) -> list[Therapist]:
    if access.front_desk:
        return list(Therapist.objects.active().order_by("display_name", "pk"))
    return [access.therapist]


# --- the time grid's links (bookings/grid.py; the clinic day is views/grid.py) ----------------


def _gap_url(name: str, block: grid.Block, **kwargs) -> str:
    query = urlencode({"therapist": block.therapist.pk, "start": start_value(block.starts_at)})
    return reverse(f"schedule:{name}", kwargs=kwargs) + "?" + query


def link_free_gaps(columns, *, moving: Appointment | None) -> None:
    """Each free gap links to the form that books a caller into it, or moves `moving` there
    (only with therapists who offer its service)."""
    offering = None
    if moving is not None:
        offering = set(moving.service.therapists.values_list("pk", flat=True))
    for column in columns:
        for block in column.free:
            if block.therapist is None:
                continue
            if moving is None:
                block.url = _gap_url("book", block)
            elif block.therapist.pk in offering:
                block.url = _gap_url("move", block, pk=moving.pk)


# --- pages --------------------------------------------------------------------------------------


@require_safe
@staff_page
def start(request: HttpRequest) -> HttpResponse:
    """Where a login lands: the schedule for those who have one, the admin for other staff."""
    try:
        access = get_staff_access(request)
    except Http404:
        return redirect("admin:index" if request.user.is_staff else "home")
    return redirect("schedule:clinic" if access.therapist is None else "schedule:schedule")


@require_safe
@staff_page
def schedule(request: HttpRequest) -> HttpResponse:
    access = get_staff_access(request)
    form, day, view = _read_query(request)
    if (
        access.therapist is None
        and not request.GET.get("therapist")
        and not Therapist.objects.active().exists()
    ):
        # Nobody's schedule to show yet: the clinic day says so and links to the admin.
        return redirect("schedule:clinic")
    therapist = get_therapist_for_user(access, request.GET.get("therapist"))
    if view == "week":
        first = clock.week_start(day)
        days = [first + timedelta(days=offset) for offset in range(7)]
    else:
        days = [day]
    now = timezone.now()
    # The week is a time grid, the days side by side in rows of 15 minutes; the day a list.
    week_grid, entries = None, {}
    if view == "week":
        week_grid = grid.therapist_week(therapist=therapist, days=days, now=now)
        if access.front_desk:
            link_free_gaps(week_grid.columns, moving=None)
    else:
        entries = _entries(therapists=[therapist], first=days[0], last=days[-1], now=now)
    hours = _working_hours([therapist])
    today = local_today(now=now)
    own = access.therapist is not None and access.therapist.pk == therapist.pk
    context = {
        "access": access,
        "therapist": therapist,
        "grid": week_grid,
        "own": own,
        "therapist_param": _therapist_param(access, therapist),
        "therapists": _visible_therapists(access) if access.front_desk else [],
        "view": view,
        "day": day,
        "days": [
            {
                "date": each,
                "title": _long_date(each),
                "short": _short_date(each),
                "is_today": each == today,
                "items": entries.get((therapist.pk, each), []),
                "hours": hours.get((therapist.pk, each.weekday()), ""),
            }
            for each in days
        ],
        "title": (
            f"Week of {_short_date(days[0])} {days[0].year}" if view == "week" else _long_date(day)
        ),
        "nav": _nav(access, therapist, day=day, view=view),
        "zone_name": clinic_zone_name(),
        "here": request.get_full_path(),
        "day_sheet_url": _schedule_url(
            "day_sheet", date=day.isoformat(), therapist=_therapist_param(access, therapist)
        ),
        "time_off_url": _schedule_url("time_off", therapist=_therapist_param(access, therapist)),
        "day_url": _schedule_url(
            "schedule", date=day.isoformat(), therapist=_therapist_param(access, therapist)
        ),
        "week_url": _schedule_url(
            "schedule",
            date=day.isoformat(),
            view="week",
            therapist=_therapist_param(access, therapist),
        ),
    }
    return render(request, "bookings/schedule/schedule.html", context)


def _waiting_on(day):
    """The waiting-list requests that day's freed times would go to, per service."""
    return (
        WaitlistEntry.objects.waiting()
        .filter(first_day__lte=day, last_day__gte=day, weekdays__contains=[day.weekday()])
        .values("service__name")
        .annotate(count=Count("pk"))
        .order_by("service__name")
    )


@require_safe
@staff_page
def day_sheet(request: HttpRequest) -> HttpResponse:
    """One therapist's day as a table to print: no navigation, no buttons."""
    access = get_staff_access(request)
    form, day, _ = _read_query(request)
    therapist = get_therapist_for_user(access, request.GET.get("therapist"))
    entries = _entries(therapists=[therapist], first=day, last=day, now=timezone.now())
    context = {
        "therapist": therapist,
        "day": day,
        "title": _long_date(day),
        "short": _short_date(day),
        "items": entries.get((therapist.pk, day), []),
        "hours": _working_hours([therapist]).get((therapist.pk, day.weekday()), ""),
        "zone_name": clinic_zone_name(),
        "back_url": _schedule_url(
            "schedule", date=day.isoformat(), therapist=_therapist_param(access, therapist)
        ),
        "printed_at": timezone.localtime(),
    }
    return render(request, "bookings/schedule/day_sheet.html", context)


@require_safe
@staff_page
def appointment(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_staff_access(request)
    appointment = get_appointment_for_user(access, pk)
    now = timezone.now()
    events = list(appointment.events.select_related("actor").order_by("created_at", "pk"))
    day = appointment.starts_at.astimezone(clinic_zone()).date()
    context = {
        "access": access,
        "appointment": appointment,
        "events": events,
        "date_label": _long_date(day),
        "time_label": clock.span_label(appointment.starts_at, appointment.ends_at),
        "can_mark": services.may_mark_attendance(appointment, now=now),
        "can_undo": services.may_undo_attendance(appointment, now=now),
        "back_url": _schedule_url(
            "schedule",
            date=day.isoformat(),
            therapist=_therapist_param(access, appointment.therapist),
        ),
        "here": request.get_full_path(),
        "zone_name": clinic_zone_name(),
        # The front desk moves or cancels a booked appointment from the time grid.
        "can_change": access.front_desk
        and appointment.status == Appointment.Status.BOOKED
        and appointment.starts_at > now,
        "move_url": _schedule_url("clinic", date=day.isoformat(), move=appointment.pk),
    }
    return render(request, "bookings/schedule/appointment.html", context)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Where the form came from (a /schedule/ page on this site), else `fallback`."""
    target = request.POST.get("next", "")
    if (
        target.startswith(reverse("schedule:schedule"))
        and len(target) < 1000
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return redirect(target)
    return redirect(fallback)


def _appointment_day_url(access: StaffAccess, appointment: Appointment) -> str:
    day = appointment.starts_at.astimezone(clinic_zone()).date()
    return _schedule_url(
        "schedule",
        date=day.isoformat(),
        therapist=_therapist_param(access, appointment.therapist),
    )


@require_POST
@staff_page
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_staff_access(request)
    appointment = get_appointment_for_user(access, pk)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose attended or no-show.")
        return _back(request, _appointment_day_url(access, appointment))
    attended = form.cleaned_data["outcome"] == "attended"
    try:
        services.mark_attendance(
            appointment=appointment,
            attended=attended,
            actor=request.user,
            allow_before_the_day=False,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        outcome = "attended" if attended else "a no-show"
        messages.success(request, f"{appointment.patient_name} marked as {outcome}.")
    return _back(request, _appointment_day_url(access, appointment))


@require_POST
@staff_page
def undo_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_staff_access(request)
    appointment = get_appointment_for_user(access, pk)
    try:
        services.undo_attendance(appointment=appointment, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{appointment.patient_name} is back to booked.")
    return _back(request, _appointment_day_url(access, appointment))
