"""Changing an appointment: moves keep their buffer, a second cancel or mark changes nothing,
and the two readings of the repeated autumn hour are never swapped.

Roles: the patient acts through their manage link (by_patient=True); the front desk (staff)
acts for them (by_patient=False); Alex (a therapist) marks attendance on the schedule.
"""

from datetime import UTC, date, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from bookings import services
from bookings.availability import free_slots
from bookings.models import Appointment, AppointmentEvent, OutgoingEmail
from tests.bookings.conftest import LA, local, make_therapist

pytestmark = pytest.mark.django_db

NOW = local(2027, 1, 1, 12).astimezone(UTC)
TEN = local(2027, 1, 4, 10)  # a Monday
MONDAY = date(2027, 1, 4)


def book(therapist, service, starts_at, *, email="pat@example.com", notify=False, **kwargs):
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=services.PatientDetails(name="Pat Example", email=email, phone="650 555 0100"),
        now=kwargs.pop("now", NOW),
        notify=notify,
        **kwargs,
    )


def code_of(callable_, **kwargs):
    with pytest.raises(ValidationError) as error:
        callable_(**kwargs)
    return error.value.code


def starts(slots):
    return [slot.starts_at.astimezone(LA).strftime("%H:%M") for slot in slots]


def emails_of(kind):
    return OutgoingEmail.objects.filter(kind=kind).count()


# --- moving keeps the buffer --------------------------------------------------------------------


@pytest.mark.parametrize("by_patient", [True, False])
def test_it_keeps_the_buffer_when_moving(alex, follow_up, massage, by_patient):
    appointment = book(alex, massage, TEN)
    moved = services.reschedule_appointment(
        appointment=appointment,
        starts_at=local(2027, 1, 4, 14),
        by_patient=by_patient,
        now=NOW,
        notify=False,
    )
    moved.refresh_from_db()
    assert moved.ends_at == local(2027, 1, 4, 14, 45)
    assert moved.blocked_until == local(2027, 1, 4, 15)
    times = starts(free_slots(service=follow_up, therapist=alex, start=MONDAY, end=MONDAY, now=NOW))
    assert "14:45" not in times and "15:00" in times
    assert "10:00" in times  # the old time is free again
    code = code_of(
        book,
        therapist=alex,
        service=follow_up,
        starts_at=local(2027, 1, 4, 14, 45),
        email="b@x.org",
    )
    assert code == "slot_taken"
    assert book(alex, follow_up, local(2027, 1, 4, 15), email="b@x.org").status == "booked"


def test_moving_to_another_service_takes_its_duration_and_buffer(alex, follow_up, massage):
    appointment = book(alex, follow_up, TEN)
    moved = services.reschedule_appointment(
        appointment=appointment, starts_at=TEN, service=massage, by_patient=False, now=NOW
    )
    moved.refresh_from_db()
    assert moved.service == massage
    assert (moved.ends_at, moved.blocked_until) == (
        local(2027, 1, 4, 10, 45),
        local(2027, 1, 4, 11),
    )
    (event,) = moved.events.filter(action=AppointmentEvent.Action.MOVED)
    assert "service Follow up to Sports massage" in event.detail


def test_the_front_desk_may_move_inside_the_minimum_notice_but_the_patient_may_not(
    alex, follow_up, rules
):
    rules.cancellation_cutoff_hours = 0
    rules.save()
    appointment = book(alex, follow_up, TEN)
    now = local(2027, 1, 4, 9).astimezone(UTC)
    soon = local(2027, 1, 4, 10, 30)  # 90 minutes away: inside the two hours' notice
    code = code_of(
        services.reschedule_appointment, appointment=appointment, starts_at=soon, now=now
    )
    assert code == "too_soon"
    appointment.refresh_from_db()
    assert appointment.starts_at == TEN
    moved = services.reschedule_appointment(
        appointment=appointment, starts_at=soon, by_patient=False, now=now, notify=False
    )
    assert moved.starts_at == soon


