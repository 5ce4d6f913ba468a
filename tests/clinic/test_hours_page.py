"""The clinic's hours as patients read them: the find-us page's week with today marked, "open now"
or when it opens next on the clinic's clock, closures, and the footer's summary."""

import re
from datetime import UTC, datetime, time

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from clinic.context_processors import clinic as clinic_context
from clinic.hours import week_hours
from clinic.hours_labels import week_summary
from clinic.models import Closure, OpeningHours
from tests.bookings.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def week():
    """Mon–Fri 8:00–19:00, Sat 9:00–13:00, closed on Sunday."""
    OpeningHours.objects.bulk_create(
        [OpeningHours(weekday=day, opens=time(8), closes=time(19)) for day in range(5)]
        + [OpeningHours(weekday=5, opens=time(9), closes=time(13))]
    )


@pytest.fixture
def clock(monkeypatch):
    """clock(moment): the site's "now" from then on."""

    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


def status_line(body: str) -> str:
    match = re.search(r'<p class="open-status [^"]+">(.*?)</p>', body)
    return match.group(1) if match else ""


def today_row(body: str) -> str:
    (row,) = re.findall(r'<tr class="is-today" aria-current="date">(.*?)</tr>', body, re.DOTALL)
    # ASCII whitespace only: the French times keep their non-breaking spaces.
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", row)).strip()


def test_it_marks_today_and_says_open_until_closing(client, week, clock):
    clock(local(2027, 1, 5, 10))  # a Tuesday, 10:00
    body = client.get("/find-us/").content.decode()
    assert today_row(body) == "Tuesday (today) 8:00 AM–7:00 PM"
    assert body.count('aria-current="date"') == 1
    assert status_line(body) == "Open now · until 7:00 PM"
    assert "Sunday</th>\n                <td>Closed</td>" in body


def test_after_closing_it_says_it_opens_tomorrow(client, week, clock):
    clock(local(2027, 1, 4, 19))  # Monday, at closing time
    assert status_line(client.get("/find-us/").content.decode()) == (
        "Closed now · opens tomorrow at 8:00 AM"
    )


def test_at_the_weekend_it_names_the_day_it_opens(client, week, clock):
    clock(local(2027, 1, 9, 14))  # Saturday afternoon
    body = client.get("/find-us/").content.decode()
    assert status_line(body) == "Closed now · opens Monday at 8:00 AM"
    assert today_row(body) == "Saturday (today) 9:00 AM–1:00 PM"


def test_before_opening_it_says_today(client, week, clock):
    clock(local(2027, 1, 6, 7, 30))  # Wednesday, 7:30
    assert status_line(client.get("/find-us/").content.decode()) == (
        "Closed now · opens today at 8:00 AM"
    )


def test_on_a_closed_day_it_names_the_closure_and_lists_the_coming_ones(client, week, clock):
    Closure.objects.create(
        first_day=local(2027, 1, 5).date(),
        last_day=local(2027, 1, 5).date(),
        reason="Staff training",
    )
    Closure.objects.create(
        first_day=local(2027, 2, 15).date(),
        last_day=local(2027, 2, 16).date(),
        reason="Presidents' Day",
    )
    clock(local(2027, 1, 5, 10))
    body = client.get("/find-us/").content.decode()
    assert status_line(body) == "Closed today (Staff training) · opens tomorrow at 8:00 AM"
    assert "Tuesday 5 January 2027: Staff training" in body
    assert "Monday 15 February to Tuesday 16 February 2027: Presidents&#x27; Day" in body


def test_the_status_is_on_the_clinics_clock_not_utc(client, week, clock):
    # 02:30 UTC on Wednesday is still Tuesday 18:30 in San Francisco: open, and Tuesday is today.
    clock(datetime(2027, 1, 6, 2, 30, tzinfo=UTC))
    body = client.get("/find-us/").content.decode()
    assert status_line(body) == "Open now · until 7:00 PM"
    assert today_row(body).startswith("Tuesday")


