"""Rooms and devices (issue 17): what services need, what appointments hold, and the exclusion
constraint that refuses a double-booked resource. The front desk manages them, as bookings 0004
let it manage therapists.
"""

import django.contrib.postgres.constraints
import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import bookings.models.base

FRONT_DESK = "Front desk"
MODELS = ["resource", "resourceunavailability", "resourceneed", "appointmentresource"]


def grant_front_desk(apps, schema_editor):
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
            content_type__app_label="bookings", content_type__model__in=MODELS
        ).exclude(codename__in=["add_appointmentresource", "change_appointmentresource"])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0015_intake"),
    ]

    operations = [
        migrations.CreateModel(
            name="Resource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(help_text="e.g. Room 2, Shockwave unit", max_length=80)),
                (
                    "kind",
                    models.CharField(
                        choices=[("room", "Treatment room"), ("gym", "Gym"), ("device", "Device")],
                        max_length=8,
                    ),
                ),
                ("active", models.BooleanField(default=True)),
                (
                    "shown_to_patients",
                    models.BooleanField(
                        default=False,
                        help_text="Name it on the patient's confirmation (e.g. “Room 2”).",
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                "verbose_name": "room or device",
                "verbose_name_plural": "rooms and devices",
                "ordering": ["order", "name"],
            },
        ),
        migrations.CreateModel(
            name="AppointmentResource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("starts_at", models.DateTimeField()),
                ("blocked_until", models.DateTimeField()),
                ("active", models.BooleanField(default=True)),
                (
                    "appointment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="resource_holds",
                        to="bookings.appointment",
                    ),
                ),
                (
                    "resource",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="holds",
                        to="bookings.resource",
                    ),
                ),
            ],
            options={
                "verbose_name": "room or device held",
                "verbose_name_plural": "rooms and devices held",
                "ordering": ["starts_at"],
                "indexes": [
                    models.Index(fields=["resource", "starts_at"], name="bookings_hold_resource")
                ],
                "constraints": [
                    django.contrib.postgres.constraints.ExclusionConstraint(
                        condition=models.Q(("active", True)),
                        expressions=[
                            (
                                bookings.models.base.Int8Range(
                                    models.F("resource_id"),
                                    models.F("resource_id"),
                                    models.Value("[]"),
                                ),
                                "&&",
                            ),
                            (
                                bookings.models.base.TsTzRange(
                                    models.F("starts_at"), models.F("blocked_until")
                                ),
                                "&&",
                            ),
                        ],
                        name="bookings_resource_no_overlap",
                        violation_error_code="slot_taken",
                        violation_error_message="That time has just been booked.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ResourceNeed",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        blank=True,
                        choices=[("room", "Treatment room"), ("gym", "Gym"), ("device", "Device")],
                        help_text="…or any of this kind.",
                        max_length=8,
                    ),
                ),
                (
                    "resource",
                    models.ForeignKey(
                        blank=True,
                        help_text="This one (e.g. the shockwave unit)…",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="needed_by",
                        to="bookings.resource",
                    ),
                ),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="resource_needs",
                        to="bookings.service",
                    ),
                ),
            ],
            options={
                "verbose_name": "room or device needed",
                "verbose_name_plural": "rooms and devices needed",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("resource__isnull", False), ("kind", "")),
                            models.Q(
                                ("resource__isnull", True), models.Q(("kind", ""), _negated=True)
                            ),
                            _connector="OR",
                        ),
                        name="bookings_resourceneed_one_or_any",
                        violation_error_message="Choose one resource, or a kind (any will do).",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ResourceUnavailability",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("starts_at", models.DateTimeField()),
                ("ends_at", models.DateTimeField()),
                ("reason", models.CharField(blank=True, max_length=200)),
                (
                    "resource",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="unavailable",
                        to="bookings.resource",
                    ),
                ),
            ],
            options={
                "verbose_name": "room or device out of use",
                "verbose_name_plural": "rooms and devices out of use",
                "ordering": ["starts_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                        name="bookings_resourceunavailability_ends_after_start",
                        violation_error_message="It must end after it starts.",
                    )
                ],
            },
        ),
        migrations.RunPython(grant_front_desk, migrations.RunPython.noop),
    ]
