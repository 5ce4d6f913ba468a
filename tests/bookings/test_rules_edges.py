"""The booking rules at their edges: each test sits on one comparison of availability or services.

Each `now` is in UTC, as `timezone.now()` is in production, so "90 days" is 90 real days.
"""

from datetime import UTC, date, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from bookings import services
from bookings.availability import free_slots
from bookings.models import Appointment, TimeOff
from tests.bookings.conftest import LA, local, make_appointment, make_service, make_therapist

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 1, 4)
LONG_BEFORE = local(2027, 1, 1).astimezone(UTC)


def starts(slots):
    return [slot.starts_at.astimezone(LA).strftime("%H:%M") for slot in slots]


def day_starts(therapist, service, *, now=LONG_BEFORE, day=MONDAY):
    return starts(free_slots(service=service, therapist=therapist, start=day, end=day, now=now))


def book(therapist, service, starts_at, *, now, email="pat@example.com", **kwargs):
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=services.PatientDetails(name="Pat Example", email=email, phone="650 555 0100"),
        now=now,
        notify=False,
        **kwargs,
    )


def code_of(callable_, **kwargs):
    with pytest.raises(ValidationError) as error:
        callable_(**kwargs)
    return error.value.code


# --- working hours ------------------------------------------------------------------------------


def test_it_offers_a_slot_that_ends_exactly_when_the_working_hours_end(alex, follow_up):
    times = day_starts(alex, follow_up)
    assert "11:30" in times and "16:30" in times  # 11:30-12:00 and 16:30-17:00
    assert "11:45" not in times and "16:45" not in times
    assert book(alex, follow_up, local(2027, 1, 4, 16, 30), now=LONG_BEFORE).status == "booked"
    late = local(2027, 1, 4, 11, 45)  # would end 12:15, into lunch
    code = code_of(book, therapist=alex, service=follow_up, starts_at=late, now=LONG_BEFORE)
    assert code == "outside_hours"


def test_it_offers_the_first_slot_exactly_when_the_working_hours_start(alex, follow_up):
    assert day_starts(alex, follow_up)[0] == "09:00"
    assert book(alex, follow_up, local(2027, 1, 4, 9), now=LONG_BEFORE).status == "booked"


# --- minimum notice, the past and the horizon ---------------------------------------------------


def test_it_offers_and_books_a_slot_exactly_at_the_minimum_notice(alex, follow_up, rules):
    now = local(2027, 1, 4, 8).astimezone(UTC)  # two hours' notice: 10:00 exactly
    times = day_starts(alex, follow_up, now=now)
    assert times[0] == "10:00"
    assert book(alex, follow_up, local(2027, 1, 4, 10), now=now).status == "booked"
    code = code_of(
        book,
        therapist=alex,
        service=follow_up,
        starts_at=local(2027, 1, 4, 9, 45),
        now=now,
        email="soon@example.com",
    )
    assert code == "too_soon"


def test_it_counts_half_a_second_inside_the_minimum_notice_as_too_soon(alex, follow_up):
    now = local(2027, 1, 4, 8).astimezone(UTC) + timedelta(microseconds=500_000)
    assert day_starts(alex, follow_up, now=now)[0] == "10:15"
    code = code_of(
        book, therapist=alex, service=follow_up, starts_at=local(2027, 1, 4, 10), now=now
    )
    assert code == "too_soon"


def test_the_front_desk_cannot_book_the_very_moment_that_is_now(alex, follow_up):
    ten = local(2027, 1, 4, 10).astimezone(UTC)
    front_desk = {"source": Appointment.Source.FRONT_DESK}
    code = code_of(book, therapist=alex, service=follow_up, starts_at=ten, now=ten, **front_desk)
    assert code == "in_past"
    assert not Appointment.objects.exists()
    appointment = book(alex, follow_up, ten, now=ten - timedelta(seconds=1), **front_desk)
    assert appointment.starts_at == ten


def test_it_offers_and_books_a_slot_exactly_at_the_horizon(alex, follow_up, rules):
    now = local(2027, 1, 1, 9).astimezone(UTC)  # + 90 days = Thu 1 Apr 10:00 PDT
    day = date(2027, 4, 1)
    times = day_starts(alex, follow_up, now=now, day=day)
    assert times == ["09:00", "09:15", "09:30", "09:45", "10:00"]
    horizon = local(2027, 4, 1, 10)
    assert book(alex, follow_up, horizon, now=now).starts_at == horizon
    code = code_of(
        book,
        therapist=alex,
        service=follow_up,
        starts_at=horizon + timedelta(minutes=15),
        now=now,
        email="far@example.com",
    )
    assert code == "past_horizon"


