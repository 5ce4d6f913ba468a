"""Time off under /schedule/time-off/: a therapist blocks their own (the front desk anyone's),
sees what is coming up, and gives time back. Writes go through bookings/services/time_off.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings import services
from bookings.forms import TimeOffForm
from bookings.models import Therapist, TimeOff
from bookings.permissions import (
    get_staff_access,
    get_therapist_for_user,
    get_time_off_for_user,
)
from bookings.views.schedule import _back, _schedule_url, _therapist_param, staff_page
from clinic import clock
from clinic.clock import clinic_zone_name


@staff_page
def time_off(request: HttpRequest) -> HttpResponse:
    """Block time off (one's own; the front desk's for anyone) and list what is coming up."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    access = get_staff_access(request)
    source = request.POST if request.method == "POST" else request.GET
    therapist = get_therapist_for_user(access, source.get("therapist") or None)
    choices = (
        Therapist.objects.active().order_by("display_name", "pk")
        if access.front_desk
        else Therapist.objects.filter(pk=access.therapist.pk)
    )
    if request.method == "POST":
        form = TimeOffForm(request.POST, therapists=choices)
        if form.is_valid():
            chosen = form.cleaned_data["therapist"]
            if not access.can_see(chosen.pk):
                raise Http404
            try:
                block = services.block_time_off(
                    therapist=chosen,
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.cleaned_data["ends_at"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"Time off blocked for {chosen.display_name}: "
                    f"{clock.moment_label(block.starts_at)} to "
                    f"{clock.moment_label(block.ends_at)}. "
                    "Those times can no longer be booked.",
                )
                return redirect(
                    _schedule_url("time_off", therapist=_therapist_param(access, chosen))
                )
    else:
        form = TimeOffForm(initial={"therapist": therapist.pk}, therapists=choices)
    now = timezone.now()
    upcoming = [
        {
            "time_off": block,
            "label": f"{clock.moment_label(block.starts_at)} – {clock.moment_label(block.ends_at)}",
        }
        for block in TimeOff.objects.filter(therapist=therapist, ends_at__gt=now)
        .select_related("created_by")
        .order_by("starts_at")
    ]
    context = {
        "access": access,
        "therapist": therapist,
        "own": access.therapist is not None and access.therapist.pk == therapist.pk,
        "form": form,
        "upcoming": upcoming,
        "zone_name": clinic_zone_name(),
        "back_url": _schedule_url("schedule", therapist=_therapist_param(access, therapist)),
        "here": request.get_full_path(),
        "therapists": list(choices) if access.front_desk else [],
    }
    return render(
        request,
        "bookings/schedule/time_off.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_page
def remove_time_off(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_staff_access(request)
    block = get_time_off_for_user(access, pk)
    fallback = _schedule_url("time_off", therapist=_therapist_param(access, block.therapist))
    try:
        services.remove_time_off(time_off=block, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Time off removed: {clock.moment_label(block.starts_at)} to "
            f"{clock.moment_label(block.ends_at)} can be booked again.",
        )
    return _back(request, fallback)
