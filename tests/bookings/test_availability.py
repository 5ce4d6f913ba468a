from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import services
from bookings.availability import free_slots, nearest_free_slots, wall_clock_to_utc
from bookings.models import TimeOff
from tests.bookings.conftest import LA, local, make_appointment, make_service, make_therapist

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 1, 4)
LONG_BEFORE = local(2027, 1, 1)
AUTUMN = local(2027, 10, 1)


def starts(slots):
    return [slot.starts_at.astimezone(LA).strftime("%H:%M") for slot in slots]


def test_working_hours_with_a_lunch_break_leave_a_gap(alex, follow_up):
    slots = free_slots(service=follow_up, therapist=alex, start=MONDAY, end=MONDAY, now=LONG_BEFORE)
    times = starts(slots)
    assert times[0] == "09:00"
    assert "11:30" in times and "11:45" not in times  # 30 minutes must fit before 12:00
    assert not any(t.startswith("12:") for t in times)
    assert "13:00" in times and times[-1] == "16:30"
    assert len(times) == 11 + 15


def test_an_appointment_blocks_its_time_and_its_buffer(alex, follow_up, massage):
    make_appointment(therapist=alex, service=massage, starts_at=local(2027, 1, 4, 10))
    times = starts(
        free_slots(service=follow_up, therapist=alex, start=MONDAY, end=MONDAY, now=LONG_BEFORE)
    )
    # The massage runs 10:00-10:45 and keeps 15 minutes after it: busy until 11:00.
    assert "09:30" in times  # ends exactly at 10:00
    assert "09:45" not in times
    assert not {"10:00", "10:15", "10:30", "10:45"} & set(times)
    assert "11:00" in times


def test_a_new_appointment_needs_room_for_its_own_buffer(alex, follow_up, massage):
    make_appointment(therapist=alex, service=follow_up, starts_at=local(2027, 1, 4, 10))
    times = starts(
        free_slots(service=massage, therapist=alex, start=MONDAY, end=MONDAY, now=LONG_BEFORE)
    )
    # 45 minutes + 15 minutes of buffer must end by 10:00.
    assert "09:00" in times and "09:15" not in times
    assert "10:30" in times and "10:15" not in times


def test_a_cancelled_appointment_frees_its_time(alex, follow_up):
    appointment = make_appointment(
        therapist=alex, service=follow_up, starts_at=local(2027, 1, 4, 10)
    )
    services.cancel_appointment(appointment=appointment, now=LONG_BEFORE, notify=False)
    times = starts(
        free_slots(service=follow_up, therapist=alex, start=MONDAY, end=MONDAY, now=LONG_BEFORE)
    )
    assert "10:00" in times


def test_time_off_removes_the_times_it_covers(alex, follow_up):
    TimeOff.objects.create(
        therapist=alex, starts_at=local(2027, 1, 4, 14), ends_at=local(2027, 1, 4, 15, 30)
    )
    times = starts(
        free_slots(service=follow_up, therapist=alex, start=MONDAY, end=MONDAY, now=LONG_BEFORE)
    )
    assert "13:30" in times and "13:45" not in times
    assert not {"14:00", "14:30", "15:00", "15:15"} & set(times)
    assert "15:30" in times


def test_time_off_over_several_days_empties_them(alex, follow_up):
    TimeOff.objects.create(therapist=alex, starts_at=local(2027, 1, 4), ends_at=local(2027, 1, 6))
    slots = free_slots(
        service=follow_up, therapist=alex, start=MONDAY, end=date(2027, 1, 6), now=LONG_BEFORE
    )
    assert {slot.starts_at.astimezone(LA).date() for slot in slots} == {date(2027, 1, 6)}


def test_nothing_is_offered_before_the_minimum_notice(alex, follow_up, rules):
    now = local(2027, 1, 4, 8, 50)  # two hours' notice: 10:50, so the first step after is 11:00
    times = starts(free_slots(service=follow_up, therapist=alex, start=MONDAY, end=MONDAY, now=now))
    assert times[0] == "11:00"


def test_staff_can_change_the_minimum_notice(alex, follow_up, rules):
    rules.minimum_notice_minutes = 0
    rules.save()
    times = starts(
        free_slots(
            service=follow_up,
            therapist=alex,
            start=MONDAY,
            end=MONDAY,
            now=local(2027, 1, 4, 9, 5),
        )
    )
    assert times[0] == "09:15"


