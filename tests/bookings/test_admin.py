"""The front desk's admin: list pages, and appointments created or moved through the services."""

from datetime import datetime, time, timedelta

import pytest

from bookings.models import Appointment, Patient, TimeOff
from tests.bookings.conftest import LA, make_appointment, next_weekday_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def start():
    return datetime.combine(next_weekday_after(5, weekday=1), time(10), tzinfo=LA)


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def form_data(*, therapist, service, patient, starts_at, status="booked", reason=""):
    local = starts_at.astimezone(LA)
    return {
        "therapist": therapist.pk,
        "service": service.pk,
        "patient": patient.pk,
        "starts_at_0": local.strftime("%Y-%m-%d"),
        "starts_at_1": local.strftime("%H:%M:%S"),
        "status": status,
        "reason": reason,
        "condition": "",
    }


@pytest.mark.parametrize(
    "path",
    [
        "/admin/bookings/appointment/",
        "/admin/bookings/appointment/?status__exact=booked&when=upcoming",
        "/admin/bookings/appointment/?q=pat%40example.com",
        "/admin/bookings/appointment/add/",
        "/admin/bookings/therapist/",
        "/admin/bookings/service/",
        "/admin/bookings/timeoff/",
        "/admin/bookings/patient/",
        "/admin/bookings/bookingrules/",
    ],
)
def test_admin_list_pages_load(staff_client, alex, follow_up, start, path):
    make_appointment(therapist=alex, service=follow_up, starts_at=start)
    TimeOff.objects.create(therapist=alex, starts_at=start, ends_at=start + timedelta(days=1))
    assert staff_client.get(path).status_code == 200


def test_change_pages_load(staff_client, alex, follow_up, start):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    assert (
        staff_client.get(f"/admin/bookings/appointment/{appointment.pk}/change/").status_code == 200
    )
    assert staff_client.get(f"/admin/bookings/therapist/{alex.pk}/change/").status_code == 200


def found(client, path):
    """The rows an admin list page shows (its changelist), to check what a search finds."""
    response = client.get(path)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_search_finds_appointments_by_patient_phone(staff_client, alex, follow_up, start):
    from bookings import services

    mine = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    other = services.book_appointment(
        service=follow_up,
        therapist=alex,
        starts_at=start + timedelta(hours=1),
        patient=services.PatientDetails(
            name="Other Person", email="other@example.com", phone="+1 415 555 0199"
        ),
        now=start - timedelta(days=2),
        notify=False,
    )
    assert found(staff_client, "/admin/bookings/appointment/?q=555+0100") == [mine]
    assert found(staff_client, "/admin/bookings/appointment/?q=415+555") == [other]
    assert found(staff_client, "/admin/bookings/appointment/?q=pat%40example.com") == [mine]
    assert found(staff_client, "/admin/bookings/appointment/?q=Other+Person") == [other]
    assert found(staff_client, "/admin/bookings/appointment/?q=nobody") == []


def test_search_finds_patients_and_time_off(staff_client, alex, sam, start):
    pat = Patient.objects.create(name="Pat Example", email="pat@example.com", phone="6505550100")
    Patient.objects.create(name="Dana Other", email="dana@example.com", phone="4155550199")
    assert found(staff_client, "/admin/bookings/patient/?q=pat%40example") == [pat]
    assert found(staff_client, "/admin/bookings/patient/?q=6505550100") == [pat]
    course = TimeOff.objects.create(
        therapist=alex, starts_at=start, ends_at=start + timedelta(hours=2), reason="Course"
    )
    dentist = TimeOff.objects.create(
        therapist=sam, starts_at=start, ends_at=start + timedelta(hours=1), reason="Dentist"
    )
    assert found(staff_client, "/admin/bookings/timeoff/?q=course") == [course]
    assert found(staff_client, "/admin/bookings/timeoff/?q=Okafor") == [dentist]


def test_the_admin_shows_the_name_and_phone_typed_for_each_appointment(
    staff_client, alex, follow_up, start
):
    from bookings import services

    mine = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    theirs = services.book_appointment(
        service=follow_up,
        therapist=alex,
        starts_at=start + timedelta(hours=1),
        patient=services.PatientDetails(
            name="Someone Else", email="PAT@example.com", phone="+1 900 555 0666"
        ),
        now=start - timedelta(days=2),
        notify=False,
    )
    assert theirs.patient_id == mine.patient_id
    listing = staff_client.get("/admin/bookings/appointment/").content.decode()
    assert "Someone Else" in listing and "+1 900-555-0666" in listing  # formatted
    assert "Pat Example" in listing
    change = staff_client.get(f"/admin/bookings/appointment/{theirs.pk}/change/")
    assert "Someone Else" in change.content.decode()
    assert "+1 900-555-0666" in change.content.decode()
    assert found(staff_client, "/admin/bookings/appointment/?q=900+555+0666") == [theirs]
    patient = Patient.objects.get()
    assert (patient.name, patient.phone) == ("Pat Example", "+1 650 555 0100")


