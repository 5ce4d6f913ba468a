"""The patient's booking flow (/book/); their own appointment page is in views/manage.py.

Choices travel in the query string (service, therapist, week, day, start, condition), so the
browser's back button and every "change" link keep them; the patient's details wait in the session
until the review page shows them. That page's confirm form carries what it shows, signed, and the
confirm POST books from that alone: another tab of the same browser may have changed the session
since. Nothing is written before the confirm POST, and that goes through services.
"""

import re
import secrets
from datetime import UTC, date, datetime, timedelta
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from bookings import availability, services
from bookings.availability import Slot
from bookings.forms import (
    ANY_THERAPIST,
    BookingChoiceForm,
    ConfirmBookingForm,
    PatientDetailsForm,
    format_start,
    sign_review,
)
from bookings.models import Appointment, BookingRules, Service, Therapist
from clinic import clock
from clinic.clock import clinic_zone, clinic_zone_name, local_today, week_start
from clinic.ratelimit import rate_limit

SESSION_DETAILS = "bookings_details"
SESSION_CONFIRMED = "bookings_confirmed_appointment"
MANAGE_LINK_SHOWN_FOR = timedelta(minutes=15)
# secrets.token_urlsafe(24): 32 characters of the URL-safe alphabet.
SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{32}")
STEPS = ["Service", "Therapist", "Day", "Time", "Your details", "Confirm"]
# Refusals about the patient rather than the time. Whoever typed the email may not be its owner,
# so each reads the same and names no appointment; services email the owner instead.
PATIENT_REFUSALS = frozenset({"patient_busy"})
PATIENT_REFUSED_MESSAGE = _(
    "We could not book that time. Please choose another time. If you already have an "
    "appointment then, we have emailed its details to the address you gave."
)


# Per client address: far more than a patient needs, far fewer than a script filling the diary
# (or trying tokens) would.
booking_limit = rate_limit("bookings-submit", limit=30, period=600)


