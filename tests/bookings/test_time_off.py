"""Blocking time off: refused over booked appointments, gone from booking at once, race-free.

Roles: Alex (therapist A) blocks their own time; the front desk blocks anyone's.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from bookings import services
from bookings.availability import free_slots
from bookings.models import Appointment, TimeOff
from tests.bookings.conftest import local
from tests.concurrency import run_at_once

NOW = local(2026, 11, 25, 12)
TUESDAY = local(2026, 12, 1, 10)


def book(therapist, service, starts_at, name="Pat Example", email="pat@example.com"):
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=services.PatientDetails(name=name, email=email, phone="650 555 0100"),
        now=NOW,
        notify=False,
    )


def block(therapist, starts_at, ends_at, **kwargs):
    return services.block_time_off(
        therapist=therapist, starts_at=starts_at, ends_at=ends_at, now=NOW, **kwargs
    )


@pytest.mark.django_db
def test_time_off_over_a_booked_appointment_is_refused_naming_it(alex, follow_up):
    book(alex, follow_up, TUESDAY, name="Dana Covered", email="dana@example.com")
    book(alex, follow_up, TUESDAY + timedelta(hours=1), name="Eli Covered", email="eli@example.com")
    with pytest.raises(ValidationError) as error:
        block(alex, local(2026, 12, 1, 9), local(2026, 12, 1, 12))
    assert error.value.code == "covers_appointments"
    message = error.value.messages[0]
    assert "Tue 1 Dec 10:00 Dana Covered" in message
    assert "Tue 1 Dec 11:00 Eli Covered" in message
    assert "2 booked appointments" in message
    assert not TimeOff.objects.exists()


@pytest.mark.django_db
def test_time_off_next_to_an_appointment_or_over_a_cancelled_one_is_fine(alex, follow_up):
    cancelled = book(alex, follow_up, TUESDAY)
    services.cancel_appointment(appointment=cancelled, by_patient=False, now=NOW, notify=False)
    book(alex, follow_up, local(2026, 12, 1, 14), email="other@example.com")
    time_off = block(alex, local(2026, 12, 1, 9), local(2026, 12, 1, 14), reason="Course")
    assert time_off.reason == "Course"


@pytest.mark.django_db
def test_blocked_time_leaves_free_slots_at_once_and_comes_back_when_removed(
    alex, follow_up, alex_user
):
    day = TUESDAY.date()

    def starts():
        return {
            slot.starts_at
            for slot in free_slots(service=follow_up, therapist=alex, start=day, end=day, now=NOW)
        }

    before = starts()
    assert TUESDAY in before
    time_off = block(alex, local(2026, 12, 1, 9), local(2026, 12, 1, 12), actor=alex_user)
    assert time_off.created_by == alex_user
    after = starts()
    assert not any(local(2026, 12, 1, 9) <= start < local(2026, 12, 1, 12) for start in after)
    assert local(2026, 12, 1, 13) in after
    with pytest.raises(ValidationError) as error:
        book(alex, follow_up, TUESDAY)
    assert error.value.code == "outside_hours"

    services.remove_time_off(time_off=time_off, actor=alex_user, now=NOW)
    assert starts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("starts_at", "ends_at", "code"),
    [
        (local(2026, 12, 1, 12), local(2026, 12, 1, 9), "ends_before_start"),
        (local(2026, 12, 1, 9), local(2026, 12, 1, 9), "ends_before_start"),
        (local(2026, 11, 20, 9), local(2026, 11, 21, 9), "in_past"),
    ],
)
def test_impossible_time_off_is_refused(alex, starts_at, ends_at, code):
    with pytest.raises(ValidationError) as error:
        block(alex, starts_at, ends_at)
    assert error.value.code == code


@pytest.mark.django_db
def test_time_off_that_is_over_cannot_be_removed(alex):
    time_off = TimeOff.objects.create(
        therapist=alex, starts_at=local(2026, 11, 20, 9), ends_at=local(2026, 11, 20, 12)
    )
    with pytest.raises(ValidationError) as error:
        services.remove_time_off(time_off=time_off, now=NOW)
    assert error.value.code == "time_off_over"
    assert TimeOff.objects.filter(pk=time_off.pk).exists()


# --- through the schedule -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_therapist_blocks_their_own_time_in_clinic_time(client, alex_user, alex):
    client.force_login(alex_user)
    response = client.post(
        "/schedule/time-off/",
        {
            "therapist": alex.pk,
            "starts_at": "2027-03-14T01:30",
            "ends_at": "2027-03-14T04:00",
            "reason": "Conference",
        },
    )
    assert response.status_code == 302
    time_off = TimeOff.objects.get()
    assert time_off.therapist == alex and time_off.created_by == alex_user
    assert time_off.reason == "Conference"
    # The night the clocks spring forward: 01:30 PST to 04:00 PDT is one and a half real hours.
    assert time_off.starts_at == local(2027, 3, 14, 1, 30)
    assert time_off.ends_at - time_off.starts_at == timedelta(hours=1, minutes=30)
    page = client.get(response["Location"]).content.decode()
    assert "Time off blocked for Alex Rivera" in page
    assert "Conference" in page


@pytest.mark.django_db
def test_the_form_names_the_appointments_in_the_way(client, alex_user, alex, follow_up):
    book(alex, follow_up, local(2027, 1, 5, 10), name="Dana Covered")
    client.force_login(alex_user)
    response = client.post(
        "/schedule/time-off/",
        {"therapist": alex.pk, "starts_at": "2027-01-05T09:00", "ends_at": "2027-01-05T17:00"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tue 5 Jan 10:00 Dana Covered" in body
    assert not TimeOff.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"starts_at": "", "ends_at": ""},
        {"starts_at": "2027-02-30T09:00", "ends_at": "2027-03-01T09:00"},
        {"starts_at": "9999-12-31T23:00", "ends_at": "9999-12-31T23:59"},
        {"starts_at": "2027-01-05T12:00", "ends_at": "2027-01-05T09:00"},
    ],
)
def test_bad_times_are_form_errors(client, alex_user, alex, data):
    client.force_login(alex_user)
    response = client.post("/schedule/time-off/", {"therapist": alex.pk, **data})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not TimeOff.objects.exists()


@pytest.mark.django_db
def test_the_front_desk_blocks_time_for_any_therapist(client, front_desk_user, alex, sam):
    client.force_login(front_desk_user)
    response = client.post(
        "/schedule/time-off/",
        {"therapist": sam.pk, "starts_at": "2027-01-05T09:00", "ends_at": "2027-01-05T12:00"},
    )
    assert response.status_code == 302
    assert TimeOff.objects.get().therapist == sam
    assert TimeOff.objects.get().created_by == front_desk_user


@pytest.mark.django_db
def test_a_therapist_cannot_block_a_colleagues_time(client, alex_user, sam_user, alex, sam):
    # The owner (Sam) has the form for their own time; the colleague (Alex) gets a 404.
    client.force_login(sam_user)
    own = client.get(f"/schedule/time-off/?therapist={sam.pk}")
    assert own.status_code == 200 and "Sam Okafor" in own.content.decode()
    client.force_login(alex_user)
    assert client.get(f"/schedule/time-off/?therapist={sam.pk}").status_code == 404
    response = client.post(
        "/schedule/time-off/",
        {"therapist": sam.pk, "starts_at": "2027-01-05T09:00", "ends_at": "2027-01-05T12:00"},
    )
    assert response.status_code == 404
    assert not TimeOff.objects.exists()


@pytest.mark.django_db
def test_a_therapist_removes_their_own_future_time_off(client, alex_user, alex):
    time_off = block(alex, local(2027, 1, 5, 9), local(2027, 1, 5, 12), actor=alex_user)
    client.force_login(alex_user)
    page = client.get("/schedule/time-off/").content.decode()
    assert "Tue 5 Jan, 9:00 AM – Tue 5 Jan, 12:00 PM" in page
    response = client.post(f"/schedule/time-off/{time_off.pk}/remove/", follow=True)
    assert "Time off removed" in response.content.decode()
    assert not TimeOff.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_time_off_over_appointments_and_records_its_author(
    client, admin_user, alex, follow_up
):
    book(alex, follow_up, local(2027, 1, 5, 10), name="Dana Covered")
    client.force_login(admin_user)
    data = {
        "therapist": alex.pk,
        "starts_at_0": "2027-01-05",
        "starts_at_1": "09:00:00",
        "ends_at_0": "2027-01-05",
        "ends_at_1": "12:00:00",
        "reason": "Course",
    }
    response = client.post("/admin/bookings/timeoff/add/", data)
    assert response.status_code == 200
    assert "Dana Covered" in response.content.decode()
    data.update(starts_at_1="13:00:00", ends_at_1="15:00:00")
    assert client.post("/admin/bookings/timeoff/add/", data).status_code == 302
    assert TimeOff.objects.get().created_by == admin_user


# --- concurrency: real threads, real commits ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_time_off_and_a_booking_inside_it_at_once_never_both_succeed(alex, follow_up):
    for round_ in range(8):
        day = local(2026, 12, 1, 9) + timedelta(days=round_)
        outcomes = run_at_once(
            [
                lambda day=day: block(alex, day, day + timedelta(hours=3)).pk,
                lambda day=day, round_=round_: (
                    book(
                        alex, follow_up, day + timedelta(hours=1), email=f"r{round_}@example.com"
                    ).pk
                ),
            ]
        )
        kinds = sorted(kind for kind, _ in outcomes)
        assert kinds == ["ok", "refused"], outcomes
        assert ("refused", "covers_appointments") in outcomes or (
            "refused",
            "outside_hours",
        ) in outcomes
        booked = Appointment.objects.active().filter(starts_at=day + timedelta(hours=1)).exists()
        blocked = TimeOff.objects.filter(starts_at=day).exists()
        assert booked != blocked, outcomes
