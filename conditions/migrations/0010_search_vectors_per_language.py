"""A search vector per language, both kept current by the database (as in migration 0008).

English reads the English columns with the `english` configuration. French reads each French
column, or the English one where the French is still empty (the page shows the English then too),
with the `french` configuration, after `conditions_fold` has lowered the text and taken the
accents off, so "crampé", "crampe" and "CRAMPES" are one word. Search folds the patient's words
with the same function. (`unaccent` would do the folding, but the embedded PostgreSQL has no
contrib extensions.)
"""

from importlib import import_module

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

# Going back restores the English-only vector of migration 0008, as it wrote it.
before = import_module("conditions.migrations.0008_search_vector_in_database")

SECTIONS = [
    "overview",
    "anatomy",
    "causes",
    "symptoms",
    "diagnosis",
    "treatment",
    "physical_therapy",
    "prevention",
]
TEXT = ["title", "alternate_names", "summary", *SECTIONS]
COLUMNS = ", ".join(f"{name}_{language}" for name in TEXT for language in ("en", "fr"))

ACCENTED = "àáâãäåāçćčèéêëēęěìíîïīñńòóôõöøōùúûüūýÿž"
PLAIN = "aaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyz"
assert len(ACCENTED) == len(PLAIN)


def _document(language: str, pick) -> str:
    """The SQL for one language's weighted vector of condition `c`; pick(table_alias, column)."""
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

    titles = (
        f"concat_ws(' ', {pick('c', 'title')}, "
        f"array_to_string({pick('c', 'alternate_names', array=True)}, ' '))"
    )
    linked = (
        "concat_ws(' ', "
        + names(
            "conditions_condition_body_regions",
            "conditions_bodyregion",
            "bodyregion_id",
            't."order", t.id',
        )
        + ", "
        + names(
            "conditions_conditionriskfactor",
            "conditions_riskfactor",
            "risk_factor_id",
            'l."order", l.id',
        )
        + ", "
        + names(
            "conditions_conditiontreatment",
            "conditions_treatment",
            "treatment_id",
            'l."order", l.id',
        )
        + ")"
    )
    sections = "concat_ws(' ', " + ", ".join(pick("c", name) for name in SECTIONS) + ")"
    return " || ".join(
        [
            part(titles, "A"),
            part(f"coalesce({pick('c', 'summary')}, '')", "B"),
            part(linked, "C"),
            part(sections, "D"),
        ]
    )


def _english(alias: str, column: str, array: bool = False) -> str:
    return f"{alias}.{column}_en"


def _french(alias: str, column: str, array: bool = False) -> str:
    """The French text, or the English where there is no French yet."""
    if array:
        return f"coalesce(nullif({alias}.{column}_fr, '{{}}'), {alias}.{column}_en)"
    return f"coalesce(nullif({alias}.{column}_fr, ''), {alias}.{column}_en)"


CREATE = f"""
CREATE FUNCTION conditions_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT replace(replace(translate(lower($1), '{ACCENTED}', '{PLAIN}'), 'œ', 'oe'), 'æ', 'ae')
$$;

CREATE OR REPLACE FUNCTION conditions_search_vector(c conditions_condition) RETURNS tsvector
LANGUAGE sql STABLE AS $$ SELECT {_document("en", _english)} $$;

CREATE FUNCTION conditions_search_vector_fr(c conditions_condition) RETURNS tsvector
LANGUAGE sql STABLE AS $$ SELECT {_document("fr", _french)} $$;

CREATE OR REPLACE FUNCTION conditions_condition_set_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := conditions_search_vector(NEW);
    NEW.search_vector_fr := conditions_search_vector_fr(NEW);
    RETURN NEW;
END
$$;
DROP TRIGGER conditions_condition_search_vector ON conditions_condition;
CREATE TRIGGER conditions_condition_search_vector
BEFORE INSERT OR UPDATE OF {COLUMNS}
ON conditions_condition
FOR EACH ROW EXECUTE FUNCTION conditions_condition_set_search_vector();

CREATE OR REPLACE FUNCTION conditions_link_refresh_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := ARRAY[]::bigint[];
BEGIN
    IF TG_OP <> 'INSERT' THEN
        ids := ids || OLD.condition_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        ids := ids || NEW.condition_id;
    END IF;
    UPDATE conditions_condition c
       SET search_vector = conditions_search_vector(c),
           search_vector_fr = conditions_search_vector_fr(c)
     WHERE c.id = ANY(ids);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION conditions_name_refresh_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'UPDATE conditions_condition c SET search_vector = conditions_search_vector(c), '
        'search_vector_fr = conditions_search_vector_fr(c) '
        'WHERE c.id IN (SELECT condition_id FROM %I WHERE %I = $1)',
        TG_ARGV[0], TG_ARGV[1]
    ) USING NEW.id;
    RETURN NULL;
END
$$;
"""

NAMED_TABLES = [
    ("conditions_bodyregion", "conditions_condition_body_regions", "bodyregion_id"),
    ("conditions_riskfactor", "conditions_conditionriskfactor", "risk_factor_id"),
    ("conditions_treatment", "conditions_conditiontreatment", "treatment_id"),
]
NAME_TRIGGERS = "".join(
    f"""
DROP TRIGGER {table}_search_vector ON {table};
CREATE TRIGGER {table}_search_vector
AFTER UPDATE OF name_en, name_fr ON {table}
FOR EACH ROW EXECUTE FUNCTION conditions_name_refresh_search_vector('{links}', '{column}');
"""
    for table, links, column in NAMED_TABLES
)

REFRESH = """
UPDATE conditions_condition c
   SET search_vector = conditions_search_vector(c),
       search_vector_fr = conditions_search_vector_fr(c);
"""


class Migration(migrations.Migration):
    dependencies = [("conditions", "0009_content_in_english_and_french")]

    operations = [
        migrations.AddField(
            model_name="condition",
            name="search_vector_fr",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="condition",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector_fr"], name="condition_search_fr_gin"
            ),
        ),
        migrations.RunSQL(
            CREATE + NAME_TRIGGERS + REFRESH,
            before.DROP
            + "DROP FUNCTION conditions_search_vector_fr(conditions_condition);"
            + "DROP FUNCTION conditions_fold(text);"
            + before.CREATE
            + before.CREATE_TRIGGERS
            + before.REFRESH,
        ),
    ]
