"""The availability version bumped at commit (clinic/availability_version.py): deferred row
triggers in place of the statement triggers of clinic 0005 and bookings 0018."""

from django.db import migrations

from clinic.availability_version import TABLES, deferred_trigger_operations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0019_email_written_when_sent"),
        ("clinic", "0005_availability_version"),
    ]

    operations = deferred_trigger_operations(TABLES)
