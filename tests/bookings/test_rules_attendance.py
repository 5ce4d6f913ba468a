"""Attendance and "no preference" at their edges: the clinic's day, not UTC's, decides.

Roles: Alex (a therapist) marks and undoes attendance on the schedule; a patient with no
preference of therapist books the first one free.
"""

from datetime import UTC, timedelta

import pytest
from django.core.exceptions import ValidationError

from bookings import services
from bookings.models import Appointment, AppointmentEvent, TimeOff
from tests.bookings.conftest import local, make_therapist

pytestmark = pytest.mark.django_db

NOW = local(2027, 1, 1, 12).astimezone(UTC)
TUESDAY_NINE = local(2027, 1, 5, 9)


def book(therapist, service, starts_at, *, email="pat@example.com"):
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=services.PatientDetails(name="Pat Example", email=email, phone="650 555 0100"),
        now=NOW,
        notify=False,
    )


def code_of(callable_, **kwargs):
    with pytest.raises(ValidationError) as error:
        callable_(**kwargs)
    return error.value.code


def test_attendance_is_offered_from_the_first_minute_of_the_clinic_day(alex, follow_up):
    appointment = book(alex, follow_up, local(2027, 1, 5, 16))
    just_before = local(2027, 1, 4, 23, 59).astimezone(UTC)  # already Tuesday in UTC
    assert not services.may_mark_attendance(appointment, now=just_before)
    code = code_of(
        services.mark_attendance,
        appointment=appointment,
        attended=True,
        now=just_before,
        allow_before_the_day=False,
    )
    assert code == "not_yet"
    midnight = local(2027, 1, 5, 0).astimezone(UTC)
    assert services.may_mark_attendance(appointment, now=midnight)
    marked = services.mark_attendance(
        appointment=appointment, attended=True, now=midnight, allow_before_the_day=False
    )
    assert marked.status == Appointment.Status.ATTENDED


def test_attendance_stays_offered_after_the_appointments_day(alex, follow_up):
    appointment = book(alex, follow_up, TUESDAY_NINE)
    assert services.may_mark_attendance(appointment, now=local(2027, 1, 8, 9).astimezone(UTC))
    services.cancel_appointment(appointment=appointment, by_patient=False, now=NOW, notify=False)
    appointment.refresh_from_db()
    assert not services.may_mark_attendance(appointment, now=local(2027, 1, 5, 10))


def marked_at(appointment, moment):
    AppointmentEvent.objects.filter(appointment=appointment, action="attended").update(
        created_at=moment
    )
    return Appointment.objects.get(pk=appointment.pk)


def test_undo_is_allowed_until_the_end_of_the_clinic_day_it_was_marked(alex, follow_up):
    appointment = book(alex, follow_up, TUESDAY_NINE)
    services.mark_attendance(appointment=appointment, attended=True)
    # Marked at 3 PM Pacific (23:00 UTC); 5 PM Pacific is already the next day in UTC.
    appointment = marked_at(appointment, local(2027, 1, 5, 15))
    assert services.may_undo_attendance(appointment, now=local(2027, 1, 5, 17).astimezone(UTC))
    next_morning = local(2027, 1, 6, 0, 1).astimezone(UTC)
    assert not services.may_undo_attendance(appointment, now=next_morning)
    code = code_of(services.undo_attendance, appointment=appointment, now=next_morning)
    assert code == "undo_too_late"
    undone = services.undo_attendance(
        appointment=appointment, now=local(2027, 1, 5, 23, 59).astimezone(UTC)
    )
    assert undone.status == Appointment.Status.BOOKED


def test_undo_of_an_appointment_never_marked_is_refused(alex, follow_up):
    appointment = book(alex, follow_up, TUESDAY_NINE)
    # Not even on the day it was booked (its last change), when "Undo" would be in time.
    assert not services.may_undo_attendance(appointment, now=appointment.updated_at)
    assert code_of(services.undo_attendance, appointment=appointment, now=NOW) == "not_marked"
    assert list(appointment.events.values_list("action", flat=True)) == ["booked"]


def test_no_preference_skips_a_therapist_who_is_off_then(alex, follow_up):
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    TimeOff.objects.create(
        therapist=alex, starts_at=TUESDAY_NINE, ends_at=TUESDAY_NINE + timedelta(hours=3)
    )
    appointment = services.book_first_free(
        service=follow_up,
        therapists=[alex, sam],
        starts_at=TUESDAY_NINE,
        patient=services.PatientDetails(name="Pat", email="pat@example.com", phone=""),
        now=NOW,
    )
    assert appointment.therapist == sam


def test_no_preference_with_nobody_to_choose_is_slot_taken(follow_up):
    code = code_of(
        services.book_first_free,
        service=follow_up,
        therapists=[],
        starts_at=TUESDAY_NINE,
        patient=services.PatientDetails(name="Pat", email="pat@example.com", phone=""),
        now=NOW,
    )
    assert code == "slot_taken"
    assert not Appointment.objects.exists()
