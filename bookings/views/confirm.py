"""The booking flow's last steps: the review page's confirm POST, the one write, and the
confirmed page it redirects to."""

import re
from datetime import UTC, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from bookings import services
from bookings.forms import (
    ConfirmBookingForm,
    ConsentForm,
    PatientDetailsForm,
)
from bookings.models import Appointment, BookingRules
from bookings.views.flow import (
    DETAILS_NEEDED_MESSAGE,
    PATIENT_REFUSALS,
    PATIENT_REFUSED_MESSAGE,
    SESSION_CONFIRMED,
    SESSION_DETAILS,
    SLOT_TAKEN_MESSAGE,
    _complete_choices,
    _redirect_to_missing_step,
    _review_page,
    _therapist_for,
    _unavailable,
    _url,
    phone_form_options,
    policy_pages,
    private_page,
)
from clinic.clock import clinic_zone, clinic_zone_name
from clinic.models import Page

MANAGE_LINK_SHOWN_FOR = timedelta(minutes=15)
# secrets.token_urlsafe(24): 32 characters of the URL-safe alphabet.
SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{32}")


def confirm_reviewed(request: HttpRequest) -> HttpResponse:
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
    details_form = PatientDetailsForm(reviewed.details, **phone_form_options())
    if not details_form.is_valid():
        messages.error(request, DETAILS_NEEDED_MESSAGE)
        return redirect(_url("details", choices))
    details = details_form.cleaned_data
    now = timezone.now()
    rules = BookingRules.load()
    consent = ConsentForm(request.POST)
    if not consent.is_valid():
        # The same page again, from the form's own signed value (not the session, which another
        # tab may have changed): every detail still there, only the tick missing.
        return _review_page(
            request,
            choices,
            details,
            booking=request.POST["booking"],
            rules=rules,
            consent_form=consent,
        )
    privacy = policy_pages().get(Page.PRIVACY)
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
        # The page's language is the patient's: their emails are written in it.
        "language": get_language(),
        # What they agreed to by ticking: the privacy notice published now (none: the words on
        # the page alone), and when.
        "privacy_version": privacy.version if privacy is not None else None,
        "privacy_agreed_at": now,
        "rules": rules,
    }
    try:
        if therapist is not None:
            appointment = services.book_appointment(therapist=therapist, **booking)
        else:
            # "No preference": whoever is free at that time, in the order the flow showed.
            appointment = services.book_first_free(**booking)
    except ValidationError as error:
        # A double-click's second request loses to its own first one: show that booking.
        already = _booked_with_key(reviewed.submission)
        if already is not None:
            return _show_confirmation(request, already, details=reviewed.details)
        if error.code == "slot_taken":
            message = SLOT_TAKEN_MESSAGE
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
    # Only what the confirmation needs (its id and when it was made): a lighter query.
    return (
        Appointment.objects.active()
        .filter(submission_key=key)
        .only("pk", "created_at")
        .order_by()
        .first()
    )


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
            "cancellation_hours": BookingRules.load().cancellation_cutoff_hours,
            # Shown with the manage link, for as long: the form's link is as private.
            "intake_url": (
                reverse("bookings:intake", args=[appointment.intake.token])
                if show_link and hasattr(appointment, "intake")
                else ""
            ),
        },
    )
