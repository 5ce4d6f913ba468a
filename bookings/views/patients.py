"""The patient's own pages under /my/: sign in with an emailed link, see every appointment,
course and waiting-list request, change their name and phone, download or delete their data.

The signed-in patient is `request.session["patient_id"]`, set only by a sign-in link; every
page reads it through `_patient_for` and shows that patient's rows only.
"""

import json
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bookings.forms import PatientContactForm
from bookings.models import Appointment, CareCourse, Patient, WaitlistEntry
from bookings.services import patients as patient_services
from bookings.services.booking import patient_language
from bookings.views.flow import phone_form_options
from clinic.phones import format_phone
from clinic.ratelimit import rate_limit

SESSION_KEY = "patient_id"

# Per client: a few sign-in requests an hour is plenty; trying tokens is stopped well before.
sign_in_limit = rate_limit("patient-sign-in", limit=10, period=3600)
token_limit = rate_limit("patient-token", limit=30, period=600, methods=("GET", "POST"))


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254)


class OwnDetailsForm(PatientContactForm):
    """The signed-in patient's name and phone; the email is how they signed in."""

    email = None


def signed_in_patient(request) -> Patient | None:
    patient_id = request.session.get(SESSION_KEY)
    if not patient_id:
        return None
    return Patient.objects.filter(pk=patient_id).first()


def patient_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        patient = signed_in_patient(request)
        if patient is None:
            return redirect("bookings:my")
        return view(request, patient, *args, **kwargs)

    return wrapper


def token_page(view):
    """The sign-in link's page: never cached, and its URL (the token) never sent to another
    site; unlike `private_page`, same-origin Referer stays on, so the browser sends a real Origin
    and Django's CSRF check protects the form (no one can sign a visitor in as someone else)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response

    return never_cache(wrapper)


@never_cache
@sign_in_limit
@require_http_methods(["GET", "HEAD", "POST"])
def my(request):
    patient = signed_in_patient(request)
    if patient is not None:
        return _overview(request, patient)
    if request.method == "POST":
        form = SignInForm(request.POST)
        if form.is_valid():
            patient_services.request_sign_in(
                email=form.cleaned_data["email"], language=patient_language(get_language())
            )
            # The same page whether or not the address is a patient's.
            return render(
                request,
                "bookings/my_link_sent.html",
                {"minutes": settings.PATIENT_SIGN_IN_LINK_MINUTES},
            )
    else:
        form = SignInForm()
    return render(request, "bookings/my_sign_in.html", {"form": form})


def _overview(request, patient):
    now = timezone.now()
    appointments = Appointment.objects.filter(patient=patient).select_related(
        "service", "therapist", "intake"
    )
    upcoming = appointments.filter(starts_at__gte=now).order_by("starts_at")
    past = appointments.filter(starts_at__lt=now).order_by("-starts_at")[:50]
    courses = CareCourse.objects.filter(patient=patient).select_related("service", "therapist")
    waiting = WaitlistEntry.objects.filter(email__iexact=patient.email).select_related("service")
    return render(
        request,
        "bookings/my.html",
        {
            "patient": patient,
            "upcoming": upcoming,
            "past": past,
            "courses": courses,
            "waiting": waiting,
        },
    )


@token_page
@token_limit
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request, token):
    """GET shows a button; the POST uses the link. Mail scanners that open links do not sign in
    or use it up."""
    if request.method == "POST":
        patient = patient_services.use_sign_in_link(token=token)
        if patient is None:
            return render(request, "bookings/my_link_invalid.html", status=400)
        request.session.cycle_key()
        request.session[SESSION_KEY] = patient.pk
        request.session.set_expiry(settings.PATIENT_SESSION_MINUTES * 60)
        messages.success(request, gettext("You are signed in."))
        return redirect("bookings:my")
    return render(request, "bookings/my_sign_in_confirm.html", {"token": token})


@require_POST
def sign_out(request):
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    messages.success(request, gettext("You are signed out."))
    return redirect("bookings:my")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@patient_required
def details(request, patient):
    if request.method == "POST":
        form = OwnDetailsForm(request.POST, **phone_form_options())
        if form.is_valid():
            patient_services.update_patient_details(
                patient=patient, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"]
            )
            messages.success(request, gettext("Your details are saved."))
            return redirect("bookings:my")
    else:
        form = OwnDetailsForm(
            initial={"name": patient.name, "phone": format_phone(patient.phone)},
            **phone_form_options(),
        )
    return render(request, "bookings/my_details.html", {"form": form, "patient": patient})


@never_cache
@require_http_methods(["GET", "HEAD"])
@patient_required
def export(request, patient):
    data = patient_services.patient_data(patient)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@patient_required
def delete(request, patient):
    if request.method == "POST":
        patient_services.delete_patient_account(patient=patient)
        request.session.flush()
        return render(request, "bookings/my_deleted.html")
    upcoming = Appointment.objects.filter(
        patient=patient, status=Appointment.Status.BOOKED, starts_at__gt=timezone.now()
    ).count()
    return render(request, "bookings/my_delete.html", {"patient": patient, "upcoming": upcoming})
