"""The availability version bumped at commit (clinic/availability_version.py): each statement
trigger of clinic 0005 and bookings 0018 turned into a deferred row trigger."""

from django.db import migrations

from clinic.availability_version import FROM_DEFERRED, TO_DEFERRED


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0019_email_written_when_sent"),
        ("clinic", "0005_availability_version"),
    ]

    operations = [migrations.RunSQL(TO_DEFERRED, FROM_DEFERRED)]
