"""Every date or time a request can carry, at the edges of the calendar: a message, never a 500.

Year 1 and year 9999 overflow when converted between zones or stepped a day (Python's datetime
ends at 9999-12-31; PostgreSQL's timestamps go further, and psycopg cannot read those back).
"""

from datetime import datetime, time

import pytest
from django.core import signing

from bookings.forms import REVIEW_SALT, format_start
from bookings.models import Appointment, Patient, TimeOff
from tests.bookings.conftest import LA, make_appointment, next_weekday_after

pytestmark = pytest.mark.django_db

DAYS = [
    "0001-01-01",
    "0000-01-01",
    "9999-12-31",
    "10000-01-01",
    "1999-12-31",
    "2101-01-01",
    "-1",
    "-2027-01-01",
    "99999999999999999999",
]
STARTS = [
    "00010101T0000Z",
    "00000101T0000Z",
    "99991231T2359Z",
    "19991231T2359Z",
    "21010101T0000Z",
    "-1",
    "-20270101T1000Z",
    "99999999999999999999",
]
WALL_CLOCK = [
    "0001-01-01T00:00",
    "0000-01-01T00:00",
    "9999-12-31T23:59",
    "10000-01-01T00:00",
    "-1",
    "99999999999999999999",
]
# The admin's date drill-down (date_hierarchy) reads ?<field>__year=&__month=&__day=.
HIERARCHY = [
    {"year": "9999", "month": "12", "day": "31"},
    {"year": "9999", "month": "12"},
    {"year": "9999"},
    {"year": "1", "month": "1", "day": "1"},
    {"year": "0"},
    {"year": "10000"},
    {"year": "-1"},
    {"year": "99999999999999999999"},
]


@pytest.fixture
def start():
    return datetime.combine(next_weekday_after(5, weekday=1), time(10), tzinfo=LA)


@pytest.fixture
def appointment(alex, follow_up, start):
    return make_appointment(therapist=alex, service=follow_up, starts_at=start)


def body(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("value", DAYS)
@pytest.mark.parametrize("name", ["day", "week"])
def test_a_booking_day_or_week_far_out_of_range_is_a_message(client, alex, follow_up, name, value):
    response = client.get("/book/", {"service": "follow-up", "therapist": alex.pk, name: value})
    assert response.status_code == 200
    assert "Enter a valid date." in body(response) or "That date is out of range" in body(response)


@pytest.mark.parametrize("value", STARTS)
@pytest.mark.parametrize("step", ["details", "review"])
def test_a_booking_start_far_out_of_range_is_a_message(client, alex, follow_up, step, value):
    query = {"service": "follow-up", "therapist": alex.pk, "start": value}
    response = client.get(f"/book/{step}/", query, follow=True)
    assert response.status_code == 200
    assert "That time is not valid; please choose a time below." in body(response)
    response = client.post(f"/book/{step}/?service=follow-up&therapist={alex.pk}&start={value}")
    assert response.status_code < 500
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize("value", STARTS)
def test_a_signed_confirm_cannot_carry_a_start_out_of_range(client, alex, follow_up, value):
    # Signed by us, but for a time we would never offer: the choices are still checked.
    details = {"name": "Pat", "email": "pat@example.com", "phone": "6505550100", "reason": ""}
    payload = {
        "v": 1,
        "choices": {"service": "follow-up", "therapist": str(alex.pk), "start": value},
        "details": details,
        "submission": "k" * 32,
    }
    payload["choices"]["condition"] = ""
    signed = signing.dumps(payload, salt=REVIEW_SALT, compress=True)
    response = client.post("/book/review/", {"booking": signed}, follow=True)
    assert response.status_code == 200
    assert "That time is not valid; please choose a time below." in body(response)
    assert Appointment.objects.count() == 0 and Patient.objects.count() == 0


@pytest.mark.parametrize("value", DAYS)
@pytest.mark.parametrize("name", ["day", "week"])
def test_a_reschedule_day_or_week_far_out_of_range_is_a_message(client, appointment, name, value):
    response = client.get(f"/appointments/{appointment.manage_token}/reschedule/", {name: value})
    assert response.status_code == 200
    assert "Enter a valid date." in body(response) or "That date is out of range" in body(response)


@pytest.mark.parametrize("value", STARTS)
def test_a_reschedule_start_far_out_of_range_is_a_message(client, appointment, start, value):
    url = f"/appointments/{appointment.manage_token}/reschedule/"
    response = client.get(url, {"start": value})
    assert response.status_code == 200
    assert "That time is not valid; please choose a time below." in body(response)
    response = client.post(url, {"start": value})
    assert response.status_code == 400
    assert "That time is not valid; please choose a time below." in body(response)
    appointment.refresh_from_db()
    assert appointment.starts_at == start


@pytest.mark.parametrize("value", DAYS)
@pytest.mark.parametrize("path", ["/schedule/", "/schedule/clinic/", "/schedule/day-sheet/"])
def test_a_schedule_date_far_out_of_range_is_a_message(client, front_desk_user, alex, path, value):
    client.force_login(front_desk_user)
    response = client.get(path, {"date": value, "therapist": alex.pk})
    assert response.status_code == 200
    assert "That date is not valid (use YYYY-MM-DD); showing today." in body(response)


@pytest.mark.parametrize("value", WALL_CLOCK)
@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
def test_time_off_far_out_of_range_is_a_form_error(client, alex_user, alex, field, value):
    client.force_login(alex_user)
    data = {
        "therapist": alex.pk,
        "starts_at": "2027-01-04T09:00",
        "ends_at": "2027-01-04T12:00",
        field: value,
    }
    response = client.post("/schedule/time-off/", data)
    assert response.status_code == 400
    assert "Enter a date and time, e.g. 2026-12-01 14:30." in body(response)
    assert not TimeOff.objects.exists()


# --- the admin ----------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("parts", HIERARCHY)
@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/admin/bookings/appointment/", "starts_at"),
        ("/admin/bookings/timeoff/", "starts_at"),
        ("/admin/bookings/outgoingemail/", "created_at"),
        ("/admin/conditions/condition/", "updated_at"),
        ("/admin/conditions/searchmiss/", "last_seen"),
    ],
)
def test_the_admins_date_drill_down_far_out_of_range_is_no_error(
    staff_client, appointment, path, field, parts
):
    query = {f"{field}__{part}": value for part, value in parts.items()}
    response = staff_client.get(path, query, follow=True)
    assert response.status_code == 200, (path, query)


