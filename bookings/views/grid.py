"""The front desk's time grid (/schedule/clinic/) and what it books: a caller into a free gap,
an appointment moved to another, an appointment cancelled.

The grid itself is bookings/grid.py; these views only add the links a block carries and the
forms. Front desk only: a therapist sees their own week as a grid on /schedule/?view=week, and
anyone else gets the same 404 as every /schedule/ page. Everything booked or moved goes through
bookings/services/ (with source "phone"), so the database's exclusion constraints decide a race
and a refusal comes back as the form's error, nothing changed.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from bookings import grid, services
from bookings.grid_forms import (
    BookCallerForm,
    GapTimeForm,
    gap_starts,
    search_patients,
)
from bookings.models import Appointment, BookingRules, Therapist
from bookings.permissions import get_appointment_for_user, get_staff_access, get_therapist_for_user
from bookings.views.flow import phone_form_options
from bookings.views.schedule import (
    _long_date,
    _nav,
    _read_query,
    _waiting_on,
    link_free_gaps,
    staff_page,
)
from clinic.clock import clinic_zone_name, local, local_today, span_label
from clinic.dates import in_range

VIEWS = ("therapists", "rooms")


def _front_desk(request: HttpRequest):
    access = get_staff_access(request)
    if not access.front_desk:
        raise Http404
    return access


def grid_url(day: date, *, by: str = "", move: int | None = None, column: str = "") -> str:
    query = {"date": day.isoformat()}
    if by == "rooms":
        query["by"] = by
    if move:
        query["move"] = move
    return reverse("schedule:clinic") + "?" + urlencode(query) + (f"#{column}" if column else "")


def _moving(request: HttpRequest, access) -> Appointment | None:
    value = request.GET.get("move", "")
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise Http404
    appointment = get_appointment_for_user(access, int(value))
    return appointment if appointment.status == Appointment.Status.BOOKED else None


@require_safe
@staff_page
def clinic(request: HttpRequest) -> HttpResponse:
    """The clinic's day as a time grid: one column per therapist, or per room (`?by=rooms`)."""
    access = _front_desk(request)
    _form, day, _view = _read_query(request)
    by = request.GET.get("by") if request.GET.get("by") in VIEWS else "therapists"
    moving = _moving(request, access)
    now = timezone.now()
    therapists = list(Therapist.objects.active().order_by("display_name", "pk"))
    if by == "rooms":
        day_grid = grid.rooms_day(day=day, now=now)
    else:
        day_grid = grid.clinic_day(day=day, therapists=therapists, now=now)
        link_free_gaps(day_grid.columns, moving=moving)
    context = {
        "access": access,
        "day": day,
        "title": _long_date(day),
        "grid": day_grid,
        "by": by,
        "moving": moving,
        "moving_label": moving and span_label(moving.starts_at, moving.ends_at),
        "therapists_url": grid_url(day, move=moving and moving.pk),
        "rooms_url": grid_url(day, by="rooms"),
        "nav": _nav(access, None, day=day, view="day"),
        "zone_name": clinic_zone_name(),
        "is_today": day == local_today(now=now),
        "waiting": _waiting_on(day),
    }
    if moving is not None:
        context["nav"] = {
            key: f"{value}{'&' if '?' in value else '?'}move={moving.pk}"
            if key in ("previous", "today", "next")
            else value
            for key, value in context["nav"].items()
        }
    return render(request, "bookings/schedule/clinic.html", context)


def _gap_from_query(request: HttpRequest, access):
    """The therapist and the free gap `?therapist=&start=` points into, recomputed now: the
    grid the link came from may be minutes old. (None for the gap when it is no longer free.)"""
    therapist = get_therapist_for_user(access, request.GET.get("therapist"))
    try:
        start = datetime.fromisoformat(request.GET.get("start", "")[:40])
    except ValueError:
        raise Http404 from None
    # A link the grid made is aware and within the years every page takes (clinic/dates.py).
    if start.tzinfo is None or not in_range(start) or not therapist.active:
        raise Http404
    day = local(start).date()
    column = grid.clinic_day(day=day, therapists=[therapist], now=timezone.now()).columns[0]
    return therapist, day, grid.free_gap(column, start)


def _no_longer_free(request, *, therapist, day, back_url):
    return render(
        request,
        "bookings/schedule/gap_gone.html",
        {"therapist": therapist, "title": _long_date(day), "back_url": back_url},
        status=409,
    )


def _render(request, template: str, *, access, day: date, back_url: str, **context):
    """A grid form page: the day it is about, the way back, and the zone its times are in."""
    context.update(
        access=access, title=_long_date(day), back_url=back_url, zone_name=clinic_zone_name()
    )
    return render(request, f"bookings/schedule/{template}", context)


