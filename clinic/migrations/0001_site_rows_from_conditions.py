"""The clinic's identity and the content version, taken over from the conditions app.

The rows stay where they are: the state gains the two models, the tables are renamed (PostgreSQL
keeps their rows, indexes and triggers), the bump function is pointed at the renamed version
table, and the content types move with their permissions, so staff groups keep what they had.
"""

from django.db import migrations, models

MOVED = ["clinicprofile", "contentversion"]

RENAME_TABLES = """
ALTER TABLE conditions_clinicprofile RENAME TO clinic_clinicprofile;
ALTER SEQUENCE conditions_clinicprofile_id_seq RENAME TO clinic_clinicprofile_id_seq;
ALTER TRIGGER conditions_clinicprofile_content_version ON clinic_clinicprofile
    RENAME TO clinic_clinicprofile_content_version;
ALTER TABLE conditions_contentversion RENAME TO clinic_contentversion;
ALTER SEQUENCE conditions_contentversion_id_seq RENAME TO clinic_contentversion_id_seq;
"""
UNRENAME_TABLES = """
ALTER TABLE clinic_contentversion RENAME TO conditions_contentversion;
ALTER SEQUENCE clinic_contentversion_id_seq RENAME TO conditions_contentversion_id_seq;
ALTER TRIGGER clinic_clinicprofile_content_version ON clinic_clinicprofile
    RENAME TO conditions_clinicprofile_content_version;
ALTER TABLE clinic_clinicprofile RENAME TO conditions_clinicprofile;
ALTER SEQUENCE clinic_clinicprofile_id_seq RENAME TO conditions_clinicprofile_id_seq;
"""

# The same function as conditions migration 0006 writes, for the table's new name.
BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION conditions_bump_content_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {table} (id, value)
    VALUES (1, nextval('conditions_content_version_seq'))
    ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value;
    RETURN NULL;
END
$$;
"""


def move_content_types(apps, schema_editor, source="conditions", target="clinic"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MOVED).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="clinic", target="conditions")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("conditions", "0007_move_site_rows_to_clinic"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ClinicProfile",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=120)),
                        ("tagline", models.CharField(blank=True, max_length=200)),
                        ("phone", models.CharField(max_length=40, verbose_name="main phone")),
                        ("phone_label", models.CharField(blank=True, default="US", max_length=40)),
                        ("second_phone", models.CharField(blank=True, max_length=40)),
                        (
                            "second_phone_label",
                            models.CharField(blank=True, default="France", max_length=40),
                        ),
                        ("award_line", models.CharField(blank=True, max_length=200)),
                        (
                            "address",
                            models.TextField(
                                blank=True,
                                help_text=(
                                    "Street address, shown in the footer and in calendar "
                                    "invitations."
                                ),
                            ),
                        ),
                        (
                            "email",
                            models.EmailField(
                                blank=True,
                                help_text="Public contact address, if any.",
                                max_length=254,
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "verbose_name": "clinic profile",
                        "verbose_name_plural": "clinic profile",
                    },
                ),
                migrations.CreateModel(
                    name="ContentVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("value", models.BigIntegerField()),
                    ],
                    options={"verbose_name": "content version"},
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    RENAME_TABLES + BUMP_FUNCTION.format(table="clinic_contentversion"),
                    UNRENAME_TABLES + BUMP_FUNCTION.format(table="conditions_contentversion"),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