def test_nothing_is_offered_past_the_horizon(alex, follow_up, rules):
    now = local(2027, 1, 1, 12)  # 90 days later: 2027-04-01 12:00 local (after the DST change)
    slots = free_slots(
        service=follow_up, therapist=alex, start=date(2027, 3, 31), end=date(2027, 4, 2), now=now
    )
    last = slots[-1].starts_at.astimezone(LA)
    assert last == local(2027, 4, 1, 11, 30)
    assert all(slot.starts_at <= now + timedelta(days=90) for slot in slots)
    assert not [s for s in slots if s.starts_at.astimezone(LA).date() == date(2027, 4, 2)]


def test_the_slot_step_is_the_grid_of_start_times(alex, follow_up, rules):
    rules.slot_step_minutes = 20
    rules.save()
    times = starts(
        free_slots(service=follow_up, therapist=alex, start=MONDAY, end=MONDAY, now=LONG_BEFORE)
    )
    assert times[:4] == ["09:00", "09:20", "09:40", "10:00"]


def test_no_preference_merges_every_therapist_who_offers_the_service(alex, follow_up, massage):
    sam = make_therapist("Sam Okafor", services_offered=[follow_up], hours=[(time(17), time(18))])
    make_therapist("Jordan Lee", services_offered=[massage], hours=[(time(7), time(8))])
    make_therapist(
        "Inactive", services_offered=[follow_up], hours=[(time(6), time(7))], active=False
    )
    slots = free_slots(service=follow_up, start=MONDAY, end=MONDAY, now=LONG_BEFORE)
    assert {slot.therapist_id for slot in slots} == {alex.pk, sam.pk}
    assert starts(slots)[0] == "09:00" and starts(slots)[-1] == "17:30"
    assert slots == sorted(slots, key=lambda slot: slot.starts_at)


def test_a_therapist_who_does_not_offer_the_service_has_no_slots(follow_up, massage):
    jordan = make_therapist("Jordan Lee", services_offered=[massage])
    assert (
        free_slots(service=follow_up, therapist=jordan, start=MONDAY, end=MONDAY, now=LONG_BEFORE)
        == []
    )


def test_an_inactive_service_has_no_slots(alex):
    retired = make_service("retired", active=False)
    alex.services.add(retired)
    assert (
        free_slots(service=retired, therapist=alex, start=MONDAY, end=MONDAY, now=LONG_BEFORE) == []
    )


# --- the two days the clocks change in 2027, America/Los_Angeles -------------------------------


def test_spring_forward_day_starts_the_working_day_at_nine_pdt(alex, follow_up):
    day = date(2027, 3, 14)  # 02:00 PST -> 03:00 PDT
    slots = free_slots(service=follow_up, therapist=alex, start=day, end=day, now=LONG_BEFORE)
    assert slots[0].starts_at == datetime(2027, 3, 14, 16, 0, tzinfo=UTC)  # 09:00 PDT (UTC-7)
    assert starts(slots)[0] == "09:00" and starts(slots)[-1] == "16:30"
    assert len(slots) == 11 + 15  # the same as any other day: no missing or phantom hour


def test_spring_forward_night_has_no_slot_in_the_missing_hour(follow_up):
    night = make_therapist(
        "Night Owl", services_offered=[follow_up], hours=[(time(1), time(4))], weekdays=[6]
    )
    day = date(2027, 3, 14)
    slots = free_slots(service=follow_up, therapist=night, start=day, end=day, now=LONG_BEFORE)
    # Wall clock 01:00-04:00 is only two real hours that night.
    assert starts(slots) == ["01:00", "01:15", "01:30", "01:45", "03:00", "03:15", "03:30"]
    assert slots[0].starts_at == datetime(2027, 3, 14, 9, 0, tzinfo=UTC)
    assert all(
        b.starts_at - a.starts_at == timedelta(minutes=15)
        for a, b in zip(slots, slots[1:], strict=False)
    )


