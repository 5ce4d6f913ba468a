"""The front desk's appointment change form: every field it shows is saved, through the services.

A change of only one field (the service, the condition, the therapist, the status) must be
saved, recompute what depends on it, and be recorded in the appointment's history.
"""

from datetime import datetime, time, timedelta

import pytest

from bookings.models import Appointment, AppointmentEvent
from conditions.models import Condition
from tests.bookings.conftest import LA, make_appointment, next_weekday_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def start():
    return datetime.combine(next_weekday_after(5, weekday=1), time(10), tzinfo=LA)


@pytest.fixture
def staff_client(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


@pytest.fixture
def calf_cramps(db):
    return Condition.objects.create(
        title="Calf Cramps", slug="calf-cramps", summary="Cramps", status="published"
    )


def change_url(appointment):
    return f"/admin/bookings/appointment/{appointment.pk}/change/"


def form_data(appointment, **changes):
    """What the change form posts for `appointment` as it is, with `changes` applied."""
    local = appointment.starts_at.astimezone(LA)
    data = {
        "therapist": appointment.therapist_id,
        "service": appointment.service_id,
        "patient": appointment.patient_id,
        "starts_at_0": local.strftime("%Y-%m-%d"),
        "starts_at_1": local.strftime("%H:%M:%S"),
        "status": appointment.status,
        "reason": appointment.reason,
        "condition": appointment.condition_id or "",
    }
    data.update(changes)
    return data


def actions(appointment):
    return list(appointment.events.order_by("pk").values_list("action", flat=True))


def test_changing_only_the_service_saves_it_with_its_length_and_buffer(
    staff_client, front_desk_user, alex, follow_up, massage, start
):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    response = staff_client.post(
        change_url(appointment), form_data(appointment, service=massage.pk)
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.service == massage
    assert appointment.starts_at == start
    assert appointment.ends_at == start + timedelta(minutes=45)
    assert appointment.blocked_until == start + timedelta(minutes=60)
    assert actions(appointment) == ["booked", "moved"]
    moved = appointment.events.get(action=AppointmentEvent.Action.MOVED)
    assert moved.actor == front_desk_user
    assert "service Follow up to Sports massage" in moved.detail
    page = staff_client.get(change_url(appointment)).content.decode()
    assert "service Follow up to Sports massage" in page


def test_changing_only_the_condition_saves_it_and_records_it(
    staff_client, front_desk_user, alex, follow_up, start, calf_cramps
):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    response = staff_client.post(
        change_url(appointment), form_data(appointment, condition=calf_cramps.pk)
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.condition == calf_cramps
    assert (appointment.starts_at, appointment.sequence) == (start, 0)
    assert actions(appointment) == ["booked", "edited"]
    edited = appointment.events.get(action=AppointmentEvent.Action.EDITED)
    assert edited.detail == "Changed condition" and edited.actor == front_desk_user
    # And taking it off again is a change too.
    response = staff_client.post(change_url(appointment), form_data(appointment, condition=""))
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.condition is None
    assert actions(appointment) == ["booked", "edited", "edited"]


def test_changing_only_the_reason_saves_it_and_records_it(staff_client, alex, follow_up, start):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    staff_client.post(change_url(appointment), form_data(appointment, reason="Sore calf"))
    appointment.refresh_from_db()
    assert appointment.reason == "Sore calf"
    assert appointment.events.get(action="edited").detail == "Changed reason"


def test_changing_only_the_therapist_moves_it_to_them(staff_client, alex, sam, follow_up, start):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    response = staff_client.post(change_url(appointment), form_data(appointment, therapist=sam.pk))
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.therapist == sam and appointment.starts_at == start
    assert "from Alex Rivera to Sam Okafor" in appointment.events.get(action="moved").detail


def test_saving_the_form_unchanged_records_nothing(staff_client, alex, follow_up, start):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    assert staff_client.post(change_url(appointment), form_data(appointment)).status_code == 302
    appointment.refresh_from_db()
    assert appointment.sequence == 0
    assert actions(appointment) == ["booked"]


def test_marking_attended_in_the_admin_and_back_to_booked_records_each_once(
    staff_client, alex, follow_up, start
):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    for _ in range(2):
        response = staff_client.post(
            change_url(appointment), form_data(appointment, status="attended")
        )
        assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ATTENDED
    assert actions(appointment) == ["booked", "attended"]
    staff_client.post(change_url(appointment), form_data(appointment, status="booked"))
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    assert actions(appointment) == ["booked", "attended", "attendance_undone"]


def test_correcting_only_the_service_of_a_past_appointment_is_saved(
    staff_client, alex, follow_up, massage
):
    from bookings.availability import local_today

    yesterday = datetime.combine(local_today() - timedelta(days=1), time(10), tzinfo=LA)
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=yesterday)
    response = staff_client.post(
        change_url(appointment), form_data(appointment, service=massage.pk, status="attended")
    )
    assert "That time is in the past." not in response.content.decode()
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.service == massage
    assert appointment.status == Appointment.Status.ATTENDED
    assert appointment.blocked_until == yesterday + timedelta(minutes=60)
    edited = appointment.events.get(action=AppointmentEvent.Action.EDITED)
    assert edited.detail == f"Corrected service {follow_up.name} to {massage.name}"


def test_correcting_a_started_appointment_still_never_double_books_the_therapist(
    staff_client, alex, sam, follow_up, massage
):
    from bookings.availability import local_today

    yesterday = datetime.combine(local_today() - timedelta(days=1), time(10), tzinfo=LA)
    alexs = make_appointment(therapist=alex, service=follow_up, starts_at=yesterday)
    sams = make_appointment(
        therapist=sam, service=follow_up, starts_at=yesterday, email="other@example.com"
    )
    response = staff_client.post(change_url(sams), form_data(sams, therapist=alex.pk))
    assert response.status_code == 200
    assert "That time has just been booked." in response.content.decode()
    sams.refresh_from_db()
    assert sams.therapist == sam
    assert alexs.therapist == alex


def test_giving_an_appointment_to_a_patient_busy_then_is_a_form_error(
    staff_client, alex, sam, follow_up, start
):
    theirs = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    mine = make_appointment(
        therapist=sam, service=follow_up, starts_at=start, email="other@example.com"
    )
    response = staff_client.post(change_url(mine), form_data(mine, patient=theirs.patient_id))
    assert response.status_code == 200
    assert "The patient already has an appointment at that time." in response.content.decode()
    mine.refresh_from_db()
    assert mine.patient.email == "other@example.com"
    assert actions(mine) == ["booked"]
