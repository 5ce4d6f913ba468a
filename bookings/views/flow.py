"""What the booking flow's pages share: the choices in the query string, the week and day
they offer, and the page shown when a chosen time cannot be had. The patient's appointment
pages (views/manage.py) offer new times with the same pieces.
"""

from datetime import date, datetime, timedelta
from functools import partial, wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from bookings import availability
from bookings.availability import Slot
from bookings.forms import (
    ANY_THERAPIST,
    BookingChoiceForm,
    ConsentForm,
    default_phone_region,
    format_start,
)
from bookings.models import MAX_COURSE_VISITS, BookingRules, Service, Therapist
from clinic import clock
from clinic.clock import clinic_zone, clinic_zone_name, local_today, week_start
from clinic.models import ClinicProfile, Page
from clinic.phones import format_phone
from clinic.ratelimit import rate_limit
from clinic.versioned import kept_while_unchanged

SESSION_DETAILS = "bookings_details"
SESSION_CONFIRMED = "bookings_confirmed_appointment"
STEPS = [
    pgettext_lazy("booking step", "Service"),
    pgettext_lazy("booking step", "Therapist"),
    pgettext_lazy("booking step", "Day"),
    pgettext_lazy("booking step", "Time"),
    pgettext_lazy("booking step", "Your details"),
    pgettext_lazy("booking step", "Confirm"),
]
# Refusals about the patient rather than the time. Whoever typed the email may not be its owner,
# so each reads the same and names no appointment; services email the owner instead.
PATIENT_REFUSALS = frozenset({"patient_busy"})
# Said the same wherever the flow says it, so each is written (and translated) once.
SLOT_TAKEN_MESSAGE = _("That time has just been booked. Please choose another time.")
NO_LONGER_FREE_MESSAGE = _("That time is not available any more.")
DETAILS_NEEDED_MESSAGE = _("Please enter your details.")
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
    # The day's and month's names in the page's language ("lundi 4 janvier" in French).
    day = formats.date_format(slot.local_start(), "l j F")
    return f"{day}, {clock.time_label(slot.starts_at)}"


def _times_for_day(slots: list[Slot], day: date, url_for_slot) -> list[dict]:
    groups: dict[str, list[dict]] = {}
    for slot in availability.distinct_starts(slots):
        hour = slot.local_start().hour
        if hour < 12:
            group = pgettext("part of the day", "Morning")
        elif hour < 17:
            group = pgettext("part of the day", "Afternoon")
        else:
            group = pgettext("part of the day", "Evening")
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
    find = partial(
        availability.free_slots,
        service=service,
        therapist=therapist,
        now=now,
        rules=rules,
        ignore_appointment=ignore_appointment,
    )
    upcoming, searched_to = (), None
    if week is None:
        # Open on the first week that has a free time, not an empty one: looked for in this
        # week and the next (nearly always there), and only then as far as the horizon.
        next_sunday = week_start(today) + timedelta(days=13)
        for searched_to in dict.fromkeys((min(next_sunday, last_day), last_day)):
            upcoming = find(start=today, end=searched_to)
            if upcoming:
                break
        first = upcoming[0].local_start().date() if upcoming else today
        week = week_start(first)
    week = week_start(min(max(week, today), last_day))
    week_end = week + timedelta(days=6)
    if searched_to is not None and week_end <= searched_to:
        # Its free times are those just found: none before the first, none past its Sunday.
        slots = [slot for slot in upcoming if slot.local_start().date() <= week_end]
    else:
        slots = find(start=max(week, today), end=week_end)
    by_day = availability.slots_by_day(slots)
    # The first of them to go as the clock moves on (inside the minimum notice) decides how long
    # the page holds (the page cache's keep_until).
    firsts = [found[0].starts_at for found in (slots, upcoming) if found]
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
        "first_free": min(firsts, default=None),
        "previous_week_url": url_for_week(week - timedelta(days=7)) if week > today else "",
        "next_week_url": url_for_week(week + timedelta(days=7)) if week_end < last_day else "",
    }


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


def phone_form_options() -> dict:
    """PatientDetailsForm's phone options on this page: the country preselected (France on the
    French pages, else the clinic's) and the clinic's numbers' countries to fall back on."""
    profile = ClinicProfile.load()
    return {
        "default_region": default_phone_region(
            language=get_language(), clinic_country=profile.country
        ),
        "fallbacks": profile.phone_regions,
    }


def details_initial(saved: dict) -> dict:
    """The details form's values from the session: the phone as people read it, not E.164."""
    initial = dict(saved)
    if initial.get("phone"):
        initial["phone"] = format_phone(initial["phone"])
    return initial


def policy_pages() -> dict[str, Page]:
    """The published privacy notice and cancellation policy, by slug; either may be missing.
    Kept between requests while the content version stands (clinic/versioned.py)."""

    def load():
        pages = Page.objects.published().filter(slug__in=[Page.PRIVACY, Page.CANCELLATION])
        return {page.slug: page for page in pages.only("slug", "title", "version")}

    # By language: the title read is the page's language's.
    return kept_while_unchanged(f"policy_pages:{get_language()}", load)


def _review_page(
    request,
    choices: dict,
    details: dict,
    *,
    booking: str,
    rules: BookingRules,
    consent_form: ConsentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """Step 6, the review page: what will be booked, the cancellation terms, the consent tick
    and the confirm form carrying `booking` (forms.sign_review's value)."""
    pages = policy_pages()
    consent_form = consent_form or ConsentForm()
    errors = consent_form.messages() if consent_form.is_bound else []
    context = _base_context(choices, 6, errors)
    context.update(_slot_context(choices))
    context.update(
        {
            "details": details,
            "change_details_url": _url("details", choices),
            "booking": booking,
            "consent_form": consent_form,
            "cancellation_hours": rules.cancellation_cutoff_hours,
            "privacy_url": (reverse("page", args=[Page.PRIVACY]) if Page.PRIVACY in pages else ""),
            "cancellation_url": (
                reverse("page", args=[Page.CANCELLATION]) if Page.CANCELLATION in pages else ""
            ),
        }
    )
    return render(request, "bookings/book_review.html", context, status=status)


def chosen_starts(request, count: int) -> list[datetime]:
    """The start picked for each proposed visit (`visit-<i>`, ISO datetimes); "" leaves one out."""
    starts = []
    for index in range(min(count, MAX_COURSE_VISITS)):
        value = request.POST.get(f"visit-{index}", "")
        if not value:
            continue
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            continue
        if moment.tzinfo is not None:
            starts.append(moment)
    return starts
