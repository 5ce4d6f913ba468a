"""Search in patients' words: the synonyms editors keep, and the vector's weights.

`SearchSynonyms` rows start with the body-part and symptom words patients use for the words the
articles use (conditions/query.py reads them). The vectors of migrations 0008 and 0010 are
rebuilt with the article's own order of importance for a patient's question: A title and
alternate names; B summary, signs and symptoms, body regions; C causes, risk factors and
treatments; D the other sections.
"""

from importlib import import_module

from conditions.vocabulary import DEFAULT_SYNONYMS

import django.contrib.postgres.fields
from django.db import migrations, models


per_language = import_module("conditions.migrations.0010_search_vectors_per_language")
_english, _french = per_language._english, per_language._french

SECTIONS_D = ["overview", "anatomy", "diagnosis", "treatment", "physical_therapy", "prevention"]


def _document(language: str, pick) -> str:
    config = "english" if language == "en" else "french"
    fold = (lambda sql: sql) if language == "en" else (lambda sql: f"conditions_fold({sql})")

    def part(sql: str, weight: str) -> str:
        return f"setweight(to_tsvector('{config}', {fold(sql)}), '{weight}')"

    def names(link_table, target_table, target_column, order):
        return (
            f"(SELECT string_agg({pick('t', 'name')}, ' ' ORDER BY {order}) "
            f"FROM {link_table} l JOIN {target_table} t ON t.id = l.{target_column} "
            "WHERE l.condition_id = c.id)"
        )

    regions = names(
        "conditions_condition_body_regions",
        "conditions_bodyregion",
        "bodyregion_id",
        't."order", t.id',
    )
    risk_factors = names(
        "conditions_conditionriskfactor",
        "conditions_riskfactor",
        "risk_factor_id",
        'l."order", l.id',
    )
    treatments = names(
        "conditions_conditiontreatment", "conditions_treatment", "treatment_id", 'l."order", l.id'
    )
    titles = (
        f"concat_ws(' ', {pick('c', 'title')}, "
        f"array_to_string({pick('c', 'alternate_names', array=True)}, ' '))"
    )
    weighted = {
        "A": titles,
        "B": f"concat_ws(' ', {pick('c', 'summary')}, {pick('c', 'symptoms')}, {regions})",
        "C": f"concat_ws(' ', {pick('c', 'causes')}, {risk_factors}, {treatments})",
        "D": "concat_ws(' ', " + ", ".join(pick("c", name) for name in SECTIONS_D) + ")",
    }
    return " || ".join(part(sql, weight) for weight, sql in weighted.items())


VECTORS = (
    f"""
CREATE OR REPLACE FUNCTION conditions_search_vector(c conditions_condition) RETURNS tsvector
LANGUAGE sql STABLE AS $$ SELECT {_document("en", _english)} $$;
CREATE OR REPLACE FUNCTION conditions_search_vector_fr(c conditions_condition) RETURNS tsvector
LANGUAGE sql STABLE AS $$ SELECT {_document("fr", _french)} $$;
"""
    + per_language.REFRESH
)
PREVIOUS_VECTORS = (
    f"""
CREATE OR REPLACE FUNCTION conditions_search_vector(c conditions_condition) RETURNS tsvector
LANGUAGE sql STABLE AS $$ SELECT {per_language._document("en", _english)} $$;
CREATE OR REPLACE FUNCTION conditions_search_vector_fr(c conditions_condition) RETURNS tsvector
LANGUAGE sql STABLE AS $$ SELECT {per_language._document("fr", _french)} $$;
"""
    + per_language.REFRESH
)

# Edits show from the next search: conditions/query.py reads them once per content version.
CREATE_TRIGGER = """
CREATE TRIGGER conditions_searchsynonyms_content_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON conditions_searchsynonyms
FOR EACH STATEMENT EXECUTE FUNCTION conditions_bump_content_version();
"""
DROP_TRIGGER = (
    "DROP TRIGGER conditions_searchsynonyms_content_version ON conditions_searchsynonyms;"
)

def add_synonyms(apps, schema_editor):
    SearchSynonyms = apps.get_model("conditions", "SearchSynonyms")
    SearchSynonyms.objects.bulk_create(
        SearchSynonyms(language=language, words=[word.strip() for word in line.split(",")])
        for language, lines in DEFAULT_SYNONYMS.items()
        for line in lines
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0012_red_flags"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchSynonyms",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("fr", "Français")], default="en", max_length=8
                    ),
                ),
                (
                    "words",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=60),
                        help_text="Comma-separated words or short phrases, e.g. shin, tibia, lower leg.",
                        size=None,
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        help_text="Why they belong together, for other editors.",
                        max_length=200,
                    ),
                ),
            ],
            options={
                "verbose_name": "search synonyms",
                "verbose_name_plural": "search synonyms",
                "ordering": ["language", "pk"],
            },
        ),
        migrations.RunSQL(CREATE_TRIGGER, DROP_TRIGGER),
        migrations.RunPython(add_synonyms, migrations.RunPython.noop),
        migrations.RunSQL(VECTORS, PREVIOUS_VECTORS),
    ]
