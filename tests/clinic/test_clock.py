"""How times are written: on the days the clocks change every time says PDT or PST.

2027-11-07, America/Los_Angeles: 02:00 PDT falls back to 01:00 PST, so 1:00 AM happens twice.
2027-03-14: 02:00 PST springs forward to 03:00 PDT.
"""

from datetime import UTC, timedelta

import pytest
from django.template import Context, Template

from clinic import clock
from tests.bookings.conftest import local

pytestmark = pytest.mark.django_db

FIRST_ONE_AM = local(2027, 11, 7, 1, 0)  # PDT
SECOND_ONE_AM = local(2027, 11, 7, 1, 0, fold=1)  # PST, an hour later
ORDINARY = local(2027, 1, 4, 10, 0)


def test_the_two_one_ams_of_the_fall_back_night_are_told_apart():
    assert SECOND_ONE_AM.astimezone(UTC) - FIRST_ONE_AM.astimezone(UTC) == timedelta(hours=1)
    assert clock.time_label(FIRST_ONE_AM) == "1:00 AM PDT"
    assert clock.time_label(SECOND_ONE_AM) == "1:00 AM PST"
    # From UTC, as the database gives them back.
    assert clock.time_label(FIRST_ONE_AM.astimezone(UTC)) == "1:00 AM PDT"
    assert clock.time_label(SECOND_ONE_AM.astimezone(UTC)) == "1:00 AM PST"


def test_every_time_of_a_clock_change_day_says_which_and_an_ordinary_day_does_not():
    assert clock.time_label(local(2027, 11, 7, 9, 30)) == "9:30 AM PST"
    assert clock.time_label(local(2027, 3, 14, 3, 0)) == "3:00 AM PDT"
    assert clock.time_label(local(2027, 3, 14, 1, 30)) == "1:30 AM PST"
    assert clock.time_label(ORDINARY) == "10:00 AM"
    assert clock.time_label(local(2027, 11, 6, 1, 0)) == "1:00 AM"


def test_a_span_across_the_change_names_both_ends():
    start = local(2027, 11, 7, 1, 30)  # PDT
    end = start.astimezone(UTC) + timedelta(minutes=30)  # 1:00 AM PST
    assert clock.span_label(start, end) == "1:30 AM PDT–1:00 AM PST"
    assert clock.span_label(ORDINARY, local(2027, 1, 4, 10, 45)) == "10:00 AM–10:45 AM"


def test_with_the_zone_an_ordinary_day_reads_as_before():
    assert clock.zoned_time_label(ORDINARY) == "10:00 AM Pacific time"
    assert clock.zoned_time_label(SECOND_ONE_AM) == "1:00 AM PST (Pacific time)"
    end = local(2027, 1, 4, 10, 45)
    assert clock.zoned_span_label(ORDINARY, end) == "10:00 AM–10:45 AM Pacific time"
    end = SECOND_ONE_AM.astimezone(UTC) + timedelta(minutes=30)
    assert clock.zoned_span_label(SECOND_ONE_AM, end) == "1:00 AM PST–1:30 AM PST (Pacific time)"


def test_templates_use_the_same_labels():
    template = Template(
        "{% load bookings_tags %}{{ a|clinic_time }} / {{ b|clinic_time_zoned }} / "
        "{% clinic_time_span a b %} / {% clinic_time_span a b zoned=True %}"
    )
    rendered = template.render(Context({"a": FIRST_ONE_AM, "b": SECOND_ONE_AM}))
    assert rendered == (
        "1:00 AM PDT / 1:00 AM PST (Pacific time) / 1:00 AM PDT–1:00 AM PST / "
        "1:00 AM PDT–1:00 AM PST (Pacific time)"
    )
    assert Template("{% load bookings_tags %}{{ x|clinic_time }}").render(Context({})) == ""


def test_history_names_times_on_the_clinics_clock_with_the_same_rule():
    assert clock.describe_moment(FIRST_ONE_AM) == "Sun 7 Nov 01:00 PDT"
    assert clock.describe_moment(SECOND_ONE_AM) == "Sun 7 Nov 01:00 PST"
    assert clock.describe_moment(ORDINARY) == "Mon 4 Jan 10:00"
