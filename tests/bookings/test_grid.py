"""The front desk's time grid: blocks and gaps where the real instants are (the DST days too),
booking a caller into a gap, moving and cancelling from it, and who may do it.

The grid in Chromium (keyboard only, 360 px, axe) is tests/e2e/test_grid.py.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import grid, services
from bookings.models import (
    Appointment,
    OutgoingEmail,
    Resource,
    ResourceNeed,
    ResourceUnavailability,
    TimeOff,
)
from clinic.models import Closure
from tests.bookings.conftest import local, make_therapist

pytestmark = pytest.mark.django_db

DAY = date(2027, 1, 12)  # a Tuesday
BEFORE = local(2027, 1, 1, 9)
SPRING_FORWARD = date(2027, 3, 14)
FALL_BACK = date(2027, 11, 7)


def book(therapist, service, starts_at, *, name="Pat Example", email=None, now=BEFORE):
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at.astimezone(UTC),
        patient=services.PatientDetails(
            name=name, email=email or f"{name.split()[0].lower()}@example.com", phone="650 555 0100"
        ),
        now=now,
        notify=False,
        source=Appointment.Source.FRONT_DESK,
    )


def blocks(column, kind):
    return [(block.row, block.rows) for block in column.blocks if block.kind == kind]


def spans(column, kind):
    return [(block.starts_at, block.ends_at) for block in column.blocks if block.kind == kind]


# --- what the grid shows -----------------------------------------------------------------------


def test_a_day_shows_appointments_time_off_closed_hours_and_the_free_gaps(alex, follow_up, massage):
    book(alex, follow_up, local(2027, 1, 12, 10))
    # 45 minutes and a 15-minute buffer: the next free time is 12:00, not 11:45.
    book(alex, massage, local(2027, 1, 12, 11), name="Robin Massage")
    TimeOff.objects.create(
        therapist=alex, starts_at=local(2027, 1, 12, 14), ends_at=local(2027, 1, 12, 15)
    )
    day = grid.clinic_day(day=DAY, therapists=[alex], now=BEFORE)
    # Working 9-12 and 13-17: the rows run 9:00 to 17:00, 32 of them after the header.
    assert day.row_count == 32
    assert day.rows[0] == "9:00 AM" and day.rows[1] == "" and day.rows[4] == "10:00 AM"
    (column,) = day.columns
    assert blocks(column, "appointment") == [(6, 2), (10, 3)]
    assert spans(column, "free") == [
        (local(2027, 1, 12, 9), local(2027, 1, 12, 10)),
        (local(2027, 1, 12, 10, 30), local(2027, 1, 12, 11)),
        (local(2027, 1, 12, 13), local(2027, 1, 12, 14)),
        (local(2027, 1, 12, 15), local(2027, 1, 12, 17)),
    ]
    assert blocks(column, "closed") == [(14, 4)]
    assert blocks(column, "time_off") == [(22, 4)]
    # In time order, so a screen reader and the Tab key go down the day.
    assert [block.starts_at for block in column.blocks] == sorted(
        block.starts_at for block in column.blocks
    )


def test_a_cancelled_appointment_frees_its_time_and_is_counted(alex, follow_up):
    appointment = book(alex, follow_up, local(2027, 1, 12, 10))
    services.cancel_appointment(appointment=appointment, by_patient=False, notify=False)
    (column,) = grid.clinic_day(day=DAY, therapists=[alex], now=BEFORE).columns
    assert blocks(column, "appointment") == []
    assert column.cancelled == 1
    assert spans(column, "free")[0] == (local(2027, 1, 12, 9), local(2027, 1, 12, 12))


def test_the_past_part_of_today_is_not_offered(alex):
    now = local(2027, 1, 12, 10, 7)
    (column,) = grid.clinic_day(day=DAY, therapists=[alex], now=now).columns
    # From the next quarter hour on.
    assert spans(column, "free")[0] == (local(2027, 1, 12, 10, 15), local(2027, 1, 12, 12))


def test_the_clinics_closures_and_hours_bound_every_column(alex):
    Closure.objects.create(first_day=DAY, last_day=DAY, reason="Staff training")
    day = grid.clinic_day(day=DAY, therapists=[alex], now=BEFORE)
    (column,) = day.columns
    assert spans(column, "free") == []
    assert blocks(column, "closed") == [(2, 32)]
    assert [closure.reason for closure in day.closures] == ["Staff training"]


@pytest.mark.parametrize(
    ("day", "rows", "labels", "appointment_at", "row"),
    [
        # 00:00-04:00 on the clocks is three real hours: 2:00-3:00 never happens.
        (
            SPRING_FORWARD,
            12,
            ["12:00 AM PST", "1:00 AM PST", "3:00 AM PDT"],
            local(2027, 3, 14, 3),
            10,
        ),
        # ... and five the night they go back: 1:00-2:00 happens twice.
        (
            FALL_BACK,
            20,
            ["12:00 AM PDT", "1:00 AM PDT", "1:00 AM PST", "2:00 AM PST", "3:00 AM PST"],
            local(2027, 11, 7, 1, 30, fold=1),
            12,
        ),
    ],
)
def test_the_dst_days_rows_are_real_quarter_hours(
    follow_up, day, rows, labels, appointment_at, row
):
    night = make_therapist("Nora Night", services_offered=[follow_up], hours=((time(0), time(4)),))
    book(night, follow_up, appointment_at, now=local(2027, 1, 1))
    day_grid = grid.clinic_day(day=day, therapists=[night], now=local(2027, 1, 1))
    assert day_grid.row_count == rows
    assert [label for label in day_grid.rows if label] == labels
    (column,) = day_grid.columns
    assert blocks(column, "appointment") == [(row, 2)]
    # Every free quarter hour is a real one: the free time adds up to the hours worked, less 30 min.
    free = sum((end - start for start, end in spans(column, "free")), timedelta())
    assert free == timedelta(minutes=15 * rows - 30)


@pytest.mark.parametrize("day", [SPRING_FORWARD, FALL_BACK])
def test_a_daytime_grid_on_a_dst_day_puts_nine_oclock_at_nine(alex, follow_up, day):
    book(alex, follow_up, datetime.combine(day, time(9), tzinfo=local(2027, 1, 1).tzinfo))
    day_grid = grid.clinic_day(day=day, therapists=[alex], now=local(2027, 1, 1))
    assert day_grid.rows[0].startswith("9:00 AM") and day_grid.row_count == 32
    assert blocks(day_grid.columns[0], "appointment") == [(2, 2)]


def test_a_week_is_one_column_a_day(alex, follow_up):
    book(alex, follow_up, local(2027, 1, 14, 9, 30))
    days = [date(2027, 1, 11) + timedelta(days=offset) for offset in range(7)]
    week = grid.therapist_week(therapist=alex, days=days, now=BEFORE)
    assert [column.day for column in week.columns] == days
    assert blocks(week.columns[3], "appointment") == [(4, 2)]
    assert blocks(week.columns[0], "appointment") == []


def test_the_grid_costs_the_same_queries_for_one_therapist_or_many(follow_up, alex):
    others = [make_therapist(f"Other {n}", services_offered=[follow_up]) for n in range(6)]
    for therapist in [alex, *others]:
        book(therapist, follow_up, local(2027, 1, 12, 10), email=f"pat{therapist.pk}@example.com")
    counts = []
    for therapists in ([alex], [alex, *others]):
        with CaptureQueriesContext(connection) as queries:
            grid.clinic_day(day=DAY, therapists=therapists, now=BEFORE)
        counts.append(len(queries))
    assert counts == [5, 5]


def test_the_rooms_view_shows_what_holds_each_room(alex, sam, massage):
    room = Resource.objects.create(name="Room 1", kind="room")
    device = Resource.objects.create(name="Shockwave unit", kind="device")
    ResourceNeed.objects.create(service=massage, kind="room")
    ResourceUnavailability.objects.create(
        resource=device,
        starts_at=local(2027, 1, 12, 9),
        ends_at=local(2027, 1, 12, 11),
        reason="Service visit",
    )
    book(sam, massage, local(2027, 1, 12, 10), name="Robin Massage")
    day = grid.rooms_day(day=DAY, now=BEFORE)
    by_name = {column.title: column for column in day.columns}
    (held,) = [block for block in by_name["Room 1"].blocks if block.kind == "appointment"]
    assert held.appointment.patient_name == "Robin Massage" and held.therapist == sam
    assert spans(by_name["Shockwave unit"], "unavailable") == [
        (local(2027, 1, 12, 9), local(2027, 1, 12, 11))
    ]
    assert room.pk and device.pk


def test_the_stylesheet_places_every_row_a_day_can_have():
    css = (Path(settings.BASE_DIR) / "static/css/grid.css").read_text()
    starts = {int(n) for n in re.findall(r"\.gr-(\d+)\{grid-row-start:\1\}", css)}
    spans_ = {int(n) for n in re.findall(r"\.gs-(\d+)\{grid-row-end:span \1\}", css)}
    assert starts >= set(range(2, grid.MAX_ROWS + 2))
    assert spans_ >= set(range(1, grid.MAX_ROWS + 1))


# --- the pages -----------------------------------------------------------------------------------


@pytest.fixture
def desk_client(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


def gap_link(body: str, therapist) -> str:
    match = re.search(rf'href="(/schedule/book/\?therapist={therapist.pk}&amp;start=[^"]+)"', body)
    assert match, "no Book link for this therapist"
    return match[1].replace("&amp;", "&")


def test_the_clinic_day_is_a_grid_with_a_book_link_per_gap(desk_client, alex, sam, follow_up):
    book(alex, follow_up, local(2027, 1, 12, 10), name="Alex Patient")
    body = desk_client.get(f"/schedule/clinic/?date={DAY}").content.decode()
    assert body.count('class="tg-col"') == 2
    assert "Alex Patient" in body and "Sam Okafor" in body
    # Alex: 9-10, 10:30-12, 13-17; Sam: 9-12, 13-17.
    assert body.count('href="/schedule/book/?therapist=') == 5
    assert 'class="tg-block tg-appointment tg-status-booked gr-6 gs-2"' in body


def test_the_rooms_view_has_one_column_per_room(desk_client, alex):
    Resource.objects.create(name="Room 1", kind="room")
    Resource.objects.create(name="Gym", kind="room")
    body = desk_client.get(f"/schedule/clinic/?date={DAY}&by=rooms").content.decode()
    assert body.count('class="tg-col"') == 2 and "Gym" in body
    assert "/schedule/book/" not in body


def new_patient(**extra):
    return {
        "patient": "new",
        "new-name": "Casey Caller",
        "new-email": "casey@example.com",
        "new-phone": "650 555 0123",
        "new-phone_country": "US",
        "reason": "Sore knee after running",
        **extra,
    }


def test_the_front_desk_books_a_new_caller_into_a_gap(desk_client, alex, follow_up):
    body = desk_client.get(f"/schedule/clinic/?date={DAY}").content.decode()
    url = gap_link(body, alex)
    page = desk_client.get(url)
    assert page.status_code == 200
    assert "Book a caller with Alex Rivera" in page.content.decode()
    start = local(2027, 1, 12, 9, 30).astimezone(local(2027, 1, 1).tzinfo).isoformat()
    response = desk_client.post(url, new_patient(service=follow_up.pk, starts_at=start))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#therapist-{alex.pk}")
    appointment = Appointment.objects.get()
    assert appointment.source == Appointment.Source.PHONE
    assert appointment.starts_at == local(2027, 1, 12, 9, 30)
    assert appointment.patient.phone == "+16505550123"
    assert appointment.events.get().detail.startswith("Booked by phone")
    assert OutgoingEmail.objects.filter(
        appointment=appointment, recipient="casey@example.com", kind="booked"
    ).exists()
    followed = desk_client.get(response["Location"]).content.decode()
    assert "Casey Caller is booked for Follow up with Alex Rivera" in followed


def test_a_returning_caller_is_found_by_phone_and_booked(desk_client, alex, follow_up):
    book(alex, follow_up, local(2027, 1, 5, 10), name="Jordan Returning")
    url = gap_link(desk_client.get(f"/schedule/clinic/?date={DAY}").content.decode(), alex)
    found = desk_client.get(url + "&q=555 0100").content.decode()
    patient = Appointment.objects.get().patient
    assert "Jordan Returning" in found and f'value="{patient.pk}"' in found
    start = local(2027, 1, 12, 9).isoformat()
    response = desk_client.post(
        url, {"q": "555 0100", "patient": patient.pk, "service": follow_up.pk, "starts_at": start}
    )
    assert response.status_code == 302
    assert Appointment.objects.filter(patient=patient).count() == 2


def test_a_service_that_runs_past_the_gap_is_a_clear_error(desk_client, alex, follow_up, massage):
    book(alex, follow_up, local(2027, 1, 12, 10))
    url = gap_link(desk_client.get(f"/schedule/clinic/?date={DAY}").content.decode(), alex)
    start = local(2027, 1, 12, 9, 30).isoformat()
    response = desk_client.post(url, new_patient(service=massage.pk, starts_at=start))
    assert response.status_code == 200
    assert "runs past this free time, which ends at 10:00 AM" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_missing_new_patient_details_book_nothing(desk_client, alex, follow_up):
    url = gap_link(desk_client.get(f"/schedule/clinic/?date={DAY}").content.decode(), alex)
    data = new_patient(service=follow_up.pk, starts_at=local(2027, 1, 12, 9).isoformat())
    data["new-phone"] = "12"
    response = desk_client.post(url, data)
    assert response.status_code == 200
    assert "Enter the new patient" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_gap_taken_since_the_grid_was_shown_books_nothing(desk_client, alex, follow_up):
    url = gap_link(desk_client.get(f"/schedule/clinic/?date={DAY}").content.decode(), alex)
    book(alex, follow_up, local(2027, 1, 12, 9), name="Quick Online")
    response = desk_client.post(
        url, new_patient(service=follow_up.pk, starts_at=local(2027, 1, 12, 9).isoformat())
    )
    assert response.status_code == 409
    assert "This time is no longer free" in response.content.decode()
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    "start",
    [
        "",
        "tomorrow",
        "2027-01-12T09:00:00",
        "9" * 60,
        "9999-12-31T23:00:00-08:00",
        "0001-01-01T00:00:00Z",
    ],
)
def test_a_bad_gap_link_is_a_404(desk_client, alex, start):
    response = desk_client.get(f"/schedule/book/?therapist={alex.pk}&start={start}")
    assert response.status_code == 404


def test_the_front_desk_moves_an_appointment_to_another_gap(desk_client, alex, sam, follow_up):
    appointment = book(alex, follow_up, local(2027, 1, 12, 10), name="Morgan Mover")
    page = desk_client.get(f"/schedule/appointments/{appointment.pk}/").content.decode()
    assert f"/schedule/clinic/?date={DAY}&amp;move={appointment.pk}" in page
    body = desk_client.get(f"/schedule/clinic/?date={DAY}&move={appointment.pk}").content.decode()
    assert "Moving Morgan Mover" in body
    match = re.search(
        rf'href="(/schedule/appointments/{appointment.pk}/move/\?therapist={sam.pk}&amp;start=[^"]+)"',
        body,
    )
    url = match[1].replace("&amp;", "&")
    response = desk_client.post(url, {"starts_at": local(2027, 1, 12, 11).isoformat()})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.therapist == sam and appointment.starts_at == local(2027, 1, 12, 11)


def test_the_front_desk_cancels_from_the_appointment(desk_client, alex, follow_up):
    appointment = book(alex, follow_up, local(2027, 1, 12, 10), name="Casey Gone")
    confirm = desk_client.get(f"/schedule/appointments/{appointment.pk}/cancel/")
    assert "Cancel Casey Gone" in confirm.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    response = desk_client.post(f"/schedule/appointments/{appointment.pk}/cancel/")
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_only_the_front_desk_books_moves_and_cancels(
    client, alex, alex_user, editor_user, front_desk_user, follow_up
):
    appointment = book(alex, follow_up, local(2027, 1, 12, 10))
    start = local(2027, 1, 12, 9).isoformat().replace("+", "%2B")
    paths = [
        f"/schedule/clinic/?date={DAY}",
        f"/schedule/book/?therapist={alex.pk}&start={start}",
        f"/schedule/appointments/{appointment.pk}/move/?therapist={alex.pk}&start={start}",
        f"/schedule/appointments/{appointment.pk}/cancel/",
    ]
    client.force_login(front_desk_user)
    assert [client.get(path).status_code for path in paths] == [200, 200, 200, 200]
    for user in (alex_user, editor_user):
        client.force_login(user)
        assert [client.get(path).status_code for path in paths] == [404] * 4
        assert client.post(paths[3]).status_code == 404
    client.logout()
    assert all(client.get(path).status_code == 302 for path in paths)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