def private_page(view):
    """Pages that carry a manage token: never cached, and the token never leaks as a Referer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return never_cache(wrapper)


# --- the booking flow ---------------------------------------------------------------------------


def _query(choices: dict, **overrides) -> str:
    """The query string for `choices` with `overrides` (None removes a key)."""
    values = {**choices, **overrides}
    params = {}
    for name in ("service", "therapist", "week", "day", "start", "condition"):
        value = values.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, Service):
            value = value.slug
        elif isinstance(value, Therapist):
            value = value.pk
        elif isinstance(value, datetime):
            value = format_start(value)
        elif isinstance(value, date):
            value = value.isoformat()
        elif hasattr(value, "slug"):
            value = value.slug
        params[name] = value
    return "?" + urlencode(params) if params else ""


def _url(name: str, choices: dict, **overrides) -> str:
    return reverse(f"bookings:{name}") + _query(choices, **overrides)


def _therapist_for(choices: dict) -> Therapist | None:
    therapist = choices.get("therapist")
    return therapist if isinstance(therapist, Therapist) else None


def _long_label(slot: Slot) -> str:
    local = slot.local_start()
    return f"{local:%A} {local.day} {local:%B}, {clock.time_label(slot.starts_at)}"


def _times_for_day(slots: list[Slot], day: date, url_for_slot) -> list[dict]:
    groups: dict[str, list[dict]] = {}
    for slot in availability.distinct_starts(slots):
        hour = slot.local_start().hour
        group = "Morning" if hour < 12 else "Afternoon" if hour < 17 else "Evening"
        # The night the clocks go back, 1:00 AM is offered twice: the label says PDT or PST.
        groups.setdefault(group, []).append(
            {"label": clock.time_label(slot.starts_at), "url": url_for_slot(slot)}
        )
    return [{"name": name, "times": times} for name, times in groups.items()]


def _week_context(
    *,
    service: Service,
    therapist: Therapist | None,
    week: date | None,
    now: datetime,
    rules: BookingRules,
    url_for_week,
    url_for_day,
    ignore_appointment=None,
) -> dict:
    """The days of one week with how many free times each has, and links to the next/previous."""
    today = local_today(now=now)
    last_day = (now + rules.horizon).astimezone(clinic_zone()).date()
    if week is None:
        # Open on the first week that has a free time, not an empty one.
        upcoming = availability.free_slots(
            service=service,
            therapist=therapist,
            start=today,
            end=last_day,
            now=now,
            rules=rules,
            ignore_appointment=ignore_appointment,
        )
        first = upcoming[0].local_start().date() if upcoming else today
        week = week_start(first)
    week = week_start(min(max(week, today), last_day))
    week_end = week + timedelta(days=6)
    slots = availability.free_slots(
        service=service,
        therapist=therapist,
        start=max(week, today),
        end=week_end,
        now=now,
        rules=rules,
        ignore_appointment=ignore_appointment,
    )
    by_day = availability.slots_by_day(slots)
    days = []
    for offset in range(7):
        day = week + timedelta(days=offset)
        count = len(availability.distinct_starts(by_day.get(day, [])))
        days.append({"date": day, "count": count, "url": url_for_day(day) if count else ""})
    return {
        "week": week,
        "week_end": week_end,
        "days": days,
        "has_free_days": any(day["count"] for day in days),
        "previous_week_url": url_for_week(week - timedelta(days=7)) if week > today else "",
        "next_week_url": url_for_week(week + timedelta(days=7)) if week_end < last_day else "",
    }


def _free_therapists_at(
    *,
    service: Service,
    therapist: Therapist | None,
    starts_at: datetime,
    now: datetime,
    rules: BookingRules,
) -> list[Therapist]:
    """The therapists (the chosen one, or any offering the service) free at `starts_at`."""
    day = starts_at.astimezone(clinic_zone()).date()
    slots = availability.free_slots(
        service=service, therapist=therapist, start=day, end=day, now=now, rules=rules
    )
    ids = [slot.therapist_id for slot in slots if slot.starts_at == starts_at]
    if not ids:
        return []
    found = Therapist.objects.in_bulk(ids)
    return [found[pk] for pk in ids]


def _base_context(choices: dict, step: int, errors: list[str]) -> dict:
    return {
        "choices": choices,
        "service": choices.get("service"),
        "therapist": _therapist_for(choices),
        "any_therapist": choices.get("therapist") == ANY_THERAPIST,
        "condition": choices.get("condition"),
        "steps": STEPS,
        "step": step,
        "step_name": STEPS[step - 1],
        "errors": errors,
        "zone_name": clinic_zone_name(),
        "change_service_url": _url(
            "book", choices, service=None, therapist=None, week=None, day=None, start=None
        ),
        "change_therapist_url": _url(
            "book", choices, therapist=None, week=None, day=None, start=None
        ),
    }


@require_safe
def book(request: HttpRequest) -> HttpResponse:
    """Steps 1-4: service, therapist, day, time. The first missing choice is the step shown."""
    form = BookingChoiceForm(request.GET)
    form.is_valid()
    choices = form.choices()
    errors = form.messages()
    now = timezone.now()
    rules = BookingRules.load()
    service = choices.get("service")
    therapist_choice = choices.get("therapist")
    if service is None:
        context = _base_context(choices, 1, errors)
        context["services"] = [
            {"service": item, "url": _url("book", choices, service=item)}
            for item in Service.objects.active().filter(therapists__active=True).distinct()
        ]
        return render(request, "bookings/book_service.html", context)

    if therapist_choice is None:
        context = _base_context(choices, 2, errors)
        context["therapists"] = [
            {"therapist": item, "url": _url("book", choices, therapist=item)}
            for item in Therapist.objects.offering(service)
        ]
        context["any_url"] = _url("book", choices, therapist=ANY_THERAPIST)
        return render(request, "bookings/book_therapist.html", context)

    therapist = _therapist_for(choices)
    day = choices.get("day")
    if day is None:
        context = _base_context(choices, 3, errors)
        context.update(
            _week_context(
                service=service,
                therapist=therapist,
                week=choices.get("week"),
                now=now,
                rules=rules,
                url_for_week=lambda week: _url("book", choices, week=week, day=None),
                url_for_day=lambda day: _url("book", choices, week=week_start(day), day=day),
            )
        )
        return render(request, "bookings/book_day.html", context)

    context = _base_context(choices, 4, errors)
    slots = availability.free_slots(
        service=service, therapist=therapist, start=day, end=day, now=now, rules=rules
    )
    context["day"] = day
    context["groups"] = _times_for_day(
        slots, day, lambda slot: _url("details", choices, start=slot.starts_at)
    )
    context["back_url"] = _url("book", choices, week=week_start(day), day=None)
    return render(request, "bookings/book_time.html", context)


def _complete_choices(request, data) -> tuple[dict, list[str], bool]:
    form = BookingChoiceForm(data)
    form.is_valid()
    choices = form.choices()
    complete = all(choices.get(name) for name in ("service", "therapist", "start"))
    return choices, form.messages(), complete


def _redirect_to_missing_step(request, choices: dict, errors: list[str]) -> HttpResponse:
    for error in errors:
        messages.error(request, error)
    return redirect(_url("book", choices, start=None))


def _unavailable(request, choices, *, message: str, now, rules, step: int, status: int):
    """The chosen time cannot be had: say why and offer the nearest free times instead."""
    service = choices["service"]
    nearest = availability.nearest_free_slots(
        service=service,
        therapist=_therapist_for(choices),
        around=choices["start"],
        now=now,
        rules=rules,
    )
    target = "review" if request.session.get(SESSION_DETAILS) else "details"
    context = _base_context(choices, step, [])
    context.update(
        {
            "message": message,
            "nearest": [
                {
                    "label": _long_label(slot),
                    "url": _url(target, choices, start=slot.starts_at),
                }
                for slot in nearest
            ],
            "choose_url": _url("book", choices, start=None, day=None),
        }
    )
    return render(request, "bookings/book_unavailable.html", context, status=status)


def _slot_context(choices: dict) -> dict:
    start = choices["start"].astimezone(clinic_zone())
    service = choices["service"]
    return {
        "starts_local": start,
        # DST pitfall: add the duration to the instant (UTC), not to the clinic's wall clock,
        # which keeps no fold: 1:00 AM PST + 30 minutes would read 1:30 AM PDT.
        "ends_local": (choices["start"] + service.duration).astimezone(clinic_zone()),
        "change_time_url": _url("book", choices, day=start.date(), start=None),
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@booking_limit
def details(request: HttpRequest) -> HttpResponse:
    """Step 5: name, email, phone and reason, kept in the session until confirmed."""
    choices, errors, complete = _complete_choices(request, request.GET)
    if not complete or errors:
        return _redirect_to_missing_step(request, choices, errors)
    now = timezone.now()
    rules = BookingRules.load()
    free = _free_therapists_at(
        service=choices["service"],
        therapist=_therapist_for(choices),
        starts_at=choices["start"],
        now=now,
        rules=rules,
    )
    if not free:
        return _unavailable(
            request,
            choices,
            message="That time is not available any more.",
            now=now,
            rules=rules,
            step=4,
            status=409,
        )
    if request.method == "POST":
        form = PatientDetailsForm(request.POST)
        if form.is_valid():
            request.session[SESSION_DETAILS] = form.cleaned_data
            return redirect(_url("review", choices))
    else:
        initial = dict(request.session.get(SESSION_DETAILS) or {})
        condition = choices.get("condition")
        if condition is not None and not initial.get("reason"):
            initial["reason"] = condition.title
        form = PatientDetailsForm(initial=initial)
    context = _base_context(choices, 5, [])
    context.update(_slot_context(choices))
    context["form"] = form
    context["back_url"] = _url(
        "book", choices, day=choices["start"].astimezone(clinic_zone()).date(), start=None
    )
    return render(request, "bookings/book_details.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@booking_limit
def review(request: HttpRequest) -> HttpResponse:
    """Step 6: everything on one page and a button that books it (the only write)."""
    if request.method == "POST":
        return _confirm(request)
    choices, errors, complete = _complete_choices(request, request.GET)
    if not complete or errors:
        return _redirect_to_missing_step(request, choices, errors)
    saved = request.session.get(SESSION_DETAILS)
    details_form = PatientDetailsForm(saved or None)
    if not saved or not details_form.is_valid():
        messages.error(request, "Please enter your details.")
        return redirect(_url("details", choices))
    now = timezone.now()
    rules = BookingRules.load()
    service = choices["service"]
    therapist = _therapist_for(choices)
    free = _free_therapists_at(
        service=service, therapist=therapist, starts_at=choices["start"], now=now, rules=rules
    )
    if not free:
        return _unavailable(
            request,
            choices,
            message="That time is not available any more.",
            now=now,
            rules=rules,
            step=6,
            status=409,
        )
    context = _base_context(choices, 6, [])
    context.update(_slot_context(choices))
    context["details"] = details_form.cleaned_data
    context["change_details_url"] = _url("details", choices)
    # The form books exactly what this page shows, whatever the session holds by then.
    context["booking"] = sign_review(
        choices=choices,
        details=details_form.cleaned_data,
        submission=secrets.token_urlsafe(24),
    )
    return render(request, "bookings/book_review.html", context)


def _confirm(request: HttpRequest) -> HttpResponse:
    """The review page's "Confirm booking": book what that page showed, from its signed value."""
    form = ConfirmBookingForm(request.POST, page_choices=request.GET)
    if not form.is_valid():
        for message in form.messages():
            messages.error(request, message)
        choices, _errors, complete = _complete_choices(request, request.GET)
        return redirect(_url("review" if complete else "book", choices))
    reviewed = form.cleaned_data["booking"]
    already = _booked_with_key(reviewed.submission)
    if already is not None:
        return _show_confirmation(request, already, details=reviewed.details)
    choices, errors, complete = _complete_choices(request, reviewed.choices)
    if not complete or errors:
        return _redirect_to_missing_step(request, choices, errors)
    details_form = PatientDetailsForm(reviewed.details)
    if not details_form.is_valid():
        messages.error(request, "Please enter your details.")
        return redirect(_url("details", choices))
    details = details_form.cleaned_data
    now = timezone.now()
    rules = BookingRules.load()
    service = choices["service"]
    therapist = _therapist_for(choices)
    booking = {
        "service": service,
        "starts_at": choices["start"],
        "patient": services.PatientDetails(
            name=details["name"], email=details["email"], phone=details["phone"]
        ),
        "reason": details["reason"],
        "condition": choices.get("condition"),
        "now": now,
        "submission_key": _submission_key(reviewed.submission),
    }
    try:
        if therapist is not None:
            appointment = services.book_appointment(therapist=therapist, **booking)
        else:
            # "No preference": whoever is free at that time, in the order the flow showed.
            free = _free_therapists_at(
                service=service, therapist=None, starts_at=choices["start"], now=now, rules=rules
            )
            appointment = services.book_first_free(therapists=free, **booking)
    except ValidationError as error:
        # A double-click's second request loses to its own first one: show that booking.
        already = _booked_with_key(reviewed.submission)
        if already is not None:
            return _show_confirmation(request, already, details=reviewed.details)
        if error.code == "slot_taken":
            message = "That time has just been booked. Please choose another time."
        elif error.code in PATIENT_REFUSALS:
            message = PATIENT_REFUSED_MESSAGE
        else:
            message = " ".join(error.messages)
        return _unavailable(
            request, choices, message=message, now=now, rules=rules, step=6, status=409
        )
    return _show_confirmation(request, appointment, details=reviewed.details)


