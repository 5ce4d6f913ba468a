"""The staff schedule: day and week views, the clinic day, the day sheet, attendance.

Roles: Alex (therapist A) reads their own schedule; Sam (therapist B) is a colleague; the front
desk reads everyone's. Who may see what is tested in test_permissions.py.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import services
from bookings.availability import local_today
from bookings.models import Appointment, AppointmentEvent, TimeOff
from conditions.models import Condition
from tests.bookings.conftest import LA, local, make_appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return local_today()


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=LA)


def book(therapist, service, starts_at, *, name="Pat Example", email=None, **kwargs):
    # In UTC: an ambiguous local time with fold=1 never compares equal across zones (PEP 495).
    starts_at = starts_at.astimezone(UTC)
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=services.PatientDetails(
            name=name, email=email or f"{name.split()[0].lower()}@example.com", phone="650 555 0100"
        ),
        now=starts_at - timedelta(days=3),
        notify=False,
        **kwargs,
    )


@pytest.fixture
def alex_client(client, alex_user):
    client.force_login(alex_user)
    return client


@pytest.fixture
def desk_client(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


# --- day and week views -------------------------------------------------------------------------


def test_it_shows_the_days_appointments_with_what_the_therapist_needs(
    alex_client, alex, follow_up, today
):
    condition = Condition.objects.create(
        title="Calf Cramps", slug="calf-cramps", summary="Cramps", status="published"
    )
    book(
        alex,
        follow_up,
        at(today, 10),
        name="Dana Patient",
        reason="Cramps at night",
        condition=condition,
    )
    body = alex_client.get(f"/schedule/?date={today}").content.decode()
    assert "Dana Patient" in body
    assert 'href="tel:6505550100"' in body
    assert "Follow up" in body
    assert "Cramps at night" in body
    assert 'href="/conditions/calf-cramps/"' in body
    assert "Booked" in body
    assert "10:00 AM–10:30 AM" in body
    assert "times in Pacific time" in body


def test_staff_see_the_name_and_phone_typed_for_each_appointment(
    desk_client, alex, follow_up, today
):
    from bookings.models import Patient

    Patient.objects.create(name="Pat Real", email="pat@example.com", phone="650 555 0100")
    real = book(alex, follow_up, at(today, 9), name="Pat Real", email="pat@example.com")
    other = services.book_appointment(
        service=follow_up,
        therapist=alex,
        starts_at=at(today, 11).astimezone(UTC),
        patient=services.PatientDetails(
            name="Someone Else", email="PAT@example.com", phone="+1 900 555 0666"
        ),
        now=at(today, 11) - timedelta(days=3),
        notify=False,
    )
    day = desk_client.get(f"/schedule/?date={today}&therapist={alex.pk}").content.decode()
    assert "Someone Else" in day and 'href="tel:+19005550666"' in day
    assert "Pat Real" in day and 'href="tel:6505550100"' in day
    page = desk_client.get(f"/schedule/appointments/{other.pk}/").content.decode()
    assert "<h1>Someone Else</h1>" in page and 'href="tel:+19005550666"' in page
    # The patient record it was matched to, by email, is shown apart.
    assert "Pat Real" in page and "650 555 0100" in page
    page = desk_client.get(f"/schedule/appointments/{real.pk}/").content.decode()
    assert "900-555-0666" not in page and "Someone Else" not in page
    sheet = desk_client.get(
        f"/schedule/day-sheet/?date={today}&therapist={alex.pk}"
    ).content.decode()
    assert "Someone Else" in sheet and "+1 900-555-0666" in sheet  # formatted


def test_it_defaults_to_today_in_the_clinics_zone(alex_client, today):
    body = alex_client.get("/schedule/").content.decode()
    assert f"{today:%A} {today.day} {today:%B} {today.year}" in body


def test_it_says_when_a_day_is_empty(alex_client, alex):
    body = alex_client.get("/schedule/?date=2026-12-01").content.decode()
    assert "No appointments on Tuesday 1 December." in body


@pytest.mark.parametrize(
    "value", ["2026-02-30", "yesterday", "0001-01-01", "9999-12-31", "x" * 300]
)
def test_a_bad_date_is_a_message_and_today(alex_client, value, today):
    response = alex_client.get("/schedule/", {"date": value})
    assert response.status_code == 200
    body = response.content.decode()
    assert "That date is not valid" in body
    assert f"{today:%A} {today.day} {today:%B}" in body


def test_previous_today_and_next_step_a_day_or_a_week(alex_client):
    body = alex_client.get("/schedule/?date=2026-12-01").content.decode()
    assert 'href="/schedule/?date=2026-11-30"' in body
    assert 'href="/schedule/?date=2026-12-02"' in body
    assert 'href="/schedule/">Today' in body
    body = alex_client.get("/schedule/?date=2026-12-01&view=week").content.decode()
    assert 'href="/schedule/?date=2026-11-24&amp;view=week"' in body
    assert 'href="/schedule/?date=2026-12-08&amp;view=week"' in body


def test_the_week_view_shows_monday_to_sunday(alex_client, alex, follow_up):
    book(alex, follow_up, local(2026, 12, 1, 10), name="Tuesday Person")
    book(alex, follow_up, local(2026, 12, 6, 15), name="Sunday Person")
    book(alex, follow_up, local(2026, 12, 7, 9), name="Next Monday")
    body = alex_client.get("/schedule/?date=2026-12-03&view=week").content.decode()
    # A time grid, one column a day (bookings/grid.py; tests/bookings/test_grid.py).
    assert body.count('class="tg-col"') == 7
    monday, sunday = body.index('id="day-20261130"'), body.index('id="day-20261206"')
    assert monday < body.index("Tuesday Person") < sunday < body.index("Sunday Person")
    assert "Next Monday" not in body


def test_it_shows_time_off_and_cancelled_appointments(alex_client, alex, follow_up):
    cancelled = book(alex, follow_up, local(2026, 12, 1, 10), name="Gone Person")
    services.cancel_appointment(appointment=cancelled, by_patient=False, notify=False)
    TimeOff.objects.create(
        therapist=alex,
        starts_at=local(2026, 12, 1, 13),
        ends_at=local(2026, 12, 1, 15),
        reason="Training",
    )
    body = alex_client.get("/schedule/?date=2026-12-01").content.decode()
    assert "Gone Person" in body and "Cancelled" in body
    assert "Time off" in body and "Training" in body and "1:00 PM–3:00 PM" in body


def test_appointments_on_the_days_the_clocks_change_are_on_the_right_day(
    alex_client, alex, follow_up
):
    # 2027-03-14: 02:00 PST jumps to 03:00 PDT; 2027-11-07: 02:00 PDT falls back to 01:00 PST.
    alex.working_hours.filter(start_time=time(13)).delete()
    alex.working_hours.update(start_time=time(0), end_time=time(23, 59))
    book(alex, follow_up, local(2027, 3, 14, 23), name="Late Spring")
    book(alex, follow_up, local(2027, 11, 7, 1, 30, fold=1), name="Second Hour")
    spring = alex_client.get("/schedule/?date=2027-03-14").content.decode()
    assert "Late Spring" in spring and "11:00 PM" in spring
    autumn = alex_client.get("/schedule/?date=2027-11-07").content.decode()
    # 1:30 AM happens twice that night: the page names which one.
    assert "Second Hour" in autumn and "1:30 AM PST" in autumn
    assert "Late Spring" not in alex_client.get("/schedule/?date=2027-03-15").content.decode()


def test_the_repeated_hour_is_named_on_every_schedule_page(desk_client, follow_up):
    from tests.bookings.conftest import make_therapist

    night = make_therapist(
        "Night Owl", services_offered=[follow_up], hours=[(time(0), time(3))], weekdays=[6]
    )
    book(night, follow_up, local(2027, 11, 7, 1, 0), name="First Hour")
    second = book(night, follow_up, local(2027, 11, 7, 1, 0, fold=1), name="Second Hour")
    services.block_time_off(
        therapist=night,
        starts_at=local(2027, 11, 7, 1, 30, fold=1).astimezone(UTC),
        ends_at=local(2027, 11, 7, 2, 30).astimezone(UTC),
        now=local(2027, 11, 1, 9),
    )
    day = desk_client.get(f"/schedule/?date=2027-11-07&therapist={night.pk}").content.decode()
    assert "1:00 AM PDT–1:30 AM PDT" in day and "1:00 AM PST–1:30 AM PST" in day
    assert "1:30 AM PST–2:30 AM PST" in day  # the time off, after the second 1:00 AM
    sheet = desk_client.get(
        f"/schedule/day-sheet/?date=2027-11-07&therapist={night.pk}"
    ).content.decode()
    assert "1:00 AM PDT–1:30 AM PDT" in sheet and "1:00 AM PST–1:30 AM PST" in sheet
    appointment = desk_client.get(f"/schedule/appointments/{second.pk}/").content.decode()
    assert "1:00 AM PST–1:30 AM PST" in appointment and "PDT" not in appointment
    time_off = desk_client.get(f"/schedule/time-off/?therapist={night.pk}").content.decode()
    assert "Sun 7 Nov, 1:30 AM PST – Sun 7 Nov, 2:30 AM PST" in time_off


def test_the_page_makes_the_same_number_of_queries_whatever_it_shows(
    client, alex_user, front_desk_user, alex, sam, follow_up
):
    def count(user, path):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    paths = {
        alex_user: [
            "/schedule/?date=2026-12-01",
            "/schedule/?date=2026-12-01&view=week",
            "/schedule/day-sheet/?date=2026-12-01",
        ],
        front_desk_user: [
            f"/schedule/?date=2026-12-01&therapist={alex.pk}",
            "/schedule/clinic/?date=2026-12-01",
        ],
    }
    book(alex, follow_up, local(2026, 12, 1, 16), name="First Person")
    before = {(user, path): count(user, path) for user, pages in paths.items() for path in pages}
    for hour, name in [(9, "One"), (10, "Two"), (11, "Three"), (14, "Four"), (15, "Five")]:
        appointment = book(alex, follow_up, local(2026, 12, 1, hour), name=f"{name} Person")
        book(sam, follow_up, local(2026, 12, 1, hour), name=f"Other {name}")
        services.mark_attendance(appointment=appointment, attended=True)
        TimeOff.objects.create(
            therapist=alex, starts_at=local(2026, 12, 2, hour), ends_at=local(2026, 12, 2, hour, 30)
        )
    after = {(user, path): count(user, path) for user, pages in paths.items() for path in pages}
    assert after == before
    # And few: session, user, therapist, groups, the frame (profile, footer pages and hours),
    # then the page's own reads (the clinic day: its waiting list too).
    assert max(after.values()) <= 14, after


# --- the clinic day and the day sheet -----------------------------------------------------------


def test_the_clinic_day_has_one_column_per_therapist(desk_client, alex, sam, follow_up):
    book(alex, follow_up, local(2026, 12, 1, 10), name="Alex Patient")
    book(sam, follow_up, local(2026, 12, 1, 10), name="Sam Patient")
    body = desk_client.get("/schedule/clinic/?date=2026-12-01").content.decode()
    # A time grid (bookings/grid.py; tests/bookings/test_grid.py).
    assert body.count('class="tg-col"') == 2
    alex_column = body.index(f'id="therapist-{alex.pk}"')
    sam_column = body.index(f'id="therapist-{sam.pk}"')
    assert alex_column < body.index("Alex Patient") < sam_column < body.index("Sam Patient")


def test_the_day_sheet_is_a_table_without_site_navigation(alex_client, alex, follow_up):
    book(alex, follow_up, local(2026, 12, 1, 10), name="Sheet Person")
    response = alex_client.get("/schedule/day-sheet/?date=2026-12-01")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<table" in body and "Sheet Person" in body and "650 555 0100" in body
    assert "Tuesday 1 December 2026" in body
    assert "schedule-tabs" not in body  # no schedule navigation to print
    assert "css/schedule.css" in body


# --- attendance ---------------------------------------------------------------------------------


def test_marking_attended_is_a_post_that_redirects_back_with_a_message(
    alex_client, alex, follow_up, today
):
    appointment = book(alex, follow_up, at(today, 9))
    response = alex_client.post(
        f"/schedule/appointments/{appointment.pk}/attendance/",
        {"outcome": "attended", "next": f"/schedule/?date={today}"},
    )
    assert response.status_code == 302 and response["Location"] == f"/schedule/?date={today}"
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ATTENDED
    body = alex_client.get(response["Location"]).content.decode()
    assert "Pat Example marked as attended." in body
    assert "Undo attended" in body


def test_a_no_show_can_be_marked_and_undone_the_same_day(alex_client, alex, follow_up, today):
    appointment = book(alex, follow_up, at(today, 9))
    alex_client.post(f"/schedule/appointments/{appointment.pk}/attendance/", {"outcome": "no_show"})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW
    response = alex_client.post(f"/schedule/appointments/{appointment.pk}/undo/")
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_undo_is_refused_after_the_day_it_was_recorded(alex, follow_up, today):
    appointment = book(alex, follow_up, at(today, 9) - timedelta(days=2))
    services.mark_attendance(appointment=appointment, attended=True, allow_before_the_day=False)
    AppointmentEvent.objects.filter(appointment=appointment).update(
        created_at=at(today, 9) - timedelta(days=1)
    )
    with pytest.raises(ValidationError) as error:
        services.undo_attendance(appointment=appointment)
    assert error.value.code == "undo_too_late"
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ATTENDED


def test_the_schedule_says_why_an_undo_was_refused(alex_client, alex, follow_up, today):
    appointment = book(alex, follow_up, at(today, 9) - timedelta(days=2))
    services.mark_attendance(appointment=appointment, attended=True)
    AppointmentEvent.objects.filter(appointment=appointment).update(
        created_at=at(today, 9) - timedelta(days=1)
    )
    response = alex_client.post(f"/schedule/appointments/{appointment.pk}/undo/", follow=True)
    assert "only be undone on the day it was recorded" in response.content.decode()


def test_a_cancelled_appointment_cannot_be_marked(alex_client, alex, follow_up, today):
    appointment = book(alex, follow_up, at(today, 9))
    services.cancel_appointment(appointment=appointment, by_patient=False, notify=False)
    body = alex_client.get(f"/schedule/?date={today}").content.decode()
    assert "No-show:" not in body
    response = alex_client.post(
        f"/schedule/appointments/{appointment.pk}/attendance/",
        {"outcome": "attended"},
        follow=True,
    )
    assert "This appointment is cancelled." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_a_future_days_appointment_cannot_be_marked_yet(alex_client, alex, follow_up, today):
    appointment = book(alex, follow_up, at(today + timedelta(days=2), 10))
    body = alex_client.get(f"/schedule/?date={today + timedelta(days=2)}").content.decode()
    assert "Attended:" not in body
    response = alex_client.post(
        f"/schedule/appointments/{appointment.pk}/attendance/",
        {"outcome": "attended"},
        follow=True,
    )
    assert "from the day of the appointment" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_a_later_appointment_today_can_be_marked(alex, follow_up, today):
    appointment = book(alex, follow_up, at(today, 16))
    marked = services.mark_attendance(
        appointment=appointment, attended=False, allow_before_the_day=False, now=at(today, 8)
    )
    assert marked.status == Appointment.Status.NO_SHOW


def test_a_bad_outcome_changes_nothing(alex_client, alex, follow_up, today):
    appointment = book(alex, follow_up, at(today, 9))
    response = alex_client.post(
        f"/schedule/appointments/{appointment.pk}/attendance/", {"outcome": "maybe"}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_a_next_outside_the_schedule_is_ignored(alex_client, alex, follow_up, today):
    appointment = book(alex, follow_up, at(today, 9))
    for target in ["https://evil.example/", "//evil.example/schedule/", "/admin/"]:
        response = alex_client.post(
            f"/schedule/appointments/{appointment.pk}/undo/", {"next": target}
        )
        assert response["Location"] == f"/schedule/?date={today}", target


def test_get_is_refused_on_the_actions(alex_client, alex, follow_up, today):
    appointment = book(alex, follow_up, at(today, 9))
    assert (
        alex_client.get(f"/schedule/appointments/{appointment.pk}/attendance/").status_code == 405
    )
    assert alex_client.get(f"/schedule/appointments/{appointment.pk}/undo/").status_code == 405


def test_the_appointment_page_shows_its_history(alex_client, alex_user, alex, follow_up, today):
    appointment = book(alex, follow_up, at(today, 9))
    services.mark_attendance(appointment=appointment, attended=True, actor=alex_user)
    body = alex_client.get(f"/schedule/appointments/{appointment.pk}/").content.decode()
    assert "Booked online for" in body
    assert "by the patient online" in body
    assert "Attended:" in body and "by alex" in body
    assert body.index("Booked online for") < body.index("Attended:")


def test_make_appointment_helper_still_books(alex, follow_up):
    # The shared helper books through the services, with its history.
    appointment = make_appointment(
        therapist=alex, service=follow_up, starts_at=local(2026, 12, 1, 10)
    )
    assert list(appointment.events.values_list("action", flat=True)) == ["booked"]


# --- hostile input, logged in -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["therapist", "front_desk"])
def test_hostile_input_never_breaks_a_schedule_page(
    client, alex_user, front_desk_user, alex, follow_up, today, role
):
    from tests.clinic.test_hostile_input import FIELDS, PAYLOADS, SCRIPT

    appointment = book(alex, follow_up, at(today, 9))
    client.force_login(alex_user if role == "therapist" else front_desk_user)
    paths = [
        "/schedule/",
        "/schedule/clinic/",
        "/schedule/day-sheet/",
        "/schedule/time-off/",
        f"/schedule/appointments/{appointment.pk}/",
        f"/schedule/appointments/{appointment.pk}/attendance/",
        f"/schedule/appointments/{appointment.pk}/undo/",
        "/schedule/time-off/999999/remove/",
    ]
    fields = [*FIELDS, "view", "outcome", "ends_at"]
    for path in paths:
        for payload in PAYLOADS:
            for response in (
                client.get(path, dict.fromkeys(fields, payload)),
                client.post(path, dict.fromkeys(fields, payload)),
            ):
                assert response.status_code < 500, (path, payload)
                assert SCRIPT not in response.content.decode(errors="replace"), path
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
