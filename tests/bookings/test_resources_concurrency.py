"""Two therapists booking the one shockwave unit at the same moment, with real connections:
exactly one appointment, the other refused as just taken, no crash."""

import pytest

from bookings import services
from bookings.models import Appointment, AppointmentResource, Resource, ResourceNeed
from tests.bookings.conftest import local, make_service, make_therapist
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

NOW = local(2027, 1, 1, 12)
TEN = local(2027, 1, 4, 10)


@pytest.mark.parametrize("attempt", range(3))
def test_two_therapists_racing_for_one_device_get_one_appointment(db, attempt):
    service = make_service("shockwave", minutes=30, name="Shockwave therapy")
    device = Resource.objects.create(name="Shockwave unit", kind="device")
    ResourceNeed.objects.create(service=service, resource=device)
    therapists = [make_therapist(f"Therapist {n}", services_offered=[service]) for n in range(4)]

    def job(therapist, n):
        return lambda: (
            services.book_appointment(
                service=service,
                therapist=therapist,
                starts_at=TEN,
                patient=services.PatientDetails(
                    name=f"P{n}", email=f"p{n}@example.com", phone="+16505550100"
                ),
                now=NOW,
                notify=False,
            ).pk
        )

    outcomes = run_at_once([job(therapist, n) for n, therapist in enumerate(therapists)])
    assert not any(kind == "crashed" for kind, _ in outcomes), outcomes
    assert sorted(outcomes)[1:] == [("refused", "slot_taken")] * 3
    assert Appointment.objects.count() == 1
    assert AppointmentResource.objects.filter(resource=device, active=True).count() == 1