def test_the_front_desk_books_through_the_services(staff_client, alex, follow_up, start):
    patient = Patient.objects.create(name="Walk In", email="walk@example.com", phone="6505550100")
    response = staff_client.post(
        "/admin/bookings/appointment/add/",
        form_data(therapist=alex, service=follow_up, patient=patient, starts_at=start),
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.source == "front_desk"
    assert (appointment.patient_name, appointment.patient_phone) == ("Walk In", "6505550100")
    assert appointment.blocked_until == start + timedelta(minutes=30)


def test_an_overlapping_booking_in_the_admin_is_a_form_error(staff_client, alex, massage, start):
    make_appointment(therapist=alex, service=massage, starts_at=start)
    patient = Patient.objects.create(name="Walk In", email="walk@example.com", phone="6505550100")
    response = staff_client.post(
        "/admin/bookings/appointment/add/",
        form_data(
            therapist=alex,
            service=massage,
            patient=patient,
            starts_at=start + timedelta(minutes=30),
        ),
    )
    assert response.status_code == 200
    assert "That time has just been booked." in response.content.decode()
    assert Appointment.objects.count() == 1


def test_booking_a_patient_twice_at_once_in_the_admin_is_a_form_error(
    staff_client, alex, sam, follow_up, start
):
    first = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    response = staff_client.post(
        "/admin/bookings/appointment/add/",
        form_data(therapist=sam, service=follow_up, patient=first.patient, starts_at=start),
    )
    assert response.status_code == 200
    assert "The patient already has an appointment at that time." in response.content.decode()
    assert Appointment.objects.count() == 1


def test_moving_onto_another_appointment_in_the_admin_is_a_form_error(
    staff_client, alex, follow_up, start
):
    first = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    second = make_appointment(
        therapist=alex,
        service=follow_up,
        starts_at=start + timedelta(hours=1),
        email="b@example.com",
    )
    response = staff_client.post(
        f"/admin/bookings/appointment/{second.pk}/change/",
        form_data(therapist=alex, service=follow_up, patient=second.patient, starts_at=start),
    )
    assert response.status_code == 200
    assert "That time has just been booked." in response.content.decode()
    second.refresh_from_db()
    assert second.starts_at == start + timedelta(hours=1)
    assert first.starts_at == start


def test_editing_in_the_admin_moves_marks_and_cancels_through_the_services(
    staff_client, alex, follow_up, start
):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    change = f"/admin/bookings/appointment/{appointment.pk}/change/"
    data = form_data(
        therapist=alex,
        service=follow_up,
        patient=appointment.patient,
        starts_at=start + timedelta(hours=4),
        reason="Moved by phone",
    )
    assert staff_client.post(change, data).status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == start + timedelta(hours=4) and appointment.sequence == 1
    assert appointment.reason == "Moved by phone"
    other = Patient.objects.create(name="Other", email="other@example.com", phone="6505550101")
    assert staff_client.post(change, {**data, "patient": other.pk}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.patient == other and appointment.sequence == 1
    data["patient"] = other.pk
    assert staff_client.post(change, {**data, "status": "cancelled"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.sequence == 2
    response = staff_client.post(change, {**data, "status": "booked"})
    assert response.status_code == 200 and "cannot be reopened" in response.content.decode()


def test_the_cancel_action_cancels_through_the_service(staff_client, alex, follow_up, start):
    first = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    second = make_appointment(
        therapist=alex,
        service=follow_up,
        starts_at=start + timedelta(hours=1),
        email="b@example.com",
    )
    response = staff_client.post(
        "/admin/bookings/appointment/",
        {"action": "cancel_selected", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "Cancelled 2 appointments." in response.content.decode()
    assert set(Appointment.objects.values_list("status", flat=True)) == {"cancelled"}


def test_anonymous_visitors_cannot_see_appointments(client, db):
    response = client.get("/admin/bookings/appointment/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
