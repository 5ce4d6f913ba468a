"""The search vector is kept current by the database, as the content version is.

A condition's vector is computed from its row and its links by one SQL function. Triggers call it
whenever the row's text, a link (body region, risk factor, treatment) or a linked name changes,
whoever writes, in the writing transaction. The application never writes the column.

Weights: A title and alternate names, B summary, C body regions, risk factors and treatments,
D the article's sections. The section columns here are conditions.sections.SECTIONS; a test
checks that a word in any one of them is found.
"""

from django.db import migrations

SECTION_COLUMNS = [
    "overview",
    "anatomy",
    "causes",
    "symptoms",
    "diagnosis",
    "treatment",
    "physical_therapy",
    "prevention",
]

CREATE = f"""
CREATE FUNCTION conditions_search_vector(c conditions_condition) RETURNS tsvector
LANGUAGE sql STABLE AS $$
SELECT
    setweight(to_tsvector('english',
        concat_ws(' ', c.title, array_to_string(c.alternate_names, ' '))), 'A')
    || setweight(to_tsvector('english', coalesce(c.summary, '')), 'B')
    || setweight(to_tsvector('english', concat_ws(' ',
        (SELECT string_agg(r.name, ' ' ORDER BY r."order", r.name)
           FROM conditions_condition_body_regions l
           JOIN conditions_bodyregion r ON r.id = l.bodyregion_id
          WHERE l.condition_id = c.id),
        (SELECT string_agg(f.name, ' ' ORDER BY l."order", l.id)
           FROM conditions_conditionriskfactor l
           JOIN conditions_riskfactor f ON f.id = l.risk_factor_id
          WHERE l.condition_id = c.id),
        (SELECT string_agg(t.name, ' ' ORDER BY l."order", l.id)
           FROM conditions_conditiontreatment l
           JOIN conditions_treatment t ON t.id = l.treatment_id
          WHERE l.condition_id = c.id))), 'C')
    || setweight(to_tsvector('english', concat_ws(' ', {", ".join("c." + column for column in SECTION_COLUMNS)})), 'D')
$$;

-- The row's own text: computed as it is written.
CREATE FUNCTION conditions_condition_set_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := conditions_search_vector(NEW);
    RETURN NEW;
END
$$;
CREATE TRIGGER conditions_condition_search_vector
BEFORE INSERT OR UPDATE OF title, alternate_names, summary, {", ".join(SECTION_COLUMNS)}
ON conditions_condition
FOR EACH ROW EXECUTE FUNCTION conditions_condition_set_search_vector();

-- A link added, changed or removed: the condition it belongs to, before and after.
CREATE FUNCTION conditions_link_refresh_search_vector() RETURNS trigger
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
    UPDATE conditions_condition c SET search_vector = conditions_search_vector(c)
     WHERE c.id = ANY(ids);
    RETURN NULL;
END
$$;

-- A linked name renamed: every condition linked to it. TG_ARGV: the link table and its column.
CREATE FUNCTION conditions_name_refresh_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name IS DISTINCT FROM OLD.name THEN
        EXECUTE format(
            'UPDATE conditions_condition c SET search_vector = conditions_search_vector(c) '
            'WHERE c.id IN (SELECT condition_id FROM %I WHERE %I = $1)',
            TG_ARGV[0], TG_ARGV[1]
        ) USING NEW.id;
    END IF;
    RETURN NULL;
END
$$;
"""

LINK_TABLES = [
    "conditions_condition_body_regions",
    "conditions_conditionriskfactor",
    "conditions_conditiontreatment",
]
NAMED_TABLES = [
    ("conditions_bodyregion", "conditions_condition_body_regions", "bodyregion_id"),
    ("conditions_riskfactor", "conditions_conditionriskfactor", "risk_factor_id"),
    ("conditions_treatment", "conditions_conditiontreatment", "treatment_id"),
]

CREATE_TRIGGERS = "".join(
    [
        f"""
CREATE TRIGGER {table}_search_vector
AFTER INSERT OR UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION conditions_link_refresh_search_vector();
"""
        for table in LINK_TABLES
    ]
    + [
        f"""
CREATE TRIGGER {table}_search_vector
AFTER UPDATE OF name ON {table}
FOR EACH ROW EXECUTE FUNCTION conditions_name_refresh_search_vector('{links}', '{column}');
"""
        for table, links, column in NAMED_TABLES
    ]
)

# Every existing row, computed the new way.
REFRESH = "UPDATE conditions_condition c SET search_vector = conditions_search_vector(c);"

DROP = (
    "".join(
        f"DROP TRIGGER {table}_search_vector ON {table};"
        for table in [*LINK_TABLES, *(named for named, _, _ in NAMED_TABLES)]
    )
    + """
DROP TRIGGER conditions_condition_search_vector ON conditions_condition;
DROP FUNCTION conditions_name_refresh_search_vector();
DROP FUNCTION conditions_link_refresh_search_vector();
DROP FUNCTION conditions_condition_set_search_vector();
DROP FUNCTION conditions_search_vector(conditions_condition);
"""
)


class Migration(migrations.Migration):
    dependencies = [("conditions", "0007_move_site_rows_to_clinic")]

    operations = [migrations.RunSQL(CREATE + CREATE_TRIGGERS + REFRESH, DROP)]