def test_a_patient_cannot_move_or_cancel_an_appointment_already_marked(alex, follow_up):
    appointment = book(alex, follow_up, TEN)
    services.mark_attendance(appointment=appointment, attended=False, now=NOW)
    code = code_of(
        services.reschedule_appointment,
        appointment=appointment,
        starts_at=TEN + timedelta(days=1),
        now=NOW,
    )
    assert code == "not_booked"
    assert code_of(services.cancel_appointment, appointment=appointment, now=NOW) == "not_booked"
    appointment.refresh_from_db()
    assert (appointment.status, appointment.starts_at) == (Appointment.Status.NO_SHOW, TEN)


# --- a second cancel ----------------------------------------------------------------------------


def test_staff_cancelling_twice_is_a_clear_error_and_sends_no_second_email(
    alex, follow_up, front_desk_user, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = book(alex, follow_up, TEN)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(
            appointment=appointment, by_patient=False, now=NOW, actor=front_desk_user
        )
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        code = code_of(
            services.cancel_appointment,
            appointment=appointment,
            by_patient=False,
            now=NOW + timedelta(hours=1),
            actor=front_desk_user,
        )
    assert code == "already_cancelled"
    assert len(mailoutbox) == 1
    assert emails_of(OutgoingEmail.Kind.CANCELLED) == 1
    appointment.refresh_from_db()
    assert appointment.cancelled_at == NOW and appointment.sequence == 1
    assert appointment.events.filter(action=AppointmentEvent.Action.CANCELLED).count() == 1


def test_the_admin_cancel_action_on_a_cancelled_appointment_says_so_and_sends_nothing(
    client, admin_user, alex, follow_up, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = book(alex, follow_up, TEN)
    services.cancel_appointment(appointment=appointment, by_patient=False, now=NOW)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/bookings/appointment/",
            {"action": "cancel_selected", "_selected_action": [appointment.pk]},
            follow=True,
        )
    body = response.content.decode()
    assert "This appointment is already cancelled." in body
    assert "Cancelled 1 appointment" not in body
    assert emails_of(OutgoingEmail.Kind.CANCELLED) == 1
    assert appointment.events.filter(action=AppointmentEvent.Action.CANCELLED).count() == 1


def test_staff_cannot_move_a_cancelled_appointment(alex, follow_up):
    appointment = book(alex, follow_up, TEN)
    services.cancel_appointment(appointment=appointment, by_patient=False, now=NOW, notify=False)
    code = code_of(
        services.reschedule_appointment,
        appointment=appointment,
        starts_at=TEN + timedelta(hours=4),
        by_patient=False,
        now=NOW,
    )
    assert code == "already_cancelled"
    appointment.refresh_from_db()
    assert appointment.starts_at == TEN and appointment.sequence == 1
    assert emails_of(OutgoingEmail.Kind.RESCHEDULED) == 0
    assert not appointment.events.filter(action=AppointmentEvent.Action.MOVED).exists()


# --- attendance marked twice --------------------------------------------------------------------


def test_marking_attendance_twice_writes_one_event(alex, follow_up):
    appointment = book(alex, follow_up, TEN)
    services.mark_attendance(appointment=appointment, attended=True, now=TEN)
    again = services.mark_attendance(appointment=appointment, attended=True, now=TEN)
    assert again.status == Appointment.Status.ATTENDED
    actions = list(appointment.events.order_by("pk").values_list("action", flat=True))
    assert actions == ["booked", "attended"]


def test_pressing_attended_twice_on_the_schedule_records_it_once(
    client, alex_user, alex, follow_up
):
    from bookings.availability import local_today

    today = local_today()
    starts_at = local(today.year, today.month, today.day, 9).astimezone(UTC)
    appointment = book(alex, follow_up, starts_at, now=starts_at - timedelta(days=3))
    client.force_login(alex_user)
    for _ in range(2):
        response = client.post(
            f"/schedule/appointments/{appointment.pk}/attendance/", {"outcome": "attended"}
        )
        assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ATTENDED
    assert appointment.events.filter(action=AppointmentEvent.Action.ATTENDED).count() == 1
    page = client.get(f"/schedule/appointments/{appointment.pk}/").content.decode()
    assert page.count("Attended:") == 1


# --- the repeated autumn hour, 2027-11-07 01:00-02:00 America/Los_Angeles -----------------------

FALL_BACK = date(2027, 11, 7)  # a Sunday: 02:00 PDT falls back to 01:00 PST
FIRST_ONE = local(2027, 11, 7, 1, 0, fold=0).astimezone(UTC)  # 01:00 PDT = 08:00 UTC
SECOND_ONE = local(2027, 11, 7, 1, 0, fold=1).astimezone(UTC)  # 01:00 PST = 09:00 UTC
AUTUMN = local(2027, 10, 1).astimezone(UTC)


@pytest.fixture
def night(follow_up):
    # 01:00-01:45 by the wall clock that night: from the first 01:00 to the second 01:45.
    return make_therapist(
        "Night Owl", services_offered=[follow_up], hours=[(time(1), time(1, 45))], weekdays=[6]
    )


def test_the_repeated_hour_is_worked_from_the_first_one_oclock_to_the_second(night, follow_up):
    slots = free_slots(
        service=follow_up, therapist=night, start=FALL_BACK, end=FALL_BACK, now=AUTUMN
    )
    instants = [slot.starts_at for slot in slots]
    assert instants[0] == FIRST_ONE
    assert instants[-1] == SECOND_ONE + timedelta(minutes=15)  # 01:15 PST ends at 01:45 PST
    assert len(instants) == 6
    labels = [slot.starts_at.astimezone(LA).strftime("%H:%M %Z") for slot in slots]
    assert labels == [
        "01:00 PDT",
        "01:15 PDT",
        "01:30 PDT",
        "01:45 PDT",
        "01:00 PST",
        "01:15 PST",
    ]


def test_booking_the_second_one_oclock_books_it_in_pst_and_says_so(
    night, follow_up, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        second = book(night, follow_up, SECOND_ONE, now=AUTUMN, notify=True)
    assert second.starts_at == SECOND_ONE
    (message,) = mailoutbox
    assert "1:00 AM PST" in message.subject + message.body
    assert "PDT" not in message.subject
    first = book(night, follow_up, FIRST_ONE, now=AUTUMN, email="first@example.com")
    assert first.starts_at == FIRST_ONE
    assert second.starts_at - first.starts_at == timedelta(hours=1)


# --- telling an email's owner of an attempt on their time ---------------------------------------


def test_the_owner_is_told_again_only_once_the_hour_has_passed(alex, sam, follow_up):
    from django.utils import timezone

    held = book(alex, follow_up, TEN)

    def attempt():
        code = code_of(book, therapist=sam, service=follow_up, starts_at=TEN)
        assert code == "patient_busy"
        return list(OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.ATTEMPT))

    (first,) = attempt()
    assert first.appointment == held
    # tell_owner_of_attempt reads timezone.now() (no `now`): age the first notice instead.
    OutgoingEmail.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timedelta(minutes=59)
    )
    assert len(attempt()) == 1
    OutgoingEmail.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timedelta(minutes=61)
    )
    assert len(attempt()) == 2


def test_a_patient_moving_onto_their_other_appointment_is_told_about_that_one(alex, sam, follow_up):
    other = book(alex, follow_up, TEN + timedelta(minutes=30))
    moving = book(sam, follow_up, TEN)
    code = code_of(
        services.reschedule_appointment,
        appointment=moving,
        starts_at=TEN + timedelta(minutes=15),
        now=NOW,
    )
    assert code == "patient_busy"
    (notice,) = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.ATTEMPT)
    assert notice.appointment == other
    moving.refresh_from_db()
    assert moving.starts_at == TEN
