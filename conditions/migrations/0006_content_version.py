"""The content version the page cache keys pages by, and the triggers that bump it.

Every table whose rows a cached page shows (home, site header and footer, A–Z index, condition and
risk-factor pages) gets a statement-level trigger: any INSERT, UPDATE, DELETE or TRUNCATE, by any
client, sets the one version row to the next number of a sequence, inside the writing transaction.
The sequence is deliberately not owned by a column, so a TRUNCATE ... RESTART IDENTITY (a test
flush) cannot reset it and hand out a number an old cached page was stored under.
"""

from django.db import migrations, models

# The tables the cached pages read. A page that starts showing another table's rows needs it here.
CONTENT_TABLES = [
    "conditions_clinicprofile",
    "conditions_bodyregion",
    "conditions_riskfactor",
    "conditions_treatment",
    "conditions_condition",
    "conditions_condition_body_regions",
    "conditions_condition_related_conditions",
    "conditions_conditionriskfactor",
    "conditions_conditiontreatment",
]

# An upsert rather than an UPDATE: a flush truncates the version table along with the others.
CREATE_FUNCTION = """
CREATE SEQUENCE conditions_content_version_seq;
CREATE FUNCTION conditions_bump_content_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO conditions_contentversion (id, value)
    VALUES (1, nextval('conditions_content_version_seq'))
    ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value;
    RETURN NULL;
END
$$;
INSERT INTO conditions_contentversion (id, value)
VALUES (1, nextval('conditions_content_version_seq'));
"""
DROP_FUNCTION = """
DROP FUNCTION conditions_bump_content_version();
DROP SEQUENCE conditions_content_version_seq;
"""

CREATE_TRIGGER = """
CREATE TRIGGER {table}_content_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION conditions_bump_content_version();
"""
DROP_TRIGGER = "DROP TRIGGER {table}_content_version ON {table};"


class Migration(migrations.Migration):
    dependencies = [("conditions", "0005_body_regions")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField()),
            ],
            options={"verbose_name": "content version"},
        ),
        migrations.RunSQL(CREATE_FUNCTION, DROP_FUNCTION),
        *(
            migrations.RunSQL(
                CREATE_TRIGGER.format(table=table), DROP_TRIGGER.format(table=table)
            )
            for table in CONTENT_TABLES
        ),
    ]
