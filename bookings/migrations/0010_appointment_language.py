"""The language each patient booked in; every appointment made before French existed is English."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0009_content_editors_clinic_profile"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("fr", "Français")], default="en", max_length=8
            ),
        ),
    ]
