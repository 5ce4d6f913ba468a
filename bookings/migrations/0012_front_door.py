"""The front door's booking side: what the team page says about each therapist (in both
languages), which privacy notice a patient agreed to when booking, and the contact page's
messages, emailed to the clinic through the same outbox as appointment emails.

The team and services pages are cached like the articles, so the tables they show now bump the
content version too.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CREATE_TRIGGER = """
CREATE TRIGGER {table}_content_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION conditions_bump_content_version();
"""
DROP_TRIGGER = "DROP TRIGGER {table}_content_version ON {table};"
TEAM_TABLES = ["bookings_therapist", "bookings_service", "bookings_therapist_services"]


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0011_service_in_english_and_french"),
        ("clinic", "0003_front_door"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="privacy_agreed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="appointment",
            name="privacy_version",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="therapist",
            name="bio_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="therapist",
            name="bio_fr",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="therapist",
            name="languages",
            field=models.CharField(
                blank=True,
                help_text="e.g. English, French, Spanish",
                max_length=200,
                verbose_name="languages spoken",
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="licence_number",
            field=models.CharField(
                blank=True,
                help_text="As the licensing board issued it, e.g. PT 123456 (CA).",
                max_length=60,
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="special_interests",
            field=models.TextField(
                blank=True,
                help_text="What they treat most, e.g. running injuries, ACL rehabilitation.",
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="special_interests_en",
            field=models.TextField(
                blank=True,
                help_text="What they treat most, e.g. running injuries, ACL rehabilitation.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="therapist",
            name="special_interests_fr",
            field=models.TextField(
                blank=True,
                help_text="What they treat most, e.g. running injuries, ACL rehabilitation.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="outgoingemail",
            name="appointment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="emails",
                to="bookings.appointment",
            ),
        ),
        migrations.AlterField(
            model_name="outgoingemail",
            name="appointment_starts_at",
            field=models.DateTimeField(
                blank=True,
                help_text="The appointment's start time when the email was written.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="outgoingemail",
            name="kind",
            field=models.CharField(
                choices=[
                    ("booked", "Booking confirmation"),
                    ("rescheduled", "Appointment moved"),
                    ("cancelled", "Cancellation"),
                    ("reminder", "Reminder"),
                    ("attempt", "Someone tried to book the same time"),
                    ("contact", "Message from the contact page"),
                ],
                max_length=12,
            ),
        ),
        migrations.CreateModel(
            name="ContactMessage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                ("email", models.EmailField(max_length=254)),
                ("message", models.TextField(max_length=5000)),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("fr", "Français")], default="en", max_length=8
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "message from the contact page",
                "verbose_name_plural": "messages from the contact page",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="outgoingemail",
            name="contact_message",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="emails",
                to="bookings.contactmessage",
            ),
        ),
        migrations.AddConstraint(
            model_name="outgoingemail",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("appointment__isnull", False),
                        ("appointment_starts_at__isnull", False),
                        ("contact_message__isnull", True),
                    ),
                    models.Q(
                        ("appointment__isnull", True),
                        ("contact_message__isnull", False),
                        ("kind", "contact"),
                    ),
                    _connector="OR",
                ),
                name="bookings_email_about_one_thing",
            ),
        ),
        # The bios so far are English.
        migrations.RunSQL(
            "UPDATE bookings_therapist SET bio_en = bio, special_interests_en = special_interests;",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "".join(CREATE_TRIGGER.format(table=table) for table in TEAM_TABLES),
            "".join(DROP_TRIGGER.format(table=table) for table in TEAM_TABLES),
        ),
    ]
