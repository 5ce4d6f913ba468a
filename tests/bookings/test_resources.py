"""Rooms and devices booked with the therapist: a time is free only when a suitable resource is
too; "any room" picks one; out-of-use time, moves and cancellations keep the holds right."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bookings import services
from bookings.availability import free_slots
from bookings.models import (
    AppointmentResource,
    BookingRules,
    Resource,
    ResourceNeed,
    ResourceUnavailability,
)
from tests.bookings.conftest import LA, local, make_appointment, make_service, make_therapist

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 1, 4)
NOW = local(2027, 1, 1, 12)
TEN = local(2027, 1, 4, 10)


@pytest.fixture
def shockwave_service(db):
    service = make_service("shockwave", minutes=30, name="Shockwave therapy")
    device = Resource.objects.create(name="Shockwave unit", kind=Resource.Kind.DEVICE)
    ResourceNeed.objects.create(service=service, resource=device)
    return service


@pytest.fixture
def device(shockwave_service):
    return Resource.objects.get(name="Shockwave unit")


@pytest.fixture
def two_therapists(shockwave_service):
    return (
        make_therapist("Alex Rivera", services_offered=[shockwave_service]),
        make_therapist("Sam Okafor", services_offered=[shockwave_service]),
    )


def starts(slots, therapist=None):
    return [
        slot.starts_at.astimezone(LA).strftime("%H:%M")
        for slot in slots
        if therapist is None or slot.therapist_id == therapist.pk
    ]


def book(service, therapist, starts_at, email):
    return make_appointment(
        therapist=therapist, service=service, starts_at=starts_at, email=email, now=NOW
    )


def test_a_device_in_use_with_one_therapist_is_not_offered_with_another(
    shockwave_service, two_therapists
):
    alex, sam = two_therapists
    book(shockwave_service, alex, TEN, "a@example.com")
    slots = free_slots(service=shockwave_service, start=MONDAY, end=MONDAY, now=NOW)
    assert "10:00" not in starts(slots, sam)
    assert "09:30" in starts(slots, sam) and "10:30" in starts(slots, sam)


def test_booking_it_twice_at_once_is_refused_as_just_taken(shockwave_service, two_therapists):
    alex, sam = two_therapists
    first = book(shockwave_service, alex, TEN, "a@example.com")
    assert first.resource_holds.get().resource.name == "Shockwave unit"
    with pytest.raises(ValidationError) as refused:
        book(shockwave_service, sam, TEN + timedelta(minutes=15), "b@example.com")
    assert refused.value.code == "slot_taken"


def test_the_database_refuses_a_double_booked_resource(shockwave_service, two_therapists, device):
    alex, sam = two_therapists
    first = book(shockwave_service, alex, TEN, "a@example.com")
    other = book(shockwave_service, sam, TEN + timedelta(hours=3), "b@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentResource.objects.create(
            appointment=other,
            resource=device,
            starts_at=first.starts_at,
            blocked_until=first.blocked_until,
        )


def test_any_room_picks_a_free_one_and_a_full_house_offers_nothing(db, follow_up):
    service = make_service("room-session", minutes=30, name="Room session")
    rooms = [Resource.objects.create(name=f"Room {n}", kind="room", order=n) for n in (1, 2)]
    ResourceNeed.objects.create(service=service, kind="room")
    therapists = [make_therapist(f"Therapist {n}", services_offered=[service]) for n in range(3)]
    a = book(service, therapists[0], TEN, "a@example.com")
    b = book(service, therapists[1], TEN, "b@example.com")
    assert {a.resource_holds.get().resource, b.resource_holds.get().resource} == set(rooms)
    slots = free_slots(service=service, start=MONDAY, end=MONDAY, now=NOW)
    assert "10:00" not in starts(slots, therapists[2])
    with pytest.raises(ValidationError):
        book(service, therapists[2], TEN, "c@example.com")


def test_out_of_use_time_removes_slots(shockwave_service, two_therapists, device):
    ResourceUnavailability.objects.create(
        resource=device, starts_at=local(2027, 1, 4, 9), ends_at=local(2027, 1, 4, 12)
    )
    slots = free_slots(service=shockwave_service, start=MONDAY, end=MONDAY, now=NOW)
    assert not any(t < "12:00" for t in starts(slots))
    assert "13:00" in starts(slots)


def test_a_cancellation_frees_the_device_and_a_move_takes_it_along(
    shockwave_service, two_therapists
):
    alex, sam = two_therapists
    first = book(shockwave_service, alex, TEN, "a@example.com")
    services.reschedule_appointment(
        appointment=first, starts_at=TEN + timedelta(hours=3), by_patient=False, now=NOW
    )
    hold = first.resource_holds.get()
    assert hold.starts_at == TEN + timedelta(hours=3) and hold.active
    book(shockwave_service, sam, TEN, "b@example.com")  # 10:00 is free again
    services.cancel_appointment(appointment=first, by_patient=False, now=NOW, notify=False)
    assert not first.resource_holds.filter(active=True).exists()
    book(shockwave_service, sam, TEN + timedelta(hours=3), "c@example.com")


def test_a_course_holds_the_device_for_every_visit(shockwave_service, two_therapists):
    alex, sam = two_therapists
    plan = services.plan_visits(weekdays=[0], time_of_day=time(10), first_day=MONDAY, visits=3)
    course = services.book_course(
        service=shockwave_service,
        therapist=alex,
        patient=services.PatientDetails(name="C", email="c@example.com", phone="+16505550100"),
        starts=plan,
        weekdays=[0],
        time_of_day=time(10),
        now=NOW,
        notify=False,
    )
    assert AppointmentResource.objects.filter(appointment__course=course).count() == 3
    visits = services.preview_course(service=shockwave_service, therapist=sam, starts=plan, now=NOW)
    assert [visit.problem for visit in visits] == ["resource_busy"] * 3
    assert visits[0].message == "The room or device it needs is taken then."


def test_the_query_count_with_resources_stays_constant(
    shockwave_service, two_therapists, django_assert_num_queries
):
    alex, _sam = two_therapists
    for day in range(5):
        book(shockwave_service, alex, TEN + timedelta(days=day), f"p{day}@example.com")
    rules = BookingRules.load()
    with django_assert_num_queries(9):
        free_slots(service=shockwave_service, start=MONDAY, end=MONDAY, now=NOW, rules=rules)
    with django_assert_num_queries(9):
        free_slots(
            service=shockwave_service,
            start=MONDAY,
            end=MONDAY + timedelta(days=89),
            now=NOW,
            rules=rules,
        )


def test_patients_see_the_room_only_when_staff_choose(
    client, shockwave_service, two_therapists, device
):
    alex, _sam = two_therapists
    appointment = book(shockwave_service, alex, TEN, "a@example.com")
    page = client.get(f"/appointments/{appointment.manage_token}/").content.decode()
    assert "Shockwave unit" not in page
    device.shown_to_patients = True
    device.save(update_fields=["shown_to_patients"])
    page = client.get(f"/appointments/{appointment.manage_token}/").content.decode()
    assert "Shockwave unit" in page


def test_the_front_desk_sees_what_each_appointment_holds(
    client, front_desk_user, shockwave_service, two_therapists
):
    alex, _sam = two_therapists
    book(shockwave_service, alex, TEN, "a@example.com")
    client.force_login(front_desk_user)
    page = client.get("/schedule/clinic/?date=2027-01-04").content.decode()
    assert "Shockwave unit" in page
    rooms = client.get("/schedule/clinic/?date=2027-01-04&by=rooms").content.decode()
    assert "Shockwave unit" in rooms and "a@example.com" not in rooms
    assert client.get("/admin/bookings/resource/").status_code == 200
