"""The clinic's hours on its own clock: open now, until when, next opening, closures, and the
nights the clocks change (America/Los_Angeles: 2027-03-14 forward, 2027-11-07 back)."""

from datetime import date, time, timedelta

import pytest

from clinic.hours import open_intervals, open_status, week_hours, weekly_blocks
from clinic.models import Closure, OpeningHours
from tests.bookings.conftest import LA, local

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 1, 4)


def hours(*blocks):
    """(weekday, "08:00", "19:00") rows."""
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=weekday, opens=time.fromisoformat(a), closes=time.fromisoformat(b))
        for weekday, a, b in blocks
    )


@pytest.fixture
def weekdays_8_to_19():
    hours(*((weekday, "08:00", "19:00") for weekday in range(5)), (5, "09:00", "13:00"))


def test_without_hours_there_is_no_status_and_no_week(db):
    assert open_status(now=local(2027, 1, 4, 10)) is None
    assert week_hours(now=local(2027, 1, 4, 10)) == []
    assert weekly_blocks() is None


def test_it_is_open_until_the_block_ends(weekdays_8_to_19):
    status = open_status(now=local(2027, 1, 4, 10, 30))
    assert status.is_open
    assert status.until == local(2027, 1, 4, 19)
    assert status.until.tzinfo.key == "America/Los_Angeles"


def test_touching_blocks_are_one_opening(db):
    hours((0, "08:00", "12:00"), (0, "12:00", "18:00"))
    assert open_status(now=local(2027, 1, 4, 9)).until == local(2027, 1, 4, 18)


def test_a_lunch_break_is_closed_until_the_afternoon(db):
    hours((0, "08:00", "12:00"), (0, "13:00", "18:00"))
    status = open_status(now=local(2027, 1, 4, 12, 30))
    assert not status.is_open
    assert status.next_opening == local(2027, 1, 4, 13)


def test_at_closing_time_it_is_closed(weekdays_8_to_19):
    status = open_status(now=local(2027, 1, 4, 19))
    assert not status.is_open
    assert status.next_opening == local(2027, 1, 5, 8)


def test_saturday_evening_opens_next_on_monday(weekdays_8_to_19):
    status = open_status(now=local(2027, 1, 9, 14))
    assert not status.is_open
    assert status.next_opening == local(2027, 1, 11, 8)


def test_just_before_and_after_midnight(weekdays_8_to_19):
    assert open_status(now=local(2027, 1, 4, 23, 59)).next_opening == local(2027, 1, 5, 8)
    assert open_status(now=local(2027, 1, 5, 0, 1)).next_opening == local(2027, 1, 5, 8)


def test_a_block_past_midnight_stays_open_into_the_next_day(db):
    hours((4, "20:00", "02:00"))  # Friday night
    saturday_one_am = local(2027, 1, 9, 1)
    status = open_status(now=saturday_one_am)
    assert status.is_open and status.until == local(2027, 1, 9, 2)
    assert open_status(now=local(2027, 1, 8, 21)).until == local(2027, 1, 9, 2)
    assert not open_status(now=local(2027, 1, 9, 2, 30)).is_open


def test_a_closure_keeps_it_closed_and_names_why(weekdays_8_to_19):
    closure = Closure.objects.create(
        first_day=date(2027, 1, 4), last_day=date(2027, 1, 5), reason="Staff training"
    )
    status = open_status(now=local(2027, 1, 4, 10))
    assert not status.is_open
    assert status.closure == closure
    assert status.next_opening == local(2027, 1, 6, 8)


def test_a_closure_cuts_a_night_block_at_midnight(db):
    hours((4, "20:00", "02:00"))
    Closure.objects.create(first_day=date(2027, 1, 9), last_day=date(2027, 1, 9), reason="Holiday")
    intervals = open_intervals(
        date(2027, 1, 8),
        date(2027, 1, 9),
        blocks=weekly_blocks(),
        closures=[(date(2027, 1, 9),) * 2],
    )
    assert intervals == [(local(2027, 1, 8, 20), local(2027, 1, 9))]


def test_the_week_marks_today_in_the_clinic_zone(weekdays_8_to_19):
    # 2027-01-05 07:00 UTC is still Monday evening in Los Angeles.
    week = week_hours(now=local(2027, 1, 4, 23))
    assert [day.is_today for day in week].index(True) == 0
    assert week[0].name == "Monday"
    assert week[0].blocks == [(time(8), time(19))]
    assert week[6].blocks == []


def test_spring_forward_night_block_is_an_hour_shorter(db):
    hours((6, "01:00", "04:00"))  # Sunday 2027-03-14: 02:00 jumps to 03:00
    sunday = date(2027, 3, 14)
    [(start, end)] = open_intervals(sunday, sunday, blocks=weekly_blocks(), closures=[])
    assert end - start == timedelta(hours=2)
    assert open_status(now=local(2027, 3, 14, 3, 30)).until.astimezone(LA).hour == 4


def test_fall_back_night_block_is_an_hour_longer(db):
    hours((6, "00:30", "02:30"))  # Sunday 2027-11-07: 02:00 PDT falls back to 01:00 PST
    sunday = date(2027, 11, 7)
    [(start, end)] = open_intervals(sunday, sunday, blocks=weekly_blocks(), closures=[])
    assert end - start == timedelta(hours=3)
    # In the repeated hour (01:30 PST, the second one) the clinic is still open.
    assert open_status(now=local(2027, 11, 7, 1, 30, fold=1)).is_open


def test_status_on_the_clock_change_days(weekdays_8_to_19):
    # The Monday after each change: opening hours are wall-clock, whatever the offset.
    assert open_status(now=local(2027, 3, 15, 7, 59)).next_opening == local(2027, 3, 15, 8)
    assert open_status(now=local(2027, 11, 8, 18, 59)).until == local(2027, 11, 8, 19)
