"""The patient's booking flow (/book/); their own appointment page is in views/manage.py.

Choices travel in the query string (service, therapist, week, day, start, condition), so the
browser's back button and every "change" link keep them; the patient's details wait in the session
until the review page shows them. That page's confirm form carries what it shows, signed, and the
confirm POST books from that alone: another tab of the same browser may have changed the session
since. Nothing is written before the confirm POST, and that goes through services.
"""

import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from bookings import availability
from bookings.forms import (
    ANY_THERAPIST,
    BookingChoiceForm,
    PatientDetailsForm,
    sign_review,
)
from bookings.models import BookingRules, Service, Therapist
from bookings.views.confirm import confirm_reviewed
from bookings.views.flow import (
    DETAILS_NEEDED_MESSAGE,
    NO_LONGER_FREE_MESSAGE,
    SESSION_DETAILS,
    _base_context,
    _complete_choices,
    _redirect_to_missing_step,
    _review_page,
    _slot_context,
    _therapist_for,
    _times_for_day,
    _unavailable,
    _url,
    _week_context,
    booking_limit,
    details_initial,
    phone_form_options,
)
from bookings.views.patients import signed_in_patient
from clinic.clock import clinic_zone, week_start
from clinic.page_cache import cached_for_visitors, keep_until

# The longest a page of free times is served from the page cache: besides bookings and changes
# (the availability version), time moves the booking window on, a minute at a time at the most.
FREE_TIMES_KEPT = timedelta(minutes=1)


def _kept_while_offered(response, *, first_free, now, rules):
    """Cache the page until its first free time comes inside the notice, for a minute at most."""
    until = now + FREE_TIMES_KEPT
    if first_free is not None:
        until = min(until, first_free - rules.minimum_notice)
    return keep_until(response, until)


@cached_for_visitors(
    query=["service", "therapist", "week", "day", "start", "condition"], availability=True
)
@require_safe
def book(request: HttpRequest) -> HttpResponse:
    """Steps 1-4: service, therapist, day, time. The first missing choice is the step shown.

    Served from the page cache to visitors without a session, keyed by the availability version
    (clinic/page_cache.py): a time booked a moment ago is never offered from it."""
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
        offered = Service.objects.active().filter(therapists__active=True).distinct()
        if isinstance(therapist_choice, Therapist):  # booking with them: their services only
            offered = offered.filter(therapists=therapist_choice)
        context["services"] = [
            {"service": item, "url": _url("book", choices, service=item)} for item in offered
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
        context["waitlist_url"] = _waitlist_url(
            service, therapist, context["days"][0]["date"] if context.get("days") else None
        )
        return _kept_while_offered(
            render(request, "bookings/book_day.html", context),
            first_free=context.get("first_free"),
            now=now,
            rules=rules,
        )

    context = _base_context(choices, 4, errors)
    slots = availability.free_slots(
        service=service, therapist=therapist, start=day, end=day, now=now, rules=rules
    )
    context["day"] = day
    context["groups"] = _times_for_day(
        slots, day, lambda slot: _url("details", choices, start=slot.starts_at)
    )
    context["back_url"] = _url("book", choices, week=week_start(day), day=None)
    context["waitlist_url"] = _waitlist_url(service, therapist, day)
    return _kept_while_offered(
        render(request, "bookings/book_time.html", context),
        first_free=slots[0].starts_at if slots else None,
        now=now,
        rules=rules,
    )


def _waitlist_url(service, therapist, day) -> str:
    """The waiting list's form, filled in with what the patient was looking at."""
    query = {"service": service.slug}
    if therapist is not None:
        query["therapist"] = therapist.pk
    if day is not None:
        query["day"] = day.isoformat()
    return reverse("bookings:waitlist_join") + "?" + urlencode(query)


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
    free = availability.free_therapists_at(
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
            message=NO_LONGER_FREE_MESSAGE,
            now=now,
            rules=rules,
            step=4,
            status=409,
        )
    phone_options = phone_form_options()
    if request.method == "POST":
        form = PatientDetailsForm(request.POST, **phone_options)
        if form.is_valid():
            request.session[SESSION_DETAILS] = form.cleaned_data
            return redirect(_url("review", choices))
    else:
        initial = details_initial(request.session.get(SESSION_DETAILS) or {})
        patient = signed_in_patient(request)
        if patient is not None and not initial:
            # Signed in (My appointments): their own details, still theirs to change.
            initial = details_initial(
                {"name": patient.name, "email": patient.email, "phone": patient.phone}
            )
        condition = choices.get("condition")
        if condition is not None and not initial.get("reason"):
            initial["reason"] = condition.title
        form = PatientDetailsForm(initial=initial, **phone_options)
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
        return confirm_reviewed(request)
    choices, errors, complete = _complete_choices(request, request.GET)
    if not complete or errors:
        return _redirect_to_missing_step(request, choices, errors)
    saved = request.session.get(SESSION_DETAILS)
    details_form = PatientDetailsForm(saved or None, **phone_form_options())
    if not saved or not details_form.is_valid():
        messages.error(request, DETAILS_NEEDED_MESSAGE)
        return redirect(_url("details", choices))
    now = timezone.now()
    rules = BookingRules.load()
    service = choices["service"]
    therapist = _therapist_for(choices)
    free = availability.free_therapists_at(
        service=service, therapist=therapist, starts_at=choices["start"], now=now, rules=rules
    )
    if not free:
        return _unavailable(
            request,
            choices,
            message=NO_LONGER_FREE_MESSAGE,
            now=now,
            rules=rules,
            step=6,
            status=409,
        )
    # The form books exactly what this page shows, whatever the session holds by then.
    booking = sign_review(
        choices=choices,
        details=details_form.cleaned_data,
        submission=secrets.token_urlsafe(24),
    )
    return _review_page(request, choices, details_form.cleaned_data, booking=booking, rules=rules)
