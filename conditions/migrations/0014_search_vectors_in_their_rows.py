"""The search vectors kept in their rows (storage MAIN), not moved out to the TOAST table.

A search ranks every article that matches (ts_rank reads each one's vector) and PostgreSQL
rechecks the match on each, so each vector was fetched from the TOAST table (a few page reads),
twice, per matching article: over 10,000 articles, "knee pain" (2,347 matches) took 27 ms to
rank, 14 ms with the vectors in the rows. The long article texts, read only for the page of
results shown, are moved out first instead. The vectors are rewritten, so every row moves.
"""

from importlib import import_module

from django.db import migrations

REFRESH = import_module("conditions.migrations.0010_search_vectors_per_language").REFRESH


def _storage(kind: str) -> str:
    return (
        "ALTER TABLE conditions_condition "
        f"ALTER COLUMN search_vector SET STORAGE {kind}, "
        f"ALTER COLUMN search_vector_fr SET STORAGE {kind};"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0013_search_synonyms_and_weights"),
    ]

    operations = [
        migrations.RunSQL(_storage("MAIN") + REFRESH, _storage("EXTENDED") + REFRESH),
    ]
