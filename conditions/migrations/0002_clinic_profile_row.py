"""The clinic's profile row, first filled from the letterhead of the clinic's articles."""

from django.db import migrations


def create_profile(apps, schema_editor):
    ClinicProfile = apps.get_model("conditions", "ClinicProfile")
    if not ClinicProfile.objects.exists():
        ClinicProfile.objects.create(
            name="Sports Medicine",
            tagline="Sports Injury Prevention & Rehabilitation",
            phone="+1-650-815-6552",
            phone_label="US",
            second_phone="+33784264352",
            second_phone_label="France",
            award_line="Voted Best Sports Therapy Clinic in the San Francisco Bay Area 2010-2018!",
        )


class Migration(migrations.Migration):
    dependencies = [("conditions", "0001_initial")]

    operations = [migrations.RunPython(create_profile, migrations.RunPython.noop)]
