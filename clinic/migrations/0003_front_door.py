"""The clinic's front door: where it is (address, map link, directions), its opening hours and
closures, phone numbers in E.164, and the pages staff write (privacy notice, policies, about).

The one-block address becomes its parts (the first line is the street, what follows the city
line, for staff to split); phone numbers typed any way become E.164, and a number that cannot be
read as one stops the migration with the value to fix, rather than being dropped. The new tables
bump the content version like the others the cached pages read.
"""

import django.core.validators
import phonenumbers
from django.db import migrations, models

import clinic.phones

CREATE_TRIGGER = """
CREATE TRIGGER {table}_content_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION conditions_bump_content_version();
"""
DROP_TRIGGER = "DROP TRIGGER {table}_content_version ON {table};"
NEW_CONTENT_TABLES = ["clinic_page", "clinic_openinghours", "clinic_closure"]


def _e164(text, region):
    if not text:
        return text
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"Clinic phone {text!r} is not a phone number; fix it first.") from error
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def move_address_and_store_phones_e164(apps, schema_editor):
    ClinicProfile = apps.get_model("clinic", "ClinicProfile")
    for profile in ClinicProfile.objects.all():
        lines = [line.strip() for line in profile.address.splitlines() if line.strip()]
        if lines:
            profile.street_address = lines[0][:200]
            profile.city = ", ".join(lines[1:])[:100]
        profile.phone = _e164(profile.phone, "US")
        profile.second_phone = _e164(profile.second_phone, "FR")
        profile.save(update_fields=["street_address", "city", "phone", "second_phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_profile_in_english_and_french"),
        ("conditions", "0006_content_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="Page",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="The page's address: /<slug>/", max_length=80, unique=True
                    ),
                ),
                ("title", models.CharField(max_length=160)),
                ("title_en", models.CharField(max_length=160, null=True)),
                ("title_fr", models.CharField(max_length=160, null=True)),
                (
                    "summary",
                    models.CharField(
                        blank=True,
                        help_text="One sentence for search engines and link previews.",
                        max_length=300,
                    ),
                ),
                (
                    "summary_en",
                    models.CharField(
                        blank=True,
                        help_text="One sentence for search engines and link previews.",
                        max_length=300,
                        null=True,
                    ),
                ),
                (
                    "summary_fr",
                    models.CharField(
                        blank=True,
                        help_text="One sentence for search engines and link previews.",
                        max_length=300,
                        null=True,
                    ),
                ),
                (
                    "body",
                    models.TextField(help_text="Markdown: ## headings, lists, links. No raw HTML."),
                ),
                (
                    "body_en",
                    models.TextField(
                        help_text="Markdown: ## headings, lists, links. No raw HTML.", null=True
                    ),
                ),
                (
                    "body_fr",
                    models.TextField(
                        help_text="Markdown: ## headings, lists, links. No raw HTML.", null=True
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("published", "Published")],
                        default="draft",
                        max_length=10,
                    ),
                ),
                (
                    "in_footer",
                    models.BooleanField(default=True, verbose_name="linked from the footer"),
                ),
                ("order", models.PositiveSmallIntegerField(default=0)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "revised_at",
                    models.DateTimeField(
                        blank=True,
                        editable=False,
                        help_text="When the text last changed.",
                        null=True,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["order", "title"],
            },
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="city",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="country",
            field=models.CharField(
                default="US", help_text="ISO 3166 code, e.g. US or FR.", max_length=2
            ),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="directions",
            field=models.TextField(blank=True, help_text="How to find the entrance, which floor."),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="directions_en",
            field=models.TextField(
                blank=True, help_text="How to find the entrance, which floor.", null=True
            ),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="directions_fr",
            field=models.TextField(
                blank=True, help_text="How to find the entrance, which floor.", null=True
            ),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="latitude",
            field=models.DecimalField(
                blank=True,
                decimal_places=6,
                max_digits=9,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(-90),
                    django.core.validators.MaxValueValidator(90),
                ],
            ),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="longitude",
            field=models.DecimalField(
                blank=True,
                decimal_places=6,
                max_digits=9,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(-180),
                    django.core.validators.MaxValueValidator(180),
                ],
            ),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="map_url",
            field=models.URLField(
                blank=True,
                help_text="A link to the clinic on an ordinary map site (nothing is embedded in the page).",
                verbose_name="map link",
            ),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="parking",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="parking_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="parking_fr",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="postal_code",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="public_transport",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="public_transport_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="public_transport_fr",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="region",
            field=models.CharField(
                blank=True,
                help_text="e.g. CA (left out if empty).",
                max_length=100,
                verbose_name="state or region",
            ),
        ),
        migrations.AddField(
            model_name="clinicprofile",
            name="street_address",
            field=models.CharField(
                blank=True, help_text="e.g. 1200 Main Street, Suite 3", max_length=200
            ),
        ),
        migrations.AlterField(
            model_name="clinicprofile",
            name="award_line",
            field=models.CharField(
                blank=True,
                help_text="In the clinic's own words, exactly as awarded.",
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name="clinicprofile",
            name="award_line_en",
            field=models.CharField(
                blank=True,
                help_text="In the clinic's own words, exactly as awarded.",
                max_length=200,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="clinicprofile",
            name="award_line_fr",
            field=models.CharField(
                blank=True,
                help_text="In the clinic's own words, exactly as awarded.",
                max_length=200,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="clinicprofile",
            name="email",
            field=models.EmailField(
                blank=True,
                help_text="Public contact address; the contact form's messages go here.",
                max_length=254,
            ),
        ),
        migrations.RunPython(move_address_and_store_phones_e164, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="clinicprofile",
            name="address",
        ),
        migrations.AlterField(
            model_name="clinicprofile",
            name="phone",
            field=models.CharField(
                help_text="E.164, e.g. +16508156552; shown as +1 650-815-6552.",
                max_length=20,
                validators=[clinic.phones.validate_e164],
                verbose_name="main phone",
            ),
        ),
        migrations.AlterField(
            model_name="clinicprofile",
            name="second_phone",
            field=models.CharField(
                blank=True,
                help_text="E.164, e.g. +33784264352.",
                max_length=20,
                validators=[clinic.phones.validate_e164],
            ),
        ),
        migrations.CreateModel(
            name="Closure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("first_day", models.DateField()),
                (
                    "last_day",
                    models.DateField(help_text="The same as the first day for a single day."),
                ),
                (
                    "reason",
                    models.CharField(
                        help_text="Shown to patients, e.g. Thanksgiving.", max_length=120
                    ),
                ),
                (
                    "reason_en",
                    models.CharField(
                        help_text="Shown to patients, e.g. Thanksgiving.", max_length=120, null=True
                    ),
                ),
                (
                    "reason_fr",
                    models.CharField(
                        help_text="Shown to patients, e.g. Thanksgiving.", max_length=120, null=True
                    ),
                ),
            ],
            options={
                "ordering": ["first_day"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("last_day__gte", models.F("first_day"))),
                        name="clinic_closure_ends_after_start",
                        violation_error_message="The last day cannot be before the first.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="OpeningHours",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "weekday",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "Monday"),
                            (1, "Tuesday"),
                            (2, "Wednesday"),
                            (3, "Thursday"),
                            (4, "Friday"),
                            (5, "Saturday"),
                            (6, "Sunday"),
                        ]
                    ),
                ),
                ("opens", models.TimeField()),
                (
                    "closes",
                    models.TimeField(
                        help_text="Earlier than the opening time: open past midnight."
                    ),
                ),
            ],
            options={
                "verbose_name": "opening hours",
                "verbose_name_plural": "opening hours",
                "ordering": ["weekday", "opens"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("closes", models.F("opens")), _negated=True),
                        name="clinic_openinghours_not_empty",
                        violation_error_message="The block must close at another time than it opens.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("weekday__gte", 0), ("weekday__lte", 6)),
                        name="clinic_openinghours_weekday",
                    ),
                ],
            },
        ),
        migrations.RunSQL(
            "".join(CREATE_TRIGGER.format(table=table) for table in NEW_CONTENT_TABLES),
            "".join(DROP_TRIGGER.format(table=table) for table in NEW_CONTENT_TABLES),
        ),
    ]
