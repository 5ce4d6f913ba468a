"""The patient's intake questionnaire (/intake/<token>/), one section a page, and the staff's view
of the answers (/schedule/appointments/<pk>/intake/), each look recorded.

The token in the patient's URL is the credential, as the manage link's: the pages are private
(never cached, no Referer) and exempt from CSRF for the same reason as the manage pages.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from bookings.intake_forms import ConsentForm, IntakeSectionForm
from bookings.models import IntakeForm, IntakeQuestion
from bookings.permissions import get_appointment_for_user, get_staff_access
from bookings.services import intake as intake_services
from bookings.views.flow import private_page
from clinic.ratelimit import rate_limit

intake_limit = rate_limit("intake", limit=120, period=600, methods=("GET", "POST"))
SECTION_NAMES = dict(IntakeQuestion.Section.choices)


def _get_form(token: str) -> IntakeForm:
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(
        IntakeForm.objects.select_related(
            "appointment", "appointment__service", "appointment__therapist"
        ),
        token=token,
    )


def _steps(form: IntakeForm) -> list[dict]:
    return [
        {"key": key, "name": SECTION_NAMES[key], "saved": key in form.sections_saved}
        for key in intake_services.SECTIONS
    ]


@csrf_exempt
@private_page
@intake_limit
@require_safe
def start(request: HttpRequest, token: str) -> HttpResponse:
    form = _get_form(token)
    return render(
        request,
        "bookings/intake_start.html",
        {
            "form": form,
            "steps": _steps(form),
            "can_change": intake_services.can_change(form, now=timezone.now()),
            "next_section": next(
                (key for key in intake_services.SECTIONS if key not in form.sections_saved),
                None,
            ),
        },
    )


@csrf_exempt  # see start
@private_page
@intake_limit
@require_http_methods(["GET", "HEAD", "POST"])
def section(request: HttpRequest, token: str, section: str) -> HttpResponse:
    intake = _get_form(token)
    if section not in intake_services.SECTIONS:
        raise Http404
    if not intake_services.can_change(intake, now=timezone.now()):
        return redirect("bookings:intake", token=token)
    answers = intake_services.decrypt_answers(intake)
    questions = intake_services.questions_for(intake, section, answers=answers)
    urgent = None
    if request.method == "POST":
        form = IntakeSectionForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                intake = intake_services.save_section(
                    form=intake, section=section, values=form.answers()
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
                return redirect("bookings:intake", token=token)
            urgent = _urgent_answers(questions, form.answers())
            if not urgent or request.POST.get("seen_advice"):
                return redirect(_next_url(token, section))
    else:
        form = IntakeSectionForm(initial=answers, questions=questions)
    index = intake_services.SECTIONS.index(section)
    return render(
        request,
        "bookings/intake_section.html",
        {
            "intake": intake,
            "form": form,
            "section": section,
            "section_name": SECTION_NAMES[section],
            "step": index + 1,
            "steps": _steps(intake),
            "urgent": urgent,
            "emergency": any(question.urgency == "emergency" for question in urgent or []),
            "previous": intake_services.SECTIONS[index - 1] if index else None,
        },
    )


def _urgent_answers(questions, values: dict):
    return [
        question
        for question in questions
        if question.urgency in ("emergency", "today") and values.get(question.key) == "yes"
    ]


def _next_url(token: str, section: str) -> str:
    index = intake_services.SECTIONS.index(section)
    if index + 1 < len(intake_services.SECTIONS):
        return reverse("bookings:intake_section", args=[token, intake_services.SECTIONS[index + 1]])
    return reverse("bookings:intake_finish", args=[token])


@csrf_exempt  # see start
@private_page
@intake_limit
@require_http_methods(["GET", "HEAD", "POST"])
def finish(request: HttpRequest, token: str) -> HttpResponse:
    intake = _get_form(token)
    if not intake_services.can_change(intake, now=timezone.now()):
        return redirect("bookings:intake", token=token)
    missing = intake_services.missing_required(intake)
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not missing:
        try:
            intake_services.submit_intake(form=intake, consent=True)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Thank you: your form is with your therapist."))
            return redirect("bookings:intake", token=token)
    return render(
        request,
        "bookings/intake_finish.html",
        {"intake": intake, "form": form, "missing": missing, "steps": _steps(intake)},
        status=200 if request.method == "GET" or not form.errors and not missing else 400,
    )


@require_safe
def staff_answers(request: HttpRequest, pk: int) -> HttpResponse:
    """The answers, warning signs first, for the appointment's therapist or the front desk."""
    access = get_staff_access(request)
    appointment = get_appointment_for_user(access, pk)
    intake = getattr(appointment, "intake", None)
    if intake is None:
        raise Http404
    answers = intake_services.read_answers(form=intake, viewer=request.user)
    response = render(
        request,
        "bookings/schedule/intake.html",
        {"access": access, "appointment": appointment, "intake": intake, "answers": answers},
    )
    response["Cache-Control"] = "no-store"
    return response
