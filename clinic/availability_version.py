"""The availability version: what cached free times are keyed by (clinic/page_cache.py).

Free times depend on appointments and the rooms they hold, therapists' hours and time off, the
services and what they need, rooms' and devices' out-of-use times, the booking rules and the
clinic's own hours and closures. A statement-level trigger on each of those tables sets the one
`AvailabilityVersion` row to the next number of a sequence inside the writing transaction, whoever
writes: a page of free times stored under a version was computed from data at least that recent,
and a booking, cancellation or change of hours gives every process a new version the moment it
commits. As for the content version (conditions migration 0006), the sequence is owned by no
column, so a TRUNCATE ... RESTART IDENTITY cannot hand out a number twice.

The migrations that make the triggers (clinic 0005, bookings 0018) take their SQL from here.
"""

from django.db import migrations

SEQUENCE = "clinic_availability_version_seq"
FUNCTION = "clinic_bump_availability_version"
TABLE = "clinic_availabilityversion"

# An upsert rather than an UPDATE: a test flush truncates the version table with the others.
CREATE_FUNCTION = f"""
CREATE SEQUENCE {SEQUENCE};
CREATE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (id, value) VALUES (1, nextval('{SEQUENCE}'))
    ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value;
    RETURN NULL;
END
$$;
INSERT INTO {TABLE} (id, value) VALUES (1, nextval('{SEQUENCE}'));
"""
DROP_FUNCTION = f"DROP FUNCTION {FUNCTION}(); DROP SEQUENCE {SEQUENCE};"


def trigger_operations(tables: list[str]) -> list[migrations.RunSQL]:
    """One reversible RunSQL per table: any write to it bumps the availability version."""
    return [
        migrations.RunSQL(
            f"CREATE TRIGGER {table}_availability_version "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();",
            f"DROP TRIGGER {table}_availability_version ON {table};",
        )
        for table in tables
    ]
