"""Courses of care, the waiting list and its offers of freed times, and patients' sign-in links
(issue 15): new tables, each appointment's course, and outbox kinds for each. The front desk
gets the new tables' permissions as bookings 0004 gave it the others' (sign-in links excepted:
no one at the clinic needs them)."""

import bookings.models.base
import django.contrib.postgres.fields
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

FRONT_DESK = "Front desk"
FRONT_DESK_MODELS = ["carecourse", "waitlistentry", "slotoffer"]


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
            content_type__app_label="bookings", content_type__model__in=FRONT_DESK_MODELS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0012_front_door"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CareCourse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "weekdays",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.PositiveSmallIntegerField(
                            validators=[django.core.validators.MaxValueValidator(6)]
                        ),
                        help_text="Monday is 0.",
                        size=None,
                    ),
                ),
                ("time_of_day", models.TimeField(help_text="On the clinic's clock.")),
                ("first_day", models.DateField()),
                (
                    "visits_planned",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(104),
                        ]
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[("online", "Online (patient)"), ("front_desk", "Front desk")],
                        default="front_desk",
                        max_length=12,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "course of care",
                "verbose_name_plural": "courses of care",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="SignInLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254)),
                ("digest", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField()),
                ("used_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "patient sign-in link",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="SlotOffer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("starts_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField()),
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
                    "state",
                    models.CharField(
                        choices=[
                            ("open", "Offered"),
                            ("claimed", "Booked"),
                            ("taken", "Taken by someone else"),
                            ("expired", "Expired"),
                        ],
                        default="open",
                        max_length=8,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "offer of a freed time",
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="WaitlistEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                ("email", models.EmailField(max_length=254)),
                ("phone", models.CharField(max_length=40)),
                ("first_day", models.DateField()),
                ("last_day", models.DateField()),
                (
                    "weekdays",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.PositiveSmallIntegerField(),
                        help_text="Monday is 0.",
                        size=None,
                    ),
                ),
                (
                    "times_of_day",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("morning", "Morning (before 12:00)"),
                                ("afternoon", "Afternoon (12:00–17:00)"),
                                ("evening", "Evening (from 17:00)"),
                            ],
                            max_length=10,
                        ),
                        size=None,
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("fr", "Français")], default="en", max_length=8
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
                        choices=[
                            ("waiting", "Waiting"),
                            ("booked", "Booked"),
                            ("left", "Left the list"),
                            ("ended", "Dates passed"),
                        ],
                        default="waiting",
                        max_length=8,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "waiting-list entry",
                "verbose_name_plural": "waiting list",
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="outgoingemail",
            name="bookings_email_about_one_thing",
        ),
        migrations.AddField(
            model_name="service",
            name="online_course_max_visits",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="Up to this many weekly visits booked online in one step; 0: staff plan courses.",
                validators=[django.core.validators.MaxValueValidator(52)],
                verbose_name="weekly visits patients may book online",
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
                    ("course", "Course of care booked"),
                    ("waitlist", "On the waiting list"),
                    ("offer", "A freed time offered"),
                    ("sign_in", "Sign-in link"),
                ],
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="carecourse",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="carecourse",
            name="patient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="courses",
                to="bookings.patient",
            ),
        ),
        migrations.AddField(
            model_name="carecourse",
            name="service",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="courses",
                to="bookings.service",
            ),
        ),
        migrations.AddField(
            model_name="carecourse",
            name="therapist",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="courses",
                to="bookings.therapist",
            ),
        ),
        migrations.AddField(
            model_name="appointment",
            name="course",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="appointments",
                to="bookings.carecourse",
            ),
        ),
        migrations.AddField(
            model_name="outgoingemail",
            name="course",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="emails",
                to="bookings.carecourse",
            ),
        ),
        migrations.AddIndex(
            model_name="signinlink",
            index=models.Index(fields=["email", "created_at"], name="bookings_signin_by_email"),
        ),
        migrations.AddField(
            model_name="slotoffer",
            name="appointment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="bookings.appointment",
            ),
        ),
        migrations.AddField(
            model_name="slotoffer",
            name="therapist",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="bookings.therapist",
            ),
        ),
        migrations.AddField(
            model_name="waitlistentry",
            name="appointment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="bookings.appointment",
            ),
        ),
        migrations.AddField(
            model_name="waitlistentry",
            name="patient",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="waitlist_entries",
                to="bookings.patient",
            ),
        ),
        migrations.AddField(
            model_name="waitlistentry",
            name="service",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="waitlist",
                to="bookings.service",
            ),
        ),
        migrations.AddField(
            model_name="waitlistentry",
            name="therapist",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: any therapist who offers the service.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="waitlist",
                to="bookings.therapist",
            ),
        ),
        migrations.AddField(
            model_name="slotoffer",
            name="entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="offers",
                to="bookings.waitlistentry",
            ),
        ),
        migrations.AddField(
            model_name="outgoingemail",
            name="waitlist_entry",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="emails",
                to="bookings.waitlistentry",
            ),
        ),
        migrations.AddConstraint(
            model_name="outgoingemail",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("appointment__isnull", False),
                        ("appointment_starts_at__isnull", False),
                        ("kind__in", ["booked", "rescheduled", "cancelled", "reminder", "attempt"]),
                    ),
                    models.Q(("contact_message__isnull", False), ("kind", "contact")),
                    models.Q(("course__isnull", False), ("kind", "course")),
                    models.Q(
                        ("kind__in", ["waitlist", "offer"]), ("waitlist_entry__isnull", False)
                    ),
                    ("kind", "sign_in"),
                    _connector="OR",
                ),
                name="bookings_email_about_its_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="carecourse",
            constraint=models.CheckConstraint(
                condition=models.Q(("visits_planned__gte", 1)),
                name="bookings_carecourse_has_visits",
            ),
        ),
        migrations.AddIndex(
            model_name="waitlistentry",
            index=models.Index(
                condition=models.Q(("status", "waiting")),
                fields=["service", "first_day", "last_day"],
                name="bookings_waitlist_waiting",
            ),
        ),
        migrations.AddConstraint(
            model_name="waitlistentry",
            constraint=models.CheckConstraint(
                condition=models.Q(("last_day__gte", models.F("first_day"))),
                name="bookings_waitlist_dates_in_order",
            ),
        ),
        migrations.AddConstraint(
            model_name="slotoffer",
            constraint=models.UniqueConstraint(
                fields=("entry", "therapist", "starts_at"), name="bookings_slotoffer_once"
            ),
        ),
        migrations.RunPython(grant_front_desk, migrations.RunPython.noop),
    ]
