"""Therapists' photos and their renditions, stored in PostgreSQL (bookings/models/photos.py says
why). The team page shows them and is cached, so both tables bump the content version, as
0012_front_door made the therapist and service tables do. Renditions are WebP and JPEG bytes,
already compressed: PostgreSQL stores them out of line without trying to compress them again.
"""

import django.db.models.deletion
from django.db import migrations, models

CREATE_TRIGGER = """
CREATE TRIGGER {table}_content_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION conditions_bump_content_version();
"""
DROP_TRIGGER = "DROP TRIGGER {table}_content_version ON {table};"
PHOTO_TABLES = ["bookings_therapistphoto", "bookings_photorendition"]


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0013_courses_waitlist_sign_in"),
    ]

    operations = [
        migrations.CreateModel(
            name="TherapistPhoto",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "alt_text",
                    models.CharField(
                        help_text="What the photo shows, for people who cannot see it.",
                        max_length=250,
                        verbose_name="alt text",
                    ),
                ),
                (
                    "alt_text_en",
                    models.CharField(
                        help_text="What the photo shows, for people who cannot see it.",
                        max_length=250,
                        null=True,
                        verbose_name="alt text",
                    ),
                ),
                (
                    "alt_text_fr",
                    models.CharField(
                        help_text="What the photo shows, for people who cannot see it.",
                        max_length=250,
                        null=True,
                        verbose_name="alt text",
                    ),
                ),
                ("original_width", models.PositiveIntegerField(editable=False)),
                ("original_height", models.PositiveIntegerField(editable=False)),
                (
                    "original_bytes",
                    models.PositiveIntegerField(
                        editable=False, verbose_name="original size (bytes)"
                    ),
                ),
                (
                    "digest",
                    models.CharField(
                        editable=False,
                        help_text="SHA-256 of the uploaded file, in its URLs.",
                        max_length=64,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "therapist",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="photo",
                        to="bookings.therapist",
                    ),
                ),
            ],
            options={
                "verbose_name": "therapist photo",
            },
        ),
        migrations.CreateModel(
            name="PhotoRendition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "format",
                    models.CharField(choices=[("webp", "WebP"), ("jpg", "JPEG")], max_length=4),
                ),
                ("width", models.PositiveSmallIntegerField()),
                ("height", models.PositiveSmallIntegerField()),
                ("content", models.BinaryField()),
                ("byte_size", models.PositiveIntegerField()),
                (
                    "photo",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="renditions",
                        to="bookings.therapistphoto",
                    ),
                ),
            ],
            options={
                "ordering": ["photo", "format", "width"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("photo", "format", "width"),
                        name="bookings_photorendition_one_per_width",
                    )
                ],
            },
        ),
        migrations.RunSQL(
            "ALTER TABLE bookings_photorendition ALTER COLUMN content SET STORAGE EXTERNAL;",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "".join(CREATE_TRIGGER.format(table=table) for table in PHOTO_TABLES),
            "".join(DROP_TRIGGER.format(table=table) for table in PHOTO_TABLES),
        ),
    ]
