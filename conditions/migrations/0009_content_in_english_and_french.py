"""A column per language for the condition library's text (conditions/translation.py)."""

import django.contrib.postgres.fields
from django.db import migrations, models


# The text so far is English: each English column starts as a copy of the original one.
COPIED = {
    "conditions_condition": [
        "title",
        "slug",
        "alternate_names",
        "summary",
        "overview",
        "anatomy",
        "causes",
        "symptoms",
        "diagnosis",
        "treatment",
        "physical_therapy",
        "prevention",
    ],
    "conditions_riskfactor": ["name", "description"],
    "conditions_treatment": ["name", "description"],
    "conditions_bodyregion": ["name"],
}
COPY_SQL = "".join(
    f"UPDATE {table} SET " + ", ".join(f"{column}_en = {column}" for column in columns) + ";"
    for table, columns in COPIED.items()
)


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0008_search_vector_in_database"),
    ]

    operations = [
        migrations.AddField(
            model_name="bodyregion",
            name="name_en",
            field=models.CharField(max_length=80, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="bodyregion",
            name="name_fr",
            field=models.CharField(max_length=80, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="alternate_names_en",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=120),
                blank=True,
                default=list,
                help_text="Lay terms and other names patients search for, comma-separated (e.g. charley horse).",
                null=True,
                size=None,
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="alternate_names_fr",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=120),
                blank=True,
                default=list,
                help_text="Lay terms and other names patients search for, comma-separated (e.g. charley horse).",
                null=True,
                size=None,
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="anatomy_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="anatomy_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="causes_en",
            field=models.TextField(
                blank=True,
                help_text="Markdown. The risk factors below are listed after this text.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="causes_fr",
            field=models.TextField(
                blank=True,
                help_text="Markdown. The risk factors below are listed after this text.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="diagnosis_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="diagnosis_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="overview_en",
            field=models.TextField(
                blank=True, help_text="Markdown. Empty sections are not shown.", null=True
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="overview_fr",
            field=models.TextField(
                blank=True, help_text="Markdown. Empty sections are not shown.", null=True
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="physical_therapy_en",
            field=models.TextField(
                blank=True,
                help_text="Markdown. The treatments below are listed after this text.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="physical_therapy_fr",
            field=models.TextField(
                blank=True,
                help_text="Markdown. The treatments below are listed after this text.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="prevention_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="prevention_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="slug_en",
            field=models.SlugField(max_length=200, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="slug_fr",
            field=models.SlugField(max_length=200, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="summary_en",
            field=models.TextField(
                blank=True,
                help_text="One or two plain sentences: shown in lists, search results and search engines.",
                max_length=400,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="summary_fr",
            field=models.TextField(
                blank=True,
                help_text="One or two plain sentences: shown in lists, search results and search engines.",
                max_length=400,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="symptoms_en",
            field=models.TextField(
                blank=True, help_text="Markdown.", null=True, verbose_name="signs and symptoms"
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="symptoms_fr",
            field=models.TextField(
                blank=True, help_text="Markdown.", null=True, verbose_name="signs and symptoms"
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="title_en",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="title_fr",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="treatment_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="condition",
            name="treatment_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="riskfactor",
            name="description_en",
            field=models.TextField(
                blank=True, help_text="Markdown: what it is and what helps.", null=True
            ),
        ),
        migrations.AddField(
            model_name="riskfactor",
            name="description_fr",
            field=models.TextField(
                blank=True, help_text="Markdown: what it is and what helps.", null=True
            ),
        ),
        migrations.AddField(
            model_name="riskfactor",
            name="name_en",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="riskfactor",
            name="name_fr",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="treatment",
            name="description_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="treatment",
            name="description_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="treatment",
            name="name_en",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="treatment",
            name="name_fr",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.RunSQL(COPY_SQL, migrations.RunSQL.noop),
    ]
