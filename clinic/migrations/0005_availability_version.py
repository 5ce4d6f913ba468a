"""The availability version (clinic/availability_version.py), bumped by writes to the clinic's
own hours, closures and profile (its time zone); bookings 0018 adds the bookings tables."""

from django.db import migrations, models

from clinic.availability_version import CREATE_FUNCTION, DROP_FUNCTION, trigger_operations


class Migration(migrations.Migration):
    dependencies = [("clinic", "0004_default_pages_and_staff_permissions")]

    operations = [
        migrations.CreateModel(
            name="AvailabilityVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField()),
            ],
            options={"verbose_name": "availability version"},
        ),
        migrations.RunSQL(CREATE_FUNCTION, DROP_FUNCTION),
        *trigger_operations(["clinic_openinghours", "clinic_closure", "clinic_clinicprofile"]),
    ]
