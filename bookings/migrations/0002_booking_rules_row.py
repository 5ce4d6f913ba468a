from django.db import migrations


def create_rules(apps, schema_editor):
    # One row from the start, so staff edit it in the admin rather than create it.
    BookingRules = apps.get_model("bookings", "BookingRules")
    if not BookingRules.objects.exists():
        BookingRules.objects.create()


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_rules, migrations.RunPython.noop),
    ]
