"""Pages of free times from the page cache: fast for a repeat visitor, never a time just booked,
never missing a time just freed, and gone once the clock takes their first time out of reach."""

from datetime import datetime, time, timedelta

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import services
from bookings.forms import format_start
from bookings.models import (
    Appointment,
    BookingRules,
    Resource,
    ResourceNeed,
    ResourceUnavailability,
    TimeOff,
    WorkingHours,
)
from clinic.availability_version import bump_at_each_statement
from clinic.models import Closure, OpeningHours
from tests.bookings.conftest import LA, make_appointment, next_weekday_after
from tests.concurrency import run_at_once
from tests.triggers import tables_with_trigger

pytestmark = pytest.mark.django_db

# A page of free times served from the cache costs one query: both versions, in one statement.
HIT_QUERIES = 1


@pytest.fixture(autouse=True)
def bumped_at_each_statement(request):
    """The availability version is bumped at commit (clinic/availability_version.py), and a
    test's own transaction is never committed: in it, each statement bumps it, as its commit
    would. The tests with real commits (transaction=True) see the bump at commit itself."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("db")
    with connection.cursor() as cursor:
        bump_at_each_statement(cursor)


@pytest.fixture
def visitor():
    return Client()


@pytest.fixture
def day():
    return next_weekday_after(5, weekday=1)


@pytest.fixture
def slot_page(alex, follow_up, day):
    return f"/book/?service=follow-up&therapist={alex.pk}&day={day}"


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=LA)


def served_from_cache(client, path) -> bool:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries) == HIT_QUERIES and not response.templates


def test_a_second_look_at_the_times_is_served_from_the_cache(visitor, slot_page):
    first = visitor.get(slot_page)
    assert ">10:00 AM<" in first.content.decode()
    assert served_from_cache(visitor, slot_page)
    assert visitor.get(slot_page).content == first.content


@pytest.mark.parametrize(
    "path",
    [
        "/book/",
        "/book/?service=follow-up",
        "/book/?service=follow-up&therapist=any",
        "/fr/book/?service=follow-up&therapist=any",
    ],
)
def test_every_step_before_the_details_is_cached(visitor, alex, path):
    visitor.get(path)
    assert served_from_cache(visitor, path)


def test_visitors_with_a_session_and_the_details_step_are_never_served_from_the_cache(
    visitor, alex, slot_page, day
):
    visitor.get(slot_page)
    visitor.cookies["sessionid"] = "someone"
    assert not served_from_cache(visitor, slot_page)
    details = slot_page.replace("/book/", "/book/details/").replace(
        f"day={day}", f"start={format_start(at(day, 10))}"
    )
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(details).status_code == 200
        assert len(queries) > HIT_QUERIES


def test_a_time_just_booked_is_gone_from_the_next_page(visitor, slot_page, alex, follow_up, day):
    assert ">10:00 AM<" in visitor.get(slot_page).content.decode()
    make_appointment(therapist=alex, service=follow_up, starts_at=at(day, 10))
    body = visitor.get(slot_page).content.decode()
    assert ">10:00 AM<" not in body and ">10:30 AM<" in body


def test_a_time_just_freed_is_on_the_next_page(visitor, slot_page, alex, follow_up, day):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=at(day, 10))
    assert ">10:00 AM<" not in visitor.get(slot_page).content.decode()
    services.cancel_appointment(appointment=appointment, by_patient=False, notify=False)
    assert ">10:00 AM<" in visitor.get(slot_page).content.decode()


def test_the_day_list_counts_a_booking_at_once(visitor, alex, follow_up, day):
    week = day - timedelta(days=day.weekday())
    path = f"/book/?service=follow-up&therapist={alex.pk}&week={week}"
    assert "26 times" in visitor.get(path).content.decode()
    make_appointment(therapist=alex, service=follow_up, starts_at=at(day, 10))
    # 9:45, 10:00 and 10:15 would each overlap it.
    assert "23 times" in visitor.get(path).content.decode()


def change_hours(alex, day):
    WorkingHours.objects.filter(therapist=alex).update(start_time=time(11))


def time_off(alex, day):
    TimeOff.objects.create(therapist=alex, starts_at=at(day, 9), ends_at=at(day, 11))


def notice(alex, day):
    BookingRules.objects.update(minimum_notice_minutes=60 * 24 * 60)


def closure(alex, day):
    Closure.objects.create(first_day=day, last_day=day, reason="Staff training")


def clinic_hours(alex, day):
    OpeningHours.objects.create(weekday=day.weekday(), opens=time(11), closes=time(17))


def room_out_of_use(alex, day):
    room = Resource.objects.create(name="Room 1", kind=Resource.Kind.ROOM)
    ResourceNeed.objects.create(service=alex.services.get(slug="follow-up"), resource=room)
    ResourceUnavailability.objects.create(resource=room, starts_at=at(day, 9), ends_at=at(day, 11))


def no_longer_offered(alex, day):
    alex.services.clear()


@pytest.mark.parametrize(
    "change",
    [change_hours, time_off, notice, closure, clinic_hours, room_out_of_use, no_longer_offered],
)
def test_any_change_to_what_free_times_come_from_shows_at_once(
    visitor, slot_page, alex, day, change
):
    assert ">10:00 AM<" in visitor.get(slot_page).content.decode()
    change(alex, day)
    assert ">10:00 AM<" not in visitor.get(slot_page).content.decode()


def test_every_table_free_times_are_computed_from_bumps_the_availability_version():
    # A new bookings model that free_slots reads needs the trigger (bookings 0018) too.
    not_read = {
        "bookings_patient",
        "bookings_appointmentevent",
        "bookings_contactmessage",
        "bookings_carecourse",
        "bookings_intakequestion",
        "bookings_intakeform",
        "bookings_intakeview",
        "bookings_outgoingemail",
        "bookings_therapistphoto",
        "bookings_photorendition",
        "bookings_signinlink",
        "bookings_waitlistentry",
        "bookings_slotoffer",
    }
    models = apps.get_app_config("bookings").get_models(include_auto_created=True)
    tables = {model._meta.db_table for model in models} - not_read | {
        "clinic_openinghours",
        "clinic_closure",
        "clinic_clinicprofile",
    }
    assert tables_with_trigger("_availability_version") == tables
    # Each fires for every row written, at commit (bookings 0020), and TRUNCATE has its own.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgdeferrable AND tginitdeferred FROM pg_trigger "
            "WHERE tgname LIKE '%%availability_version'"
        )
        deferred = dict(cursor.fetchall())
        # (information_schema lists no TRUNCATE trigger.)
        cursor.execute(
            "SELECT relname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
            "WHERE tgname = relname || '_availability_version_truncate'"
        )
        truncated = {row[0] for row in cursor.fetchall()}
    assert deferred == {f"{table}_availability_version": True for table in tables}
    assert truncated == tables


def test_a_page_is_not_served_once_its_first_time_is_inside_the_notice(
    visitor, slot_page, day, monkeypatch
):
    body = visitor.get(slot_page).content.decode()
    assert ">9:00 AM<" in body
    notice = BookingRules.load().minimum_notice
    # A moment before 9:00 comes inside the notice, the cached page still holds...
    just_before = at(day, 9) - notice - timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: just_before)
    assert served_from_cache(visitor, slot_page) is False  # a minute at most: rendered again
    assert served_from_cache(visitor, slot_page)
    # ...and once it has, the page is rendered again, without 9:00.
    monkeypatch.setattr(timezone, "now", lambda: at(day, 9) - notice + timedelta(seconds=1))
    body = visitor.get(slot_page).content.decode()
    assert ">9:00 AM<" not in body and ">9:15 AM<" in body


def test_a_cached_page_is_kept_a_minute_at_most(visitor, slot_page, monkeypatch):
    visitor.get(slot_page)
    later = timezone.now() + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert not served_from_cache(visitor, slot_page)


@pytest.mark.django_db(transaction=True)
def test_a_booking_in_flight_shows_when_it_commits_not_before(alex, follow_up, day):
    """Real connections: the page cache in this thread, the booking in another's transaction."""
    path = f"/book/?service=follow-up&therapist={alex.pk}&day={day}"
    visitor = Client()
    assert ">10:00 AM<" in visitor.get(path).content.decode()
    seen_while_open = []

    def book_and_look_before_commit():
        with transaction.atomic():
            make_appointment(therapist=alex, service=follow_up, starts_at=at(day, 10))
            # Still uncommitted: another connection's page keeps the time, as the database does.
            outcome = run_at_once([lambda: Client().get(path).content.decode()])
            seen_while_open.append(outcome[0][1])
        return "booked"

    assert run_at_once([book_and_look_before_commit]) == [("ok", "booked")]
    assert ">10:00 AM<" in seen_while_open[0]
    assert ">10:00 AM<" not in visitor.get(path).content.decode()
    assert Appointment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_and_looks_never_leave_a_booked_time_on_the_page(alex, follow_up, day):
    path = f"/book/?service=follow-up&therapist={alex.pk}&day={day}"
    Client().get(path)
    starts = [at(day, hour) for hour in (9, 10, 11, 13)]
    jobs = [
        (
            lambda start=start: (
                make_appointment(
                    therapist=alex,
                    service=follow_up,
                    starts_at=start,
                    email=f"p{start.hour}@example.com",
                )
                and "booked"
            )
        )
        for start in starts
    ] + [lambda: Client().get(path).status_code for _ in range(4)]
    outcomes = run_at_once(jobs)
    assert [kind for kind, _ in outcomes] == ["ok"] * 8, outcomes
    body = Client().get(path).content.decode()
    for start in starts:
        label = f">{start.astimezone(LA):%-I:%M %p}<"
        assert label not in body, label
