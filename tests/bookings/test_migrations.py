"""Data migrations, run forwards on rows made with the models as they were before."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.bookings.conftest import local

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("bookings", "0006_outgoing_email")]
AFTER = [("bookings", "0007_appointment_patient_given_details")]


def test_0007_gives_each_appointment_its_patients_name_and_phone(migrate_to):
    apps = migrate_to(BEFORE)
    Patient = apps.get_model("bookings", "Patient")
    Service = apps.get_model("bookings", "Service")
    Therapist = apps.get_model("bookings", "Therapist")
    Appointment = apps.get_model("bookings", "Appointment")
    service = Service.objects.create(
        name="Follow-up", slug="follow-up", duration_minutes=30, price=Decimal("80.00")
    )
    therapist = Therapist.objects.create(display_name="Alex Rivera")
    pat = Patient.objects.create(name="Pat Example", email="pat@example.com", phone="650 555 0100")
    sam = Patient.objects.create(name="Sam Other", email="sam@example.com", phone="650 555 0199")
    for hour, patient in [(9, pat), (10, sam), (11, pat)]:
        starts_at = local(2027, 1, 4, hour)
        Appointment.objects.create(
            therapist=therapist,
            service=service,
            patient=patient,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            blocked_until=starts_at + timedelta(minutes=30),
        )

    apps = migrate_to(AFTER)
    Appointment = apps.get_model("bookings", "Appointment")
    given = Appointment.objects.order_by("starts_at").values_list("patient_name", "patient_phone")
    assert list(given) == [
        ("Pat Example", "650 555 0100"),
        ("Sam Other", "650 555 0199"),
        ("Pat Example", "650 555 0100"),
    ]