def _refused(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@require_http_methods(["GET", "POST"])
@staff_page
def book(request: HttpRequest) -> HttpResponse:
    """Book a caller into a free gap: find the patient (or type a new one), the service, the
    time. GET with `q` searches; POST books through `book_appointment` with source "phone"."""
    access = _front_desk(request)
    therapist, day, gap = _gap_from_query(request, access)
    back_url = grid_url(day, column=f"therapist-{therapist.pk}")
    if gap is None:
        return _no_longer_free(request, therapist=therapist, day=day, back_url=back_url)
    query = (request.POST.get("q") if request.method == "POST" else request.GET.get("q")) or ""
    patients = search_patients(query)
    step = BookingRules.load().slot_step
    services_here = therapist.services.filter(active=True).order_by("name")
    length = gap.ends_at - gap.starts_at
    fitting = [service.pk for service in services_here if service.duration <= length]
    form = BookCallerForm(
        request.POST if request.method == "POST" else None,
        gap=gap,
        starts=gap_starts(gap, step),
        services=services_here.filter(pk__in=fitting),
        patients=patients,
        phone_options=phone_form_options(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patient = data["patient"]
        if patient is None:
            new = form.new_patient.cleaned_data
            patient = services.PatientDetails(
                name=new["name"], email=new["email"], phone=new["phone"]
            )
        try:
            appointment = services.book_appointment(
                service=data["service"],
                therapist=therapist,
                starts_at=data["starts_at"],
                patient=patient,
                reason=data["reason"],
                source=Appointment.Source.PHONE,
                actor=request.user,
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                f"{appointment.patient_name} is booked for {appointment.service.name} with "
                f"{therapist.display_name}, "
                f"{span_label(appointment.starts_at, appointment.ends_at)}. "
                f"The confirmation is on its way to {appointment.patient.email}.",
            )
            return redirect(grid_url(day, column=f"therapist-{therapist.pk}"))
    return _render(
        request,
        "book.html",
        access=access,
        day=day,
        back_url=back_url,
        form=form,
        therapist=therapist,
        gap=gap,
        gap_label=span_label(gap.starts_at, gap.ends_at),
        gap_start=request.GET.get("start", ""),
        query=query,
        searched=len(" ".join(query.split())) >= 2,
        patients=patients,
        no_service_fits=not fitting,
    )


@require_http_methods(["GET", "POST"])
@staff_page
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a booked appointment into a free gap (any therapist who offers its service)."""
    access = _front_desk(request)
    appointment = get_appointment_for_user(access, pk)
    therapist, day, gap = _gap_from_query(request, access)
    back_url = grid_url(day, move=appointment.pk)
    if appointment.status != Appointment.Status.BOOKED:
        messages.error(request, ("Only a booked appointment can be moved."))
        return redirect("schedule:appointment", pk=appointment.pk)
    if gap is None:
        return _no_longer_free(request, therapist=therapist, day=day, back_url=back_url)
    form = GapTimeForm(
        request.POST if request.method == "POST" else None,
        gap=gap,
        starts=gap_starts(gap, BookingRules.load().slot_step),
    )
    if request.method == "POST" and form.is_valid():
        form.check_fits(appointment.service)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.reschedule_appointment(
                appointment=appointment,
                starts_at=form.cleaned_data["starts_at"],
                therapist=therapist,
                by_patient=False,
                actor=request.user,
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                f"{appointment.patient_name}'s appointment is moved to {_long_date(day)}, "
                f"{span_label(appointment.starts_at, appointment.ends_at)} with "
                f"{therapist.display_name}. They are emailed the new time.",
            )
            return redirect(grid_url(day, column=f"therapist-{therapist.pk}"))
    return _render(
        request,
        "move.html",
        access=access,
        day=day,
        back_url=back_url,
        form=form,
        appointment=appointment,
        was_label=span_label(appointment.starts_at, appointment.ends_at),
        was_day=_long_date(local(appointment.starts_at).date()),
        therapist=therapist,
        gap_label=span_label(gap.starts_at, gap.ends_at),
    )


@require_http_methods(["GET", "POST"])
@staff_page
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel an appointment for the clinic (a caller who cannot come): asked, then done."""
    access = _front_desk(request)
    appointment = get_appointment_for_user(access, pk)
    day = local(appointment.starts_at).date()
    if request.method == "POST":
        try:
            services.cancel_appointment(
                appointment=appointment, by_patient=False, actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("schedule:appointment", pk=appointment.pk)
        messages.success(
            request,
            f"{appointment.patient_name}'s appointment on {_long_date(day)} is cancelled, and "
            "they are emailed. The time is free again.",
        )
        return redirect(grid_url(day, column=f"therapist-{appointment.therapist_id}"))
    return _render(
        request,
        "cancel.html",
        access=access,
        day=day,
        back_url=reverse("schedule:appointment", args=[appointment.pk]),
        appointment=appointment,
        time_label=span_label(appointment.starts_at, appointment.ends_at),
    )