def test_a_horizon_ending_at_midnight_still_offers_that_midnight(follow_up):
    night = make_therapist("Night Owl", services_offered=[follow_up], hours=[(time(0), time(3))])
    now = local(2027, 4, 1).astimezone(UTC)  # + 90 days = Wed 30 Jun 00:00 PDT
    times = day_starts(night, follow_up, now=now, day=date(2027, 6, 30))
    assert times == ["00:00"]


# --- appointments and their buffers -------------------------------------------------------------


def test_a_buffer_running_past_midnight_keeps_clear_of_the_next_days_first_appointment():
    late = make_service("late-session", minutes=30, buffer=30)
    night = make_therapist(
        "Night Owl", services_offered=[late], hours=[(time(0), time(3)), (time(20), time(23, 59))]
    )
    make_appointment(therapist=night, service=late, starts_at=local(2027, 1, 5, 0))
    times = day_starts(night, late)
    # 23:00-23:30 keeps its buffer until midnight: fine. 23:15's buffer would run to 00:15.
    assert "23:00" in times
    assert "23:15" not in times


def test_a_slot_ending_when_another_appointment_starts_or_starting_when_its_buffer_ends_is_free(
    alex, follow_up, massage
):
    make_appointment(therapist=alex, service=massage, starts_at=local(2027, 1, 4, 10))
    times = day_starts(alex, follow_up)
    assert "09:30" in times and "11:00" in times
    assert "09:45" not in times and "10:45" not in times
    assert book(alex, follow_up, local(2027, 1, 4, 11), now=LONG_BEFORE, email="b@example.com")


def test_a_booking_whose_own_buffer_runs_into_the_next_appointment_is_slot_taken(
    alex, follow_up, massage
):
    make_appointment(therapist=alex, service=follow_up, starts_at=local(2027, 1, 4, 10))
    # 09:15-10:00 is free, but its 15 minutes of buffer are not.
    code = code_of(
        book,
        therapist=alex,
        service=massage,
        starts_at=local(2027, 1, 4, 9, 15),
        now=LONG_BEFORE,
        email="b@example.com",
    )
    assert code == "slot_taken"


def test_a_lunch_time_next_to_an_appointment_is_outside_hours_not_slot_taken(alex, follow_up):
    make_appointment(therapist=alex, service=follow_up, starts_at=local(2027, 1, 4, 11, 30))
    make_appointment(
        therapist=alex, service=follow_up, starts_at=local(2027, 1, 4, 13), email="c@example.com"
    )
    for lunch in (local(2027, 1, 4, 12), local(2027, 1, 4, 12, 30)):
        code = code_of(
            book,
            therapist=alex,
            service=follow_up,
            starts_at=lunch,
            now=LONG_BEFORE,
            email="b@example.com",
        )
        assert code == "outside_hours", lunch


# --- time off -----------------------------------------------------------------------------------


def test_time_off_inside_other_time_off_reopens_nothing(alex, follow_up):
    TimeOff.objects.create(
        therapist=alex, starts_at=local(2027, 1, 4, 13), ends_at=local(2027, 1, 4, 16)
    )
    TimeOff.objects.create(
        therapist=alex, starts_at=local(2027, 1, 4, 14), ends_at=local(2027, 1, 4, 15)
    )
    times = day_starts(alex, follow_up)
    assert [t for t in times if t >= "12:00"] == ["16:00", "16:15", "16:30"]
    code = code_of(
        book, therapist=alex, service=follow_up, starts_at=local(2027, 1, 4, 15), now=LONG_BEFORE
    )
    assert code == "outside_hours"


def test_an_appointment_inside_time_off_reopens_nothing_after_it(alex, follow_up):
    make_appointment(therapist=alex, service=follow_up, starts_at=local(2027, 1, 4, 14))
    make_appointment(
        therapist=alex, service=follow_up, starts_at=local(2027, 1, 4, 9), email="b@example.com"
    )
    # Time off written over it afterwards (the admin's old rows, a data fix): still all busy.
    TimeOff.objects.create(
        therapist=alex, starts_at=local(2027, 1, 4, 13), ends_at=local(2027, 1, 4, 16)
    )
    times = day_starts(alex, follow_up)
    assert times[0] == "09:30"
    assert [t for t in times if t >= "12:00"] == ["16:00", "16:15", "16:30"]


def test_time_off_begun_before_the_working_day_covers_its_start(alex, follow_up):
    TimeOff.objects.create(
        therapist=alex, starts_at=local(2027, 1, 4, 8), ends_at=local(2027, 1, 4, 10)
    )
    assert day_starts(alex, follow_up)[0] == "10:00"


