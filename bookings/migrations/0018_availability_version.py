"""Every bookings table that free times are computed from bumps the availability version
(clinic/availability_version.py) in the writing transaction. A table the slot search starts
reading needs a trigger here too."""

from django.db import migrations

from clinic.availability_version import trigger_operations

AVAILABILITY_TABLES = [
    "bookings_appointment",
    "bookings_appointmentresource",
    "bookings_bookingrules",
    "bookings_resource",
    "bookings_resourceneed",
    "bookings_resourceunavailability",
    "bookings_service",
    "bookings_therapist",
    "bookings_therapist_services",
    "bookings_timeoff",
    "bookings_workinghours",
]


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0017_phone_source"),
        ("clinic", "0005_availability_version"),
    ]

    operations = trigger_operations(AVAILABILITY_TABLES)