ADMIN_DATETIMES = [
    ("9999-12-31", "23:59:00"),
    ("0001-01-01", "00:00:00"),
    ("1999-12-31", "23:00:00"),
    ("2101-01-01", "00:00:00"),
]


@pytest.mark.parametrize(("day", "clock"), ADMIN_DATETIMES)
def test_the_admin_books_no_appointment_far_out_of_range(staff_client, alex, follow_up, day, clock):
    patient = Patient.objects.create(name="Walk In", email="walk@example.com", phone="6505550100")
    response = staff_client.post(
        "/admin/bookings/appointment/add/",
        {
            "therapist": alex.pk,
            "service": follow_up.pk,
            "patient": patient.pk,
            "starts_at_0": day,
            "starts_at_1": clock,
            "status": "booked",
            "reason": "",
            "condition": "",
        },
    )
    assert response.status_code == 200
    assert "That date is out of range" in body(response)
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(("day", "clock"), ADMIN_DATETIMES)
@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
def test_the_admin_blocks_no_time_off_far_out_of_range(staff_client, alex, field, day, clock):
    data = {
        "therapist": alex.pk,
        "starts_at_0": "2027-01-04",
        "starts_at_1": "09:00:00",
        "ends_at_0": "2027-01-04",
        "ends_at_1": "12:00:00",
        "reason": "",
    }
    data.update({f"{field}_0": day, f"{field}_1": clock})
    if field == "starts_at":
        data.update({"ends_at_0": "2102-01-01", "ends_at_1": "00:00:00"})
    response = staff_client.post("/admin/bookings/timeoff/add/", data)
    assert response.status_code == 200
    assert "That date is out of range" in body(response)
    assert not TimeOff.objects.exists()


def test_an_edge_of_the_range_still_works(client, alex, follow_up):
    # The last day in range is an ordinary, empty day: no free times, no error.
    response = client.get(
        "/book/", {"service": "follow-up", "therapist": alex.pk, "day": "2100-12-31"}
    )
    assert response.status_code == 200 and "No free times left on this day." in body(response)
    start = format_start(datetime(2100, 12, 31, 10, tzinfo=LA))
    response = client.get(
        "/book/details/", {"service": "follow-up", "therapist": alex.pk, "start": start}
    )
    assert response.status_code == 409
    assert "That time is not available any more." in body(response)
