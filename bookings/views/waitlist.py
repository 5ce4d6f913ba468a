"""The waiting list's pages: join it, see or leave one's request, and claim an offered time.

The entry's and the offer's tokens in the URLs are the credentials (as the manage link's): these
pages are private (never cached, no Referer) and a wrong token is a plain 404.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bookings import services
from bookings.models import Service, SlotOffer, Therapist, WaitlistEntry
from bookings.services import waitlist
from bookings.services.booking import patient_language
from bookings.views.flow import phone_form_options, private_page
from bookings.waitlist_forms import WaitlistForm
from clinic.clock import clinic_zone, local_today
from clinic.ratelimit import rate_limit

# Per client: a patient joins once or twice; a script filling the list is stopped.
join_limit = rate_limit("waitlist-join", limit=10, period=3600)
token_limit = rate_limit("waitlist-token", limit=60, period=600, methods=("GET", "POST"))


def _initial(request) -> dict:
    """The form pre-filled from the booking page it came from (?service=&therapist=&day=)."""
    initial = {}
    service = Service.objects.active().filter(slug=request.GET.get("service", "")[:120]).first()
    if service:
        initial["service"] = service
    therapist_id = request.GET.get("therapist", "")
    if therapist_id.isdigit():
        initial["therapist"] = Therapist.objects.active().filter(pk=int(therapist_id)).first()
    today = local_today()
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = today
    day = max(day, today)
    initial.update(
        first_day=day,
        last_day=day + timedelta(days=14),
        weekdays=[day.weekday()],
        times_of_day=[choice for choice, _label in WaitlistEntry.TimeOfDay.choices],
    )
    return initial


@never_cache
@join_limit
@require_http_methods(["GET", "HEAD", "POST"])
def join(request):
    today = local_today()
    if request.method == "POST":
        form = WaitlistForm(request.POST, today=today, **phone_form_options())
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = waitlist.join_waitlist(
                    service=data["service"],
                    therapist=data["therapist"],
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                    weekdays=data["weekdays"],
                    times_of_day=data["times_of_day"],
                    details=services.PatientDetails(
                        name=data["name"], email=data["email"], phone=data["phone"]
                    ),
                    language=patient_language(get_language()),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext(
                        "You are on the waiting list. We have emailed you a link to this page."
                    ),
                )
                return redirect("bookings:waitlist_entry", token=entry.token)
    else:
        form = WaitlistForm(initial=_initial(request), today=today, **phone_form_options())
    return render(request, "bookings/waitlist_join.html", {"form": form})


def _get_entry(token: str) -> WaitlistEntry:
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(
        WaitlistEntry.objects.select_related("service", "therapist"), token=token
    )


# The token in the URL is the credential, as on the manage pages: CSRF protection has nothing
# to add, and under `Referrer-Policy: no-referrer` browsers send `Origin: null`, which Django's
# check refuses (see bookings/views/manage.py).
@csrf_exempt
@private_page
@token_limit
@require_http_methods(["GET", "HEAD", "POST"])
def entry(request, token):
    found = _get_entry(token)
    if request.method == "POST":
        waitlist.leave_waitlist(entry=found)
        messages.success(request, gettext("You have left the waiting list."))
        return redirect("bookings:waitlist_entry", token=found.token)
    now = timezone.now()
    offers = found.offers.open(now=now).select_related("therapist").order_by("starts_at")
    return render(
        request,
        "bookings/waitlist_entry.html",
        {"entry": found, "offers": offers, "zone": clinic_zone()},
    )


def _get_offer(token: str) -> SlotOffer:
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(
        SlotOffer.objects.select_related("entry", "entry__service", "therapist", "appointment"),
        token=token,
    )


@csrf_exempt  # see entry
@private_page
@token_limit
@require_http_methods(["GET", "HEAD", "POST"])
def offer(request, token):
    found = _get_offer(token)
    error = None
    if request.method == "POST":
        try:
            appointment = waitlist.claim_offer(offer=found)
        except ValidationError as refusal:
            error = refusal.messages[0]
            found.refresh_from_db()
        else:
            messages.success(request, gettext("Booked. We have emailed you the details."))
            return redirect("bookings:manage", token=appointment.manage_token)
    now = timezone.now()
    return render(
        request,
        "bookings/waitlist_offer.html",
        {
            "offer": found,
            "entry": found.entry,
            "is_open": found.state == SlotOffer.State.OPEN and found.expires_at > now,
            "error": error,
        },
        status=409 if error else 200,
    )