def test_time_off_may_start_exactly_when_an_appointment_ends(alex, follow_up):
    now = LONG_BEFORE
    make_appointment(therapist=alex, service=follow_up, starts_at=local(2027, 1, 4, 10))
    time_off = services.block_time_off(
        therapist=alex, starts_at=local(2027, 1, 4, 10, 30), ends_at=local(2027, 1, 4, 12), now=now
    )
    assert TimeOff.objects.get() == time_off
    code = code_of(
        services.block_time_off,
        therapist=alex,
        starts_at=local(2027, 1, 4, 10, 29),
        ends_at=local(2027, 1, 4, 10, 30),
        now=now,
    )
    assert code == "covers_appointments"


def test_time_off_ending_exactly_now_is_already_over(alex):
    now = local(2027, 1, 4, 12).astimezone(UTC)
    code = code_of(
        services.block_time_off,
        therapist=alex,
        starts_at=now - timedelta(hours=2),
        ends_at=now,
        now=now,
    )
    assert code == "in_past"
    assert not TimeOff.objects.exists()
    kept = services.block_time_off(
        therapist=alex,
        starts_at=now - timedelta(hours=2),
        ends_at=now,
        now=now - timedelta(seconds=1),
    )
    code = code_of(services.remove_time_off, time_off=kept, now=now)
    assert code == "time_off_over"
    assert TimeOff.objects.filter(pk=kept.pk).exists()
    services.remove_time_off(time_off=kept, now=now - timedelta(seconds=1))
    assert not TimeOff.objects.exists()


# --- the patient's cut-off ----------------------------------------------------------------------


def test_a_patient_may_cancel_exactly_at_the_cut_off_and_not_a_second_later(alex, follow_up):
    ten = local(2027, 1, 4, 10).astimezone(UTC)
    first = book(alex, follow_up, ten, now=LONG_BEFORE)
    second = book(alex, follow_up, ten + timedelta(hours=1), now=LONG_BEFORE, email="b@example.com")
    cut_off = ten - timedelta(hours=24)
    assert services.can_change_online(first, now=cut_off)
    cancelled = services.cancel_appointment(appointment=first, now=cut_off, notify=False)
    assert cancelled.status == Appointment.Status.CANCELLED
    late = second.starts_at - timedelta(hours=24) + timedelta(seconds=1)
    assert not services.can_change_online(second, now=late)
    assert code_of(services.cancel_appointment, appointment=second, now=late) == "cutoff_passed"
    second.refresh_from_db()
    assert second.status == Appointment.Status.BOOKED


def test_a_patient_may_move_exactly_at_the_cut_off_and_not_a_second_later(alex, follow_up):
    ten = local(2027, 1, 4, 10).astimezone(UTC)
    appointment = book(alex, follow_up, ten, now=LONG_BEFORE)
    late = ten - timedelta(hours=24) + timedelta(seconds=1)
    code = code_of(
        services.reschedule_appointment,
        appointment=appointment,
        starts_at=ten + timedelta(days=1),
        now=late,
    )
    assert code == "cutoff_passed"
    moved = services.reschedule_appointment(
        appointment=appointment,
        starts_at=ten + timedelta(days=1),
        now=ten - timedelta(hours=24),
        notify=False,
    )
    assert moved.starts_at == ten + timedelta(days=1)


# --- the slot grid ------------------------------------------------------------------------------


@pytest.fixture
def ten_past(follow_up):
    # Hours that start off the quarter hour: the grid is the block's, not the clock's.
    return make_therapist(
        "Ten Past", services_offered=[follow_up], hours=[(time(9, 10), time(12, 10))]
    )


def test_after_the_notice_slots_stay_on_the_working_blocks_grid(ten_past, follow_up):
    now = local(2027, 1, 4, 8, 50).astimezone(UTC)  # notice ends 10:50
    assert day_starts(ten_past, follow_up, now=now)[:2] == ["10:55", "11:10"]


def test_after_busy_time_slots_stay_on_the_working_blocks_grid(ten_past, follow_up):
    TimeOff.objects.create(
        therapist=ten_past, starts_at=local(2027, 1, 4, 9, 30), ends_at=local(2027, 1, 4, 10)
    )
    times = day_starts(ten_past, follow_up)
    assert times[:3] == ["10:10", "10:25", "10:40"]


def test_the_last_hour_of_the_25_hour_fall_back_day_is_offered(follow_up):
    late = make_therapist(
        "Late Shift", services_offered=[follow_up], hours=[(time(22), time(23, 59))], weekdays=[6]
    )
    day = date(2027, 11, 7)  # midnight to midnight is 25 hours: 24 hours end at 23:00 PST
    times = day_starts(late, follow_up, now=local(2027, 10, 1).astimezone(UTC), day=day)
    assert times == ["22:00", "22:15", "22:30", "22:45", "23:00", "23:15"]
