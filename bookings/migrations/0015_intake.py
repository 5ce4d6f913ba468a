"""The intake questionnaire (issue 16): its questions with the built-in set in English and
French, each first visit's form (answers encrypted, clinic/encryption.py), the log of staff views,
and which services need it (initial assessments, by their slug, from the start). The front desk
edits questions and reads the view log; no group gets the forms themselves in the admin.
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import bookings.models.base
from bookings.intake_questions import ensure_default_questions

FRONT_DESK = "Front desk"
FRONT_DESK_PERMISSIONS = [
    "add_intakequestion",
    "change_intakequestion",
    "view_intakequestion",
    "view_intakeview",
]


def seed(apps, schema_editor):
    ensure_default_questions(apps.get_model("bookings", "IntakeQuestion"))
    Service = apps.get_model("bookings", "Service")
    Service.objects.filter(slug__contains="assessment").update(needs_intake=True)
    app_config = apps.get_app_config("bookings")
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = previous or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    front_desk, _ = Group.objects.get_or_create(name=FRONT_DESK)
    front_desk.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="bookings", codename__in=FRONT_DESK_PERMISSIONS
        )
    )
    # The front desk's general grant (bookings 0004, 0013) must not reach the forms: remove
    # anything a repair (ensure_staff_groups) might have added.
    front_desk.permissions.remove(
        *Permission.objects.filter(
            content_type__app_label="bookings", codename__endswith="_intakeform"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0014_therapist_photos"),
        ("conditions", "0013_search_synonyms_and_weights"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="needs_intake",
            field=models.BooleanField(
                default=False,
                help_text="A first visit (an assessment): the patient gets the intake form.",
                verbose_name="needs the health questionnaire",
            ),
        ),
        migrations.CreateModel(
            name="IntakeForm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "token",
                    models.CharField(
                        default=bookings.models.base.new_token,
                        editable=False,
                        max_length=64,
                        unique=True,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Not finished"), ("done", "Done")],
                        default="open",
                        max_length=4,
                    ),
                ),
                ("answers_encrypted", models.TextField(blank=True, editable=False)),
                (
                    "sections_saved",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=10),
                        blank=True,
                        default=list,
                        size=None,
                    ),
                ),
                ("flag", models.CharField(blank=True, editable=False, max_length=9)),
                ("consented_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("submitted_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "appointment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="intake",
                        to="bookings.appointment",
                    ),
                ),
            ],
            options={
                "verbose_name": "intake form",
            },
        ),
        migrations.CreateModel(
            name="IntakeView",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("viewed_at", models.DateTimeField(auto_now_add=True)),
                (
                    "form",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="views",
                        to="bookings.intakeform",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="bookings.patient",
                    ),
                ),
                (
                    "viewer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "view of intake answers",
                "verbose_name_plural": "views of intake answers",
                "ordering": ["-viewed_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="IntakeQuestion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.SlugField(
                        help_text="A stable name for the answer.", max_length=60, unique=True
                    ),
                ),
                (
                    "section",
                    models.CharField(
                        choices=[
                            ("problem", "Your problem"),
                            ("screening", "Warning signs"),
                            ("history", "Your health"),
                            ("activity", "Sport and goals"),
                            ("contacts", "Contacts"),
                        ],
                        max_length=10,
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0)),
                ("text", models.CharField(max_length=300)),
                ("text_en", models.CharField(max_length=300, null=True)),
                ("text_fr", models.CharField(max_length=300, null=True)),
                ("help_text", models.CharField(blank=True, max_length=300)),
                ("help_text_en", models.CharField(blank=True, max_length=300, null=True)),
                ("help_text_fr", models.CharField(blank=True, max_length=300, null=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("yes_no", "Yes or no"),
                            ("choice", "One of a list"),
                            ("text", "Text"),
                            ("number", "Number"),
                            ("pain", "Pain scale 0–10"),
                            ("date", "Date"),
                        ],
                        max_length=6,
                    ),
                ),
                (
                    "choices",
                    models.TextField(
                        blank=True, help_text="For “one of a list”: one choice per line."
                    ),
                ),
                (
                    "choices_en",
                    models.TextField(
                        blank=True, help_text="For “one of a list”: one choice per line.", null=True
                    ),
                ),
                (
                    "choices_fr",
                    models.TextField(
                        blank=True, help_text="For “one of a list”: one choice per line.", null=True
                    ),
                ),
                ("required", models.BooleanField(default=False)),
                (
                    "urgency",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("emergency", "Call 911 now"),
                            ("today", "See a doctor today"),
                            ("tell", "Tell your therapist"),
                        ],
                        help_text="Yes-or-no warning signs only: what a “yes” means.",
                        max_length=9,
                    ),
                ),
                (
                    "minors_only",
                    models.BooleanField(
                        default=False,
                        help_text="Asked only when the patient is under 18 (a parent or guardian).",
                    ),
                ),
                ("active", models.BooleanField(default=True)),
                (
                    "red_flag",
                    models.ForeignKey(
                        blank=True,
                        help_text="The condition library's red flag this screens for, if any.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="intake_questions",
                        to="conditions.redflag",
                    ),
                ),
            ],
            options={
                "verbose_name": "intake question",
                "ordering": ["order", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("urgency", ""), ("kind", "yes_no"), _connector="OR"),
                        name="bookings_intakequestion_flags_are_yes_no",
                        violation_error_message="Only a yes-or-no question can be a warning sign.",
                    )
                ],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
