"""The one email for a course of care: every visit listed, one .ics holding every visit's event
(each with its own UID, the one its later changes will carry), through the outbox."""

from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar

from bookings.models import CareCourse, OutgoingEmail
from bookings.notifications import calendars, outbox
from bookings.notifications.emails import manage_url, render_templated_email
from clinic.clock import local
from clinic.models import ClinicProfile


def send_course_email(course: CareCourse) -> None:
    """Queue the course's email with the current transaction; sent after commit."""
    outbox.queue_then_send(lambda: queue_course_email(course), about=f"course {course.pk}")


def queue_course_email(course: CareCourse) -> OutgoingEmail:
    profile = ClinicProfile.load()
    visits = list(
        course.appointments.select_related("therapist", "service", "patient").order_by("starts_at")
    )
    language = visits[0].language if visits else settings.LANGUAGE_CODE
    with translation.override(language):
        rows = [
            {"appointment": visit, "starts_local": local(visit.starts_at), "url": manage_url(visit)}
            for visit in visits
        ]
        context = {"course": course, "visits": rows, "clinic": profile}
        subject, text, html = render_templated_email(
            template="emails/course_booked", context=context
        )
        ics = course_calendar(rows, profile=profile)
    return OutgoingEmail.objects.create(
        course=course,
        kind=OutgoingEmail.Kind.COURSE,
        recipient=course.patient.email,
        subject=subject,
        text=text,
        html=html,
        ics=ics,
        next_attempt_at=timezone.now(),
    )


def course_calendar(rows: list[dict], *, profile: ClinicProfile) -> str:
    """One calendar with each visit's event exactly as its own booking email would carry it."""
    combined = Calendar()
    combined.add("prodid", "-//Clinic//Online booking//EN")
    combined.add("version", "2.0")
    combined.add("method", calendars.REQUEST)
    for row in rows:
        single = Calendar.from_ical(
            calendars.appointment_calendar(
                row["appointment"], method=calendars.REQUEST, manage_url=row["url"], profile=profile
            )
        )
        for event in single.walk("VEVENT"):
            combined.add_component(event)
    return combined.to_ical().decode()
