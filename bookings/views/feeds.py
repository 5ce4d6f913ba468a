"""A therapist's schedule as a calendar feed, and the page to subscribe to it or change its link.

/schedule/feed/<token>.ics needs no login: calendar apps cannot log in, so the token in the path
is the key (256 random bits, regenerated from the page, redacted from the logs). A wrong, old or
malformed token, or an inactive therapist, is the same plain 404.

/schedule/calendar/ shows the logged-in therapist their own feed's address. The front desk
(the "Front desk" group, or a superuser) may open and regenerate any therapist's with
`?therapist=<id>`; anyone else asking for another therapist gets a 404 that reveals nothing.
"""

import re
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from bookings import services
from bookings.models import Appointment, Therapist
from bookings.notifications import calendars
from bookings.permissions import get_staff_access, get_therapist_for_user
from clinic.models import ClinicProfile

# The feed keeps a month of history, so a therapist's calendar still shows last week's sessions.
FEED_HISTORY = timedelta(days=30)
FEED_HORIZON = timedelta(days=366)
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _get_therapist_by_token(token: str) -> Therapist:
    if not TOKEN_PATTERN.fullmatch(token):
        raise Http404
    return get_object_or_404(Therapist.objects.active(), calendar_token=token)


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    therapist = _get_therapist_by_token(token)
    now = timezone.now()
    appointments = (
        Appointment.objects.active()
        .filter(
            therapist=therapist,
            starts_at__gte=now - FEED_HISTORY,
            starts_at__lt=now + FEED_HORIZON,
        )
        .select_related("service", "patient")
        .order_by("starts_at", "pk")
    )
    profile = ClinicProfile.load()
    body = calendars.therapist_feed(
        name=f"{profile.name} — {therapist.display_name}",
        appointments=appointments,
        profile=profile,
        now=now,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    # Patients' names: never kept by a shared cache or a proxy, never indexed.
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def feed_url(therapist: Therapist) -> str:
    return settings.SITE_URL + reverse("feeds:feed", args=[therapist.calendar_token])


def _page_url(therapist: Therapist, *, user) -> str:
    url = reverse("feeds:calendar")
    return url if therapist.user_id == user.pk else f"{url}?therapist={therapist.pk}"


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_page(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    # A therapist switched off still sees their page, which says their feed is off.
    access = get_staff_access(request, inactive_therapist=True)
    # The front desk who is not a therapist chooses one on the page.
    therapist = get_therapist_for_user(access, data.get("therapist"), first_if_none=False)
    front_desk = access.front_desk
    if request.method == "POST":
        if therapist is None:
            raise Http404
        services.regenerate_calendar_token(therapist=therapist, actor=request.user)
        if therapist.user_id == request.user.pk:
            then = "remove the old subscription from your calendar app and add the new link."
        else:
            then = f"send {therapist.display_name} the new link to subscribe to."
        messages.success(
            request, f"There is a new calendar link. The old one has stopped working: {then}"
        )
        return redirect(_page_url(therapist, user=request.user))

    context = {
        "therapist": therapist,
        "is_front_desk": front_desk,
        "therapists": Therapist.objects.order_by("display_name") if front_desk else [],
    }
    if therapist is not None:
        url = feed_url(therapist)
        webcal = "webcal://" + url.split("://", 1)[1]
        context.update(
            feed_url=url,
            webcal_url=webcal,
            google_url="https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe=""),
            is_own=therapist.user_id == request.user.pk,
            history_days=FEED_HISTORY.days,
            refresh_minutes=int(calendars.FEED_REFRESH.total_seconds() // 60),
        )
    return render(request, "bookings/feeds/calendar.html", context)