def test_on_the_day_the_clocks_go_forward_times_say_their_offset(client, clock):
    OpeningHours.objects.create(weekday=6, opens=time(9), closes=time(13))
    clock(local(2027, 3, 14, 10))  # Sunday 14 March 2027: 02:00 PST became 03:00 PDT
    assert status_line(client.get("/find-us/").content.decode()) == "Open now · until 1:00 PM PDT"


def test_the_french_page_says_it_in_french(client, week, clock):
    clock(local(2027, 1, 5, 10))
    body = client.get("/fr/find-us/").content.decode()
    assert status_line(body) == "Ouvert en ce moment · jusqu’à 19\u00a0h\u00a000"
    assert today_row(body) == "mardi (aujourd’hui) 8\u00a0h\u00a000–19\u00a0h\u00a000"
    clock(local(2027, 1, 9, 14))
    body = client.get("/fr/find-us/").content.decode()
    assert status_line(body) == "Fermé en ce moment · ouvre lundi à 8\u00a0h\u00a000"


def test_without_hours_it_asks_to_call(client):
    body = client.get("/find-us/").content.decode()
    assert "Please call us for our opening hours." in body
    assert 'class="open-status' not in body and "is-today" not in body


def test_the_page_is_never_cached(client, week, clock):
    clock(local(2027, 1, 5, 10))
    first = client.get("/find-us/")
    assert "no-cache" in first["Cache-Control"] or "max-age=0" in first["Cache-Control"]
    clock(local(2027, 1, 5, 20))
    assert status_line(client.get("/find-us/").content.decode()).startswith("Closed now")


def test_the_footer_summary_groups_days_with_the_same_hours(week):
    assert week_summary(week_hours()) == ["Mon–Fri 8:00 AM–7:00 PM", "Sat 9:00 AM–1:00 PM"]


def test_the_footer_summary_keeps_split_days_apart():
    OpeningHours.objects.bulk_create(
        [
            OpeningHours(weekday=0, opens=time(8), closes=time(12)),
            OpeningHours(weekday=0, opens=time(14), closes=time(18)),
            OpeningHours(weekday=2, opens=time(8), closes=time(12)),
            OpeningHours(weekday=2, opens=time(14), closes=time(18)),
            OpeningHours(weekday=4, opens=time(20), closes=time(2)),
        ]
    )
    assert week_summary(week_hours()) == [
        "Mon 8:00 AM–12:00 PM, 2:00 PM–6:00 PM",
        "Wed 8:00 AM–12:00 PM, 2:00 PM–6:00 PM",
        "Fri 8:00 PM–2:00 AM",
    ]


def test_the_footer_include_shows_the_week_and_costs_no_query_until_shown(
    week, django_assert_num_queries
):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        context = clinic_context(request)
    html = render_to_string("includes/footer_hours.html", context)
    assert "Opening hours:" in html
    assert "Mon–Fri 8:00 AM–7:00 PM</span> · <span" in html
    assert "Open now" not in html and "Closed now" not in html


def test_the_footer_include_says_nothing_without_hours():
    html = render_to_string("includes/footer_hours.html", clinic_context(RequestFactory().get("/")))
    assert html.strip() == ""


def test_the_demo_clinic_has_a_demo_address_hours_and_a_closure_once(client, demo_data):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", allow_production=True, stdout=StringIO())  # a second run
    assert OpeningHours.objects.count() == 6
    (closure,) = Closure.objects.all()
    assert closure.reason_en.endswith("(demo closure)")
    assert closure.reason_fr.endswith("(fermeture de démonstration)")
    body = client.get("/find-us/").content.decode()
    assert "100 Example Street (demo address)" in body
    assert "San Francisco, CA 94110" in body
    assert 'href="https://www.openstreetmap.org/search?query=' in body
    french = client.get("/fr/find-us/").content.decode()
    assert "Texte de démonstration" in french and "(fermeture de démonstration)" in french
