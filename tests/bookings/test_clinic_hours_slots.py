"""The booking engine respects the clinic's own hours and closures: no slot while it is closed."""

from datetime import date, time

import pytest

from bookings.availability import free_slots
from clinic.models import Closure, OpeningHours
from tests.bookings.conftest import LA, local

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 1, 4)
LONG_BEFORE = local(2027, 1, 1)


def starts(slots):
    return [slot.starts_at.astimezone(LA).strftime("%H:%M") for slot in slots]


def day_slots(service, therapist=None, day=MONDAY, **kw):
    return starts(
        free_slots(service=service, therapist=therapist, start=day, end=day, now=LONG_BEFORE, **kw)
    )


def test_without_clinic_hours_the_therapists_hours_decide(alex, follow_up):
    # alex works 09:00-12:00 and 13:00-17:00 every day (tests/bookings/conftest.py).
    times = day_slots(follow_up, alex)
    assert times[0] == "09:00" and times[-1] == "16:30"


def test_clinic_hours_narrow_the_therapists(alex, follow_up):
    OpeningHours.objects.create(weekday=0, opens=time(10), closes=time(16))
    times = day_slots(follow_up, alex)
    assert times[0] == "10:00"
    assert times[-1] == "15:30"  # 30 minutes must end by closing time
    assert "11:30" in times and "13:00" in times


def test_a_day_the_clinic_does_not_open_has_no_slots(alex, follow_up):
    OpeningHours.objects.create(weekday=1, opens=time(8), closes=time(19))  # Tuesdays only
    assert day_slots(follow_up, alex) == []
    assert day_slots(follow_up, alex, day=date(2027, 1, 5))


def test_a_closure_removes_every_slot_that_day(alex, sam, follow_up):
    Closure.objects.create(first_day=MONDAY, last_day=MONDAY, reason="Holiday")
    assert day_slots(follow_up) == []
    assert day_slots(follow_up, day=date(2027, 1, 5))


def test_a_closure_applies_to_the_front_desk_too(alex, follow_up):
    Closure.objects.create(first_day=MONDAY, last_day=date(2027, 1, 6), reason="Move")
    slots = free_slots(
        service=follow_up,
        therapist=alex,
        start=MONDAY,
        end=date(2027, 1, 7),
        now=LONG_BEFORE,
        enforce_booking_window=False,
    )
    assert {slot.starts_at.astimezone(LA).date() for slot in slots} == {date(2027, 1, 7)}


def test_a_buffer_cannot_run_into_a_closed_day(db, follow_up):
    from tests.bookings.conftest import make_service, make_therapist

    late = make_service("late", minutes=30, buffer=30)
    night = make_therapist("Night Owl", services_offered=[late], hours=((time(22), time(23, 59)),))
    Closure.objects.create(first_day=date(2027, 1, 5), last_day=date(2027, 1, 5), reason="Closed")
    times = day_slots(late, night)
    assert "23:00" in times
    assert "23:15" not in times  # its buffer would reach past midnight into the closed day
