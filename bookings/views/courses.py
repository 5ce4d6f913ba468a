"""Staff plan a course of care from an appointment: preview every visit, pick alternatives for
the ones in conflict, book all at once; then follow the course on its page.

A therapist plans for their own patients (appointments they may see), the front desk for anyone,
as every schedule page decides (`get_staff_access`, `get_appointment_for_user`).
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.views.decorators.http import require_http_methods, require_POST

from bookings import services
from bookings.models import MAX_COURSE_VISITS, Appointment, CareCourse, Service
from bookings.permissions import get_appointment_for_user, get_staff_access, parse_therapist_id
from bookings.views.flow import chosen_starts
from clinic.clock import clinic_zone, local, local_today


class CourseForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), empty_label=None)
    weekdays = forms.TypedMultipleChoiceField(
        choices=[(number, WEEKDAYS[number]) for number in range(7)],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one day of the week."},
    )
    time_of_day = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    first_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    visits = forms.IntegerField(
        label="Number of visits",
        min_value=1,
        max_value=MAX_COURSE_VISITS,
        required=False,
        help_text="Or an end date below.",
    )
    until = forms.DateField(
        label="Until (inclusive)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, therapist, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = therapist.services.filter(active=True)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        first, until, visits = (cleaned.get(name) for name in ("first_day", "until", "visits"))
        if first and first < self.today:
            self.add_error("first_day", "Choose today or a later day.")
        if not visits and not until:
            raise ValidationError("Give a number of visits or an end date.", code="no_length")
        if first and until and until < first:
            self.add_error("until", "The end date cannot be before the first day.")
        if first and until and until - first > timedelta(days=366):
            self.add_error("until", "Plan at most a year ahead.")
        return cleaned


@require_http_methods(["GET", "HEAD", "POST"])
def new_course(request: HttpRequest) -> HttpResponse:
    access = get_staff_access(request)
    # The appointment the course follows on from; ids are parsed as the schedule parses them.
    pk = parse_therapist_id(request.GET.get("appointment"))
    if pk is None:
        raise Http404
    base = get_appointment_for_user(access, pk)
    therapist = base.therapist
    today = local_today()
    initial = {
        "service": base.service,
        "weekdays": [local(base.starts_at).weekday()],
        "time_of_day": local(base.starts_at).time().replace(second=0, microsecond=0),
        "first_day": max(today, local(base.starts_at).date() + timedelta(days=1)),
        "visits": 6,
    }
    form = CourseForm(request.POST or None, therapist=therapist, today=today, initial=initial)
    visits = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = services.plan_visits(
            weekdays=data["weekdays"],
            time_of_day=data["time_of_day"],
            first_day=data["first_day"],
            visits=data["visits"],
            until=data["until"],
        )
        if request.POST.get("action") == "book":
            chosen = chosen_starts(request, len(plan))
            try:
                course = services.book_course(
                    service=data["service"],
                    therapist=therapist,
                    patient=base.patient,
                    starts=chosen,
                    weekdays=data["weekdays"],
                    time_of_day=data["time_of_day"],
                    source=Appointment.Source.FRONT_DESK,
                    actor=request.user,
                    language=base.language,
                )
            except services.CourseConflict as conflict:
                when = services.describe_moment(conflict.starts_at)
                messages.error(
                    request,
                    f"Nothing was booked: the visit of {when} could not be "
                    f"({conflict.messages[0]}). The preview below is up to date.",
                )
                plan = chosen
            except ValidationError as error:
                form.add_error(None, error)
                plan = chosen
            else:
                messages.success(request, f"Course booked: {course.visits_planned} visits.")
                return redirect("schedule:course", pk=course.pk)
        visits = services.preview_course(service=data["service"], therapist=therapist, starts=plan)
    return render(
        request,
        "bookings/schedule/course_new.html",
        {
            "access": access,
            "base": base,
            "form": form,
            "visits": visits,
            "zone": clinic_zone(),
            "free_count": sum(visit.is_free for visit in visits or []),
        },
    )


def _get_course_for_user(access, pk: int) -> CareCourse:
    courses = CareCourse.objects.select_related("patient", "therapist", "service")
    if not access.front_desk:
        courses = courses.filter(therapist=access.therapist)
    return get_object_or_404(courses, pk=pk)


@require_http_methods(["GET", "HEAD"])
def course(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_staff_access(request)
    found = _get_course_for_user(access, pk)
    visits = found.appointments.order_by("starts_at")
    now = timezone.now()
    return render(
        request,
        "bookings/schedule/course.html",
        {
            "access": access,
            "course": found,
            "visits": visits,
            "progress": services.course_progress(found, now=now),
            "now": now,
        },
    )


@require_POST
def cancel_course(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_staff_access(request)
    found = _get_course_for_user(access, pk)
    count = services.cancel_rest_of_course(course=found, actor=request.user)
    messages.success(request, f"{count} upcoming visits cancelled; the patient is emailed.")
    return redirect("schedule:course", pk=found.pk)
