"""The patient's own appointment page (/appointments/<token>/): view it, cancel it, move it.

The manage token in the URL is the credential; every page carrying it is private (never cached,
no Referer).
"""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from bookings import availability, services
from bookings.forms import BookingChoiceForm, format_start
from bookings.models import Appointment, BookingRules
from bookings.views.flow import (
    PATIENT_REFUSALS,
    SLOT_TAKEN_MESSAGE,
    _query,
    _times_for_day,
    _week_context,
    private_page,
)
from clinic.clock import clinic_zone, clinic_zone_name, week_start
from clinic.ratelimit import rate_limit

MOVE_PATIENT_REFUSED_MESSAGE = _(
    "We could not move your appointment to that time. Please choose another time. If you "
    "already have an appointment then, we have emailed its details to you."
)

# Per client address, like booking_limit: far more than a patient needs, far fewer than a script
# trying tokens would.
manage_limit = rate_limit("bookings-manage", limit=60, period=600, methods=("GET", "POST"))


def _get_appointment_by_token(token: str) -> Appointment:
    # A wrong or old token is a plain 404, the same whatever was wrong with it.
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(
        Appointment.objects.select_related("therapist", "service", "patient", "condition"),
        manage_token=token,
    )


def _manage_context(appointment: Appointment, *, now: datetime, rules: BookingRules) -> dict:
    return {
        "appointment": appointment,
        "starts_local": appointment.starts_at.astimezone(clinic_zone()),
        "ends_local": appointment.ends_at.astimezone(clinic_zone()),
        "zone_name": clinic_zone_name(),
        "can_change": services.can_change_online(appointment, now=now, rules=rules),
        "is_upcoming": appointment.is_active and appointment.starts_at > now,
        "rules": rules,
        "manage_url": reverse("bookings:manage", args=[appointment.manage_token]),
        "cancel_url": reverse("bookings:manage_cancel", args=[appointment.manage_token]),
        "reschedule_url": reverse("bookings:manage_reschedule", args=[appointment.manage_token]),
        "book_again_url": reverse("bookings:book")
        + _query({"service": appointment.service, "therapist": appointment.therapist}),
    }


@private_page
@require_safe
@manage_limit
def manage(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _get_appointment_by_token(token)
    context = _manage_context(appointment, now=timezone.now(), rules=BookingRules.load())
    return render(request, "bookings/manage.html", context)


# The manage token in the URL is the credential, not a cookie: a cross-site page cannot know it,
# so there is nothing for CSRF protection to add. And it cannot work here: under
# `Referrer-Policy: no-referrer` browsers send `Origin: null` with the form, which Django's CSRF
# check refuses.
@csrf_exempt
@private_page
@require_http_methods(["GET", "HEAD", "POST"])
@manage_limit
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks "are you sure?"; the POST from that page cancels."""
    appointment = _get_appointment_by_token(token)
    now = timezone.now()
    rules = BookingRules.load()
    if request.method != "POST":
        if not services.can_change_online(appointment, now=now, rules=rules):
            return redirect("bookings:manage", token=appointment.manage_token)
        context = _manage_context(appointment, now=now, rules=rules)
        return render(request, "bookings/manage_cancel.html", context)
    try:
        services.cancel_appointment(appointment=appointment, now=now)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, gettext("Your appointment is cancelled. We have emailed you a confirmation.")
        )
    return redirect("bookings:manage", token=appointment.manage_token)


@csrf_exempt  # see manage_cancel
@private_page
@require_http_methods(["GET", "HEAD", "POST"])
@manage_limit
def manage_reschedule(request: HttpRequest, token: str) -> HttpResponse:
    """Pick a new day and time with the same therapist and service, then confirm the move."""
    appointment = _get_appointment_by_token(token)
    now = timezone.now()
    rules = BookingRules.load()
    if not services.can_change_online(appointment, now=now, rules=rules):
        messages.error(request, gettext("This appointment can no longer be changed online."))
        return redirect("bookings:manage", token=token)
    form = BookingChoiceForm(request.POST if request.method == "POST" else request.GET)
    form.is_valid()
    choices = form.choices()
    errors = form.messages()
    base = reverse("bookings:manage_reschedule", args=[token])
    context = _manage_context(appointment, now=now, rules=rules)
    context["errors"] = errors

    start = choices.get("start")
    if request.method == "POST":
        if start is None:
            context["errors"] = errors or [gettext("Please choose a new time.")]
            return _reschedule_page(request, context, appointment, choices, base, now, rules, 400)
        try:
            # The patient's emails are in the language of the page they moved it on from now on.
            services.reschedule_appointment(
                appointment=appointment, starts_at=start, now=now, language=get_language()
            )
        except ValidationError as error:
            if error.code == "slot_taken":
                context["errors"] = [SLOT_TAKEN_MESSAGE]
            elif error.code in PATIENT_REFUSALS:
                context["errors"] = [MOVE_PATIENT_REFUSED_MESSAGE]
            else:
                context["errors"] = error.messages
            return _reschedule_page(request, context, appointment, choices, base, now, rules, 409)
        messages.success(
            request, gettext("Your appointment has moved. We have emailed you the new time.")
        )
        return redirect("bookings:manage", token=token)

    if start is not None:
        new_start = start.astimezone(clinic_zone())
        context.update(
            {
                "new_starts_local": new_start,
                # On the instant, as in _slot_context: wall-clock arithmetic loses the fold.
                "new_ends_local": (start + appointment.service.duration).astimezone(clinic_zone()),
                "new_start_value": format_start(start),
                "back_url": base + _query({}, day=new_start.date()),
            }
        )
        return render(request, "bookings/manage_reschedule_confirm.html", context)
    return _reschedule_page(request, context, appointment, choices, base, now, rules, 200)


def _reschedule_page(request, context, appointment, choices, base, now, rules, status):
    day = choices.get("day")
    if day is None:
        context.update(
            _week_context(
                service=appointment.service,
                therapist=appointment.therapist,
                week=choices.get("week"),
                now=now,
                rules=rules,
                url_for_week=lambda week: base + _query({}, week=week),
                url_for_day=lambda day: base + _query({}, day=day),
                ignore_appointment=appointment,
            )
        )
    else:
        slots = availability.free_slots(
            service=appointment.service,
            therapist=appointment.therapist,
            start=day,
            end=day,
            now=now,
            rules=rules,
            ignore_appointment=appointment,
        )
        context["day"] = day
        context["groups"] = _times_for_day(
            [slot for slot in slots if slot.starts_at != appointment.starts_at],
            day,
            lambda slot: base + _query({}, start=slot.starts_at),
        )
        context["back_url"] = base + _query({}, week=week_start(day))
    return render(request, "bookings/manage_reschedule.html", context, status=status)
