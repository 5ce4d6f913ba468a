"""The booking rules bump the content version too, like the services and therapists (0012).

Their row is kept between requests while the content version stands (clinic/versioned.py): keyed
on the availability version instead, every booking would throw it away.
"""

from importlib import import_module

from django.db import migrations

front_door = import_module("bookings.migrations.0012_front_door")

TABLE = "bookings_bookingrules"


class Migration(migrations.Migration):
    dependencies = [("bookings", "0020_availability_version_at_commit")]

    operations = [
        migrations.RunSQL(
            front_door.CREATE_TRIGGER.format(table=TABLE),
            front_door.DROP_TRIGGER.format(table=TABLE),
        )
    ]