def test_a_block_starting_in_the_missing_hour_starts_when_the_clocks_jump(follow_up):
    night = make_therapist(
        "Night Owl", services_offered=[follow_up], hours=[(time(2, 30), time(5))], weekdays=[6]
    )
    day = date(2027, 3, 14)
    slots = free_slots(service=follow_up, therapist=night, start=day, end=day, now=LONG_BEFORE)
    assert starts(slots)[0] == "03:00"
    assert wall_clock_to_utc(day, time(2, 30), zone=LA) == datetime(2027, 3, 14, 10, tzinfo=UTC)


def test_fall_back_day_starts_the_working_day_at_nine_pst(alex, follow_up):
    day = date(2027, 11, 7)  # 02:00 PDT -> 01:00 PST
    slots = free_slots(service=follow_up, therapist=alex, start=day, end=day, now=AUTUMN)
    assert slots[0].starts_at == datetime(2027, 11, 7, 17, 0, tzinfo=UTC)  # 09:00 PST (UTC-8)
    assert len(slots) == 11 + 15


def test_fall_back_night_offers_the_repeated_hour_twice(follow_up):
    night = make_therapist(
        "Night Owl", services_offered=[follow_up], hours=[(time(0), time(3))], weekdays=[6]
    )
    day = date(2027, 11, 7)
    slots = free_slots(service=follow_up, therapist=night, start=day, end=day, now=AUTUMN)
    # Wall clock 00:00-03:00 is four real hours that night; 01:00-01:59 happens twice.
    assert len(slots) == 15
    instants = [slot.starts_at for slot in slots]
    assert local(2027, 11, 7, 1, 0, fold=0).astimezone(UTC) in instants  # 01:00 PDT
    assert local(2027, 11, 7, 1, 0, fold=1).astimezone(UTC) in instants  # 01:00 PST
    assert all(b - a == timedelta(minutes=15) for a, b in zip(instants, instants[1:], strict=False))
    assert len(set(instants)) == len(instants)


def test_a_range_across_the_change_keeps_each_day_on_its_wall_clock(alex, follow_up):
    slots = free_slots(
        service=follow_up,
        therapist=alex,
        start=date(2027, 3, 13),
        end=date(2027, 3, 15),
        now=LONG_BEFORE,
    )
    firsts = {}
    for slot in slots:
        firsts.setdefault(slot.starts_at.astimezone(LA).date(), slot.starts_at.astimezone(LA))
    assert [moment.strftime("%H:%M") for moment in firsts.values()] == ["09:00"] * 3
    assert len(slots) == 3 * 26


# --- queries ---------------------------------------------------------------------------------


def count_queries(**kwargs):
    with CaptureQueriesContext(connection) as queries:
        free_slots(**kwargs)
    return len(queries)


def test_the_query_count_does_not_grow_with_the_range(alex, follow_up, massage, rules):
    make_therapist("Sam Okafor", services_offered=[follow_up])
    for offset in range(10):
        make_appointment(
            therapist=alex,
            service=massage,
            starts_at=local(2027, 1, 4, 10) + timedelta(days=offset),
        )
    TimeOff.objects.create(therapist=alex, starts_at=local(2027, 2, 1), ends_at=local(2027, 2, 3))
    one_day = count_queries(
        service=follow_up, start=MONDAY, end=MONDAY, now=LONG_BEFORE, rules=rules
    )
    ninety_days = count_queries(
        service=follow_up,
        start=MONDAY,
        end=MONDAY + timedelta(days=89),
        now=LONG_BEFORE,
        rules=rules,
    )
    one_therapist = count_queries(
        service=follow_up,
        therapist=alex,
        start=MONDAY,
        end=MONDAY + timedelta(days=89),
        now=LONG_BEFORE,
        rules=rules,
    )
    assert one_day == ninety_days == one_therapist == 6
    assert count_queries(service=follow_up, start=MONDAY, end=MONDAY, now=LONG_BEFORE) == 7


def test_nearest_free_slots_are_the_closest_to_the_taken_time(alex, follow_up):
    make_appointment(therapist=alex, service=follow_up, starts_at=local(2027, 1, 4, 10))
    nearest = nearest_free_slots(
        service=follow_up, therapist=alex, around=local(2027, 1, 4, 10), now=LONG_BEFORE, count=4
    )
    assert starts(nearest) == ["09:15", "09:30", "10:30", "10:45"]
