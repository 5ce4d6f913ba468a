"""The availability version: what cached free times are keyed by (clinic/page_cache.py).

Free times depend on appointments and the rooms they hold, therapists' hours and time off, the
services and what they need, rooms' and devices' out-of-use times, the booking rules and the
clinic's own hours and closures. A trigger on each of those tables sets the one
`AvailabilityVersion` row to the next number of a sequence inside the writing transaction, whoever
writes: a page of free times stored under a version was computed from data at least that recent,
and a booking, cancellation or change of hours gives every process a new version the moment it
commits. As for the content version (conditions migration 0006), the sequence is owned by no
column, so a TRUNCATE ... RESTART IDENTITY cannot hand out a number twice.

The migrations that make the triggers (clinic 0005, bookings 0018) take their SQL from here.

Since bookings 0020 the triggers are deferred constraint triggers, one firing per row written, at
commit: the row's lock is held from then to the end of the commit, not from a transaction's first
write. Bumped at its first write, it made every booking wait for the one before it to commit, at
any therapist and any time: the one place all of them queued. A test's transaction never
commits; tests that read cached free times make these triggers fire at each statement
(`bump_at_each_statement`).
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
    """One reversible RunSQL per table: any write to it bumps the availability version. The
    statement triggers of clinic 0005 and bookings 0018, which bookings 0020 made deferred row
    triggers (TO_DEFERRED): a new table needs that kind too, as
    test_every_table_free_times_are_computed_from_bumps_the_availability_version checks."""
    return [
        migrations.RunSQL(
            f"CREATE TRIGGER {table}_availability_version "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();",
            f"DROP TRIGGER {table}_availability_version ON {table};",
        )
        for table in tables
    ]


# Each table's availability-version trigger, as PostgreSQL lists them.
_TRIGGERS = """
    SELECT DISTINCT event_object_table FROM information_schema.triggers
    WHERE trigger_name = event_object_table || '_availability_version'
        AND event_object_schema = current_schema()
"""


def _for_each_table(*statements: str) -> str:
    """A DO block running each `format(...)` argument list as a statement, for each table that
    has an availability trigger (`tab`)."""
    body = "\n".join(f"        EXECUTE format({statement});" for statement in statements)
    return f"DO $$ DECLARE tab text; BEGIN FOR tab IN {_TRIGGERS} LOOP\n{body}\nEND LOOP; END $$;"


_DROP = "'DROP TRIGGER %I ON %I', tab || '_availability_version', tab"
_DROP_TRUNCATE = "'DROP TRIGGER %I ON %I', tab || '_availability_version_truncate', tab"
# bookings 0020: each statement trigger made by trigger_operations turned into a deferred row
# trigger and a statement trigger for TRUNCATE (which a row trigger cannot see), and back.
TO_DEFERRED = _for_each_table(
    _DROP,
    "'CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I DEFERRABLE "
    f"INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()', "
    "tab || '_availability_version', tab",
    f"'CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()', "
    "tab || '_availability_version_truncate', tab",
)
FROM_DEFERRED = _for_each_table(
    _DROP,
    _DROP_TRUNCATE,
    "'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT "
    f"EXECUTE FUNCTION {FUNCTION}()', tab || '_availability_version', tab",
)


def bump_at_each_statement(cursor) -> None:
    """Make the triggers fire at each statement for the rest of the transaction: for a test,
    whose transaction is rolled back, never committed."""
    cursor.execute(_TRIGGERS)
    names = [f"{table}_availability_version" for (table,) in cursor.fetchall()]
    cursor.execute(f"SET CONSTRAINTS {', '.join(names)} IMMEDIATE")
