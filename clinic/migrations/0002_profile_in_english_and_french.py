"""The clinic's tagline and award line in English and French (clinic/translation.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0001_site_rows_from_conditions'),
    ]

    operations = [
        migrations.AddField(
            model_name='clinicprofile',
            name='award_line_en',
            field=models.CharField(blank=True, max_length=200, null=True),
        ),
        migrations.AddField(
            model_name='clinicprofile',
            name='award_line_fr',
            field=models.CharField(blank=True, max_length=200, null=True),
        ),
        migrations.AddField(
            model_name='clinicprofile',
            name='tagline_en',
            field=models.CharField(blank=True, max_length=200, null=True),
        ),
        migrations.AddField(
            model_name='clinicprofile',
            name='tagline_fr',
            field=models.CharField(blank=True, max_length=200, null=True),
        ),
        # The words so far are English.
        migrations.RunSQL(
            "UPDATE clinic_clinicprofile SET tagline_en = tagline, award_line_en = award_line;",
            migrations.RunSQL.noop,
        ),
    ]
