"""Availability that mutation testing (`make mutate`) found unpinned: who is free at a time, the
nearest free times, one start per time for "no preference", grouping by the clinic's day, and
the rules a caller passes in.

The clinic is in America/Los_Angeles; an evening start there is already the next day in UTC.
NOW is in the past on purpose: a function that read the real clock instead of the `now` it is
given would find every time here over.
"""

from datetime import UTC, date, time, timedelta

import pytest

from bookings import availability
from bookings.models import BookingRules
from tests.bookings.conftest import LA, local, make_therapist

pytestmark = pytest.mark.django_db

NOW = local(2021, 1, 1, 12).astimezone(UTC)
TUESDAY = date(2021, 1, 5)
TEN = local(2021, 1, 5, 10)
EVENING = local(2021, 1, 5, 18)  # 02:00 UTC on Wednesday


@pytest.fixture
def sam(follow_up, massage):
    return make_therapist("Sam Okafor", services_offered=[follow_up, massage])


@pytest.fixture
def late(follow_up):
    """Lee works evenings only, past midnight UTC."""
    return make_therapist("Lee Late", services_offered=[follow_up], hours=((time(16), time(21)),))


def hhmm(slots):
    return [slot.starts_at.astimezone(LA).strftime("%a %H:%M") for slot in slots]


# --- who is free at a time ----------------------------------------------------------------------


def test_everyone_free_at_a_time_in_the_order_no_preference_tries_them(alex, sam, follow_up):
    free = availability.free_therapists_at(
        service=follow_up, therapist=None, starts_at=TEN, now=NOW
    )
    assert free == [alex, sam]


def test_a_chosen_therapist_is_the_only_one_asked(alex, sam, follow_up):
    free = availability.free_therapists_at(service=follow_up, therapist=sam, starts_at=TEN, now=NOW)
    assert free == [sam]


def test_nobody_is_free_between_two_start_times(alex, follow_up):
    assert (
        availability.free_therapists_at(
            service=follow_up, therapist=None, starts_at=TEN + timedelta(minutes=7), now=NOW
        )
        == []
    )


def test_who_is_free_in_the_evening_is_asked_of_the_clinics_day(late, follow_up):
    free = availability.free_therapists_at(
        service=follow_up, therapist=None, starts_at=EVENING, now=NOW
    )
    assert free == [late]


def test_who_is_free_follows_the_rules_it_is_given(alex, follow_up):
    hourly = BookingRules(slot_step_minutes=60)
    half_past = TEN + timedelta(minutes=30)
    assert availability.free_therapists_at(
        service=follow_up, therapist=None, starts_at=half_past, now=NOW
    ) == [alex]
    assert (
        availability.free_therapists_at(
            service=follow_up, therapist=None, starts_at=half_past, now=NOW, rules=hourly
        )
        == []
    )


# --- whether one time is free -------------------------------------------------------------------


def test_a_patient_is_not_offered_a_time_inside_the_minimum_notice(alex, follow_up):
    soon = local(2021, 1, 5, 9)
    just_before = soon - timedelta(minutes=30)
    assert not availability.slot_is_free(
        service=follow_up, therapist=alex, starts_at=soon, now=just_before
    )
    assert availability.slot_is_free(
        service=follow_up,
        therapist=alex,
        starts_at=soon,
        now=just_before,
        enforce_booking_window=False,
    )


def test_an_evening_time_is_free_on_the_clinics_day(late, follow_up):
    assert availability.slot_is_free(service=follow_up, therapist=late, starts_at=EVENING, now=NOW)


def test_whether_a_time_is_free_follows_the_rules_it_is_given(alex, follow_up):
    hourly = BookingRules(slot_step_minutes=60)
    half_past = TEN + timedelta(minutes=30)
    assert availability.slot_is_free(
        service=follow_up, therapist=alex, starts_at=half_past, now=NOW
    )
    assert not availability.slot_is_free(
        service=follow_up, therapist=alex, starts_at=half_past, now=NOW, rules=hourly
    )


# --- free slots ---------------------------------------------------------------------------------


def test_each_slot_ends_when_the_service_does(alex, massage):
    slots = availability.free_slots(
        service=massage, therapist=alex, start=TUESDAY, end=TUESDAY, now=NOW
    )
    assert slots[0].starts_at == local(2021, 1, 5, 9)
    assert slots[0].ends_at == local(2021, 1, 5, 9, 45)
    assert all(slot.ends_at - slot.starts_at == timedelta(minutes=45) for slot in slots)
    assert [slot.ends_at for slot in slots[:2]] == [slot.ends_at for slot in list(slots)[:2]]


