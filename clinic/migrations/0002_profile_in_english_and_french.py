"""The clinic's tagline and award line in English and French (clinic/translation.py)."""

from django.db import migrations, models

TAGLINE_FR = "Prévention et rééducation des blessures du sport"
AWARD_LINE_FR = (
    "Élu meilleur cabinet de kinésithérapie du sport de la baie de San Francisco de 2010 à 2018\u00a0!"
)


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
        # The words so far are English; the clinic's own letterhead has them in French too.
        migrations.RunSQL(
            "UPDATE clinic_clinicprofile SET tagline_en = tagline, award_line_en = award_line;",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            [
                (
                    "UPDATE clinic_clinicprofile SET tagline_fr = %s WHERE tagline_en = %s;",
                    [TAGLINE_FR, "Sports Injury Prevention & Rehabilitation"],
                ),
                (
                    "UPDATE clinic_clinicprofile SET award_line_fr = %s WHERE award_line_en = %s;",
                    [
                        AWARD_LINE_FR,
                        "Voted Best Sports Therapy Clinic in the San Francisco Bay Area 2010-2018!",
                    ],
                ),
            ],
            migrations.RunSQL.noop,
        ),
    ]
