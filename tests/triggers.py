"""What the database's own triggers watch, read from PostgreSQL: for the version tests."""

from django.db import connection


def tables_with_trigger(suffix: str) -> set[str]:
    """The tables that have a trigger whose name ends in `suffix` ("_content_version")."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name LIKE %s",
            ["%" + suffix],
        )
        return {row[0] for row in cursor.fetchall()}