def test_slots_are_grouped_by_the_clinics_day(late, follow_up):
    slots = availability.free_slots(
        service=follow_up, therapist=late, start=TUESDAY, end=TUESDAY, now=NOW
    )
    by_day = availability.slots_by_day(slots)
    # 16:00 to 20:30 Pacific: the later ones are Wednesday in UTC, all Tuesday in the clinic.
    assert list(by_day) == [TUESDAY]
    assert by_day[TUESDAY] == list(slots)
    assert len(slots) == 19


def test_no_preference_shows_each_start_time_once_with_the_first_therapist(alex, sam, follow_up):
    slots = availability.free_slots(service=follow_up, start=TUESDAY, end=TUESDAY, now=NOW)
    starts = availability.distinct_starts(slots)
    assert len(slots) == 2 * len(starts)
    assert len({slot.starts_at for slot in starts}) == len(starts)
    assert {slot.therapist_id for slot in starts} == {alex.pk}


# --- the nearest free times ---------------------------------------------------------------------


def nearest(service, around, **kwargs):
    return availability.nearest_free_slots(service=service, around=around, now=NOW, **kwargs)


def test_the_six_nearest_free_times_in_order(alex, follow_up):
    found = nearest(follow_up, local(2021, 1, 5, 10, 40))
    # 10:45 is 5 minutes away, 10:30 10, ... 10:00 40; 09:45 (55) is the seventh.
    assert hhmm(found) == [
        "Tue 10:00",
        "Tue 10:15",
        "Tue 10:30",
        "Tue 10:45",
        "Tue 11:00",
        "Tue 11:15",
    ]


def test_the_nearest_free_times_of_the_chosen_therapist(alex, sam, follow_up):
    found = nearest(follow_up, TEN, therapist=sam, count=3)
    assert {slot.therapist_id for slot in found} == {sam.pk}
    assert hhmm(found) == ["Tue 09:45", "Tue 10:00", "Tue 10:15"]


def test_the_nearest_free_times_are_searched_a_week_either_side(follow_up):
    # Free only on one Tuesday morning a week.
    make_therapist(
        "Alex Rivera", services_offered=[follow_up], hours=((time(9), time(9, 30)),), weekdays=[1]
    )
    a_week_later = [slot.starts_at for slot in nearest(follow_up, TEN + timedelta(days=7))]
    assert a_week_later == [
        local(2021, 1, 5, 9),
        local(2021, 1, 12, 9),
        local(2021, 1, 19, 9),
    ]
    just_over = [slot.starts_at for slot in nearest(follow_up, local(2021, 1, 13, 10))]
    assert local(2021, 1, 5, 9) not in just_over  # 8 days before
    assert just_over == [local(2021, 1, 12, 9), local(2021, 1, 19, 9)]


def test_the_nearest_free_times_of_an_evening_are_around_the_clinics_day(late, follow_up):
    # 8 PM Pacific is Wednesday in UTC; with no days either side only Tuesday is searched.
    found = nearest(follow_up, local(2021, 1, 5, 20), days=0, count=2)
    assert hhmm(found) == ["Tue 19:45", "Tue 20:00"]


def test_the_nearest_free_times_follow_the_rules_they_are_given(alex, follow_up):
    hourly = BookingRules(slot_step_minutes=60)
    found = nearest(follow_up, TEN, rules=hourly, count=3)
    assert hhmm(found) == ["Tue 09:00", "Tue 10:00", "Tue 11:00"]


def test_the_nearest_free_times_never_include_the_past(alex, follow_up):
    now = local(2021, 1, 5, 10).astimezone(UTC)
    found = availability.nearest_free_slots(
        service=follow_up, around=local(2021, 1, 5, 9), now=now, count=3
    )
    # Two hours' notice from ten: noon, but the hours break for lunch until one.
    assert [slot.starts_at for slot in found] == [
        local(2021, 1, 5, 13),
        local(2021, 1, 5, 13, 15),
        local(2021, 1, 5, 13, 30),
    ]


# --- "no preference" over several therapists ----------------------------------------------------


def test_no_preference_tries_therapists_in_name_order_not_the_order_they_joined(follow_up):
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    alex = make_therapist("Alex Rivera", services_offered=[follow_up])
    free = availability.free_therapists_at(
        service=follow_up, therapist=None, starts_at=TEN, now=NOW
    )
    assert free == [alex, sam]


def test_a_therapist_without_working_hours_leaves_the_others_bookable(alex, follow_up):
    # "Aaron" sorts first and offers the service, but has no hours yet.
    make_therapist("Aaron Newhire", services_offered=[follow_up], hours=())
    slots = availability.free_slots(service=follow_up, start=TUESDAY, end=TUESDAY, now=NOW)
    assert {slot.therapist_id for slot in slots} == {alex.pk}
    assert slots[0].starts_at == local(2021, 1, 5, 9)
