"""How well search finds what patients mean: the share of patients' queries whose article is in
the first three results, and the mean reciprocal rank, over the demo library.

    DEBUG=true .venv/bin/python bench/bench_search_relevance.py

The queries are tests/conditions/data/relevance.json (tests/conditions/test_relevance.py requires
each in the top three). A throwaway database (`bench_clinic_relevance` on the same server) is
filled by `load_demo` and dropped afterwards, even on failure.
"""

import json
import os
import sys
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ["TEST_DATABASE_NAME"] = "bench_clinic_relevance"  # never the development database

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import translation  # noqa: E402

from conditions.search import search  # noqa: E402

QUERIES = json.loads((ROOT / "tests" / "conditions" / "data" / "relevance.json").read_text())


def rank_of(query: str, slug: str, language: str) -> int | None:
    with translation.override(language):
        outcome = search(query)
        slugs = [condition.slug_en for condition in (outcome.page or [])]
    return slugs.index(slug) + 1 if slug in slugs else None


def main():
    development_database = connection.settings_dict["NAME"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        assert name != development_database
        call_command("load_demo", allow_production=True, stdout=StringIO())
        print(f"{'language':9} {'queries':>7} {'top 3':>6} {'first':>6} {'MRR':>6}")
        for language, cases in ((code, QUERIES[code]) for code in ("en", "fr")):
            ranks = [rank_of(query, slug, language) for query, slug in cases]
            top3 = sum(1 for rank in ranks if rank and rank <= 3) / len(ranks)
            first = sum(1 for rank in ranks if rank == 1) / len(ranks)
            mrr = sum(1 / rank for rank in ranks if rank) / len(ranks)
            print(f"{language:9} {len(ranks):7} {top3:6.0%} {first:6.0%} {mrr:6.2f}")
            for (query, slug), rank in zip(cases, ranks, strict=True):
                if rank != 1:
                    print(f"    {query!r}: {slug} at {rank or 'not found'}")
    finally:
        connection.creation.destroy_test_db(development_database, verbosity=0)
        print(f"\nDropped '{name}'.")


if __name__ == "__main__":
    main()