def _submission_key(key: str) -> str:
    """The confirm form's one-time key, or "" when it is not one we could have made."""
    return key if SUBMISSION_KEY.fullmatch(key) else ""


def _booked_with_key(key: str) -> Appointment | None:
    """The active appointment this very confirm form already booked (a repeated click), if any."""
    key = _submission_key(key)
    if not key:
        return None
    return Appointment.objects.active().filter(submission_key=key).first()


def _show_confirmation(request: HttpRequest, appointment: Appointment, *, details) -> HttpResponse:
    # Post/redirect/get. The details just booked are done with; details another tab typed
    # since then are that tab's, and stay.
    saved = request.session.get(SESSION_DETAILS)
    if saved is not None and {name: saved.get(name, "") for name in details} == details:
        request.session.pop(SESSION_DETAILS, None)
    # When it was booked, not now: sending the same form again does not bring the link back.
    request.session[SESSION_CONFIRMED] = {
        "appointment": appointment.pk,
        "at": appointment.created_at.timestamp(),
    }
    return redirect("bookings:confirmed")


def _confirmed_in_session(request: HttpRequest) -> tuple[int | None, datetime | None]:
    """The appointment this browser just booked, and when."""
    value = request.session.get(SESSION_CONFIRMED)
    if not isinstance(value, dict):
        return None, None
    appointment_id, at = value.get("appointment"), value.get("at")
    if not isinstance(appointment_id, int) or not isinstance(at, int | float):
        return None, None
    return appointment_id, datetime.fromtimestamp(at, UTC)


@private_page
@require_safe
def confirmed(request: HttpRequest) -> HttpResponse:
    """After the confirm POST (post/redirect/get): what was booked and where it was sent.

    The manage link is on the page for MANAGE_LINK_SHOWN_FOR after booking, time enough to
    use it; later the page may be someone else's view of a shared computer, and the link is in
    the patient's email.
    """
    appointment_id, confirmed_at = _confirmed_in_session(request)
    appointment = (
        Appointment.objects.select_related("therapist", "service", "patient")
        .filter(pk=appointment_id)
        .first()
        if appointment_id
        else None
    )
    if appointment is None:
        return redirect("bookings:book")
    show_link = timezone.now() - confirmed_at < MANAGE_LINK_SHOWN_FOR
    return render(
        request,
        "bookings/book_confirmed.html",
        {
            "appointment": appointment,
            "starts_local": appointment.starts_at.astimezone(clinic_zone()),
            "ends_local": appointment.ends_at.astimezone(clinic_zone()),
            "zone_name": clinic_zone_name(),
            "manage_url": (
                reverse("bookings:manage", args=[appointment.manage_token]) if show_link else ""
            ),
        },
    )
