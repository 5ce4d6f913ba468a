"""A patient makes their booked visit a weekly course (/appointments/<token>/weekly/), where the
service allows it online: the same preview as the staff's, then every visit booked at once.

The manage token is the credential, as on the appointment's own page (bookings/views/manage.py):
the page is private and exempt from CSRF for the same reason.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bookings import services
from bookings.models import Appointment, BookingRules
from bookings.views.flow import chosen_starts, private_page
from bookings.views.manage import _get_appointment_by_token, manage_limit
from clinic.clock import local


def _visits_wanted(request: HttpRequest, allowed: int) -> int:
    raw = request.POST.get("visits") or request.GET.get("visits") or ""
    wanted = int(raw) if raw.isdigit() else min(allowed, 6)
    return max(2, min(wanted, allowed))


@csrf_exempt
@private_page
@manage_limit
@require_http_methods(["GET", "HEAD", "POST"])
def weekly(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _get_appointment_by_token(token)
    service = appointment.service
    allowed = service.online_course_max_visits
    now = timezone.now()
    available = (
        allowed >= 2
        and appointment.course_id is None
        and services.can_change_online(appointment, now=now, rules=BookingRules.load())
    )
    context = {"appointment": appointment, "available": available, "allowed": allowed}
    if not available:
        return render(request, "bookings/weekly.html", context)
    count = _visits_wanted(request, allowed)
    first = local(appointment.starts_at)
    plan = services.plan_visits(
        weekdays=[first.weekday()],
        time_of_day=first.time(),
        first_day=first.date() + timedelta(days=1),
        visits=count - 1,
    )
    if request.method == "POST" and request.POST.get("action") == "book":
        chosen = chosen_starts(request, len(plan))
        try:
            services.book_course(
                service=service,
                therapist=appointment.therapist,
                patient=appointment.patient,
                starts=chosen,
                weekdays=[first.weekday()],
                time_of_day=first.time(),
                source=Appointment.Source.ONLINE,
                language=appointment.language,
                follows=appointment,
            )
        except services.CourseConflict as conflict:
            context["error"] = gettext(
                "Nothing was booked: one of the times has just been taken (%(when)s). "
                "The times below are up to date."
            ) % {"when": services.describe_moment(conflict.starts_at)}
            plan = chosen
        except ValidationError as error:
            context["error"] = error.messages[0]
            plan = chosen
        else:
            messages.success(
                request, gettext("Your weekly visits are booked. We have emailed you every one.")
            )
            return redirect("bookings:manage", token=appointment.manage_token)
    visits = services.preview_course(
        service=service,
        therapist=appointment.therapist,
        starts=plan,
        now=now,
        enforce_booking_window=True,
    )
    context.update(
        visits=visits,
        count=count,
        counts=range(2, allowed + 1),
        free_count=sum(visit.is_free for visit in visits),
    )
    return render(
        request, "bookings/weekly.html", context, status=409 if "error" in context else 200
    )
