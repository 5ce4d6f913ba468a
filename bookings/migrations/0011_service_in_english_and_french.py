"""A column per language for what patients read about a service (bookings/translation.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0010_appointment_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="description_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="service",
            name="description_fr",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="service",
            name="name_en",
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name="service",
            name="name_fr",
            field=models.CharField(max_length=120, null=True),
        ),
        # The names so far are English.
        migrations.RunSQL(
            "UPDATE bookings_service SET name_en = name, description_en = description;",
            migrations.RunSQL.noop,
        ),
    ]
