"""Patients' own queries find the right article (tests/conditions/data/relevance.json).

Over the demo library (`load_demo`): each query must find its article among the first three
results. `bench/bench_search_relevance.py` prints the share found and the mean reciprocal rank.
"""

import json
from pathlib import Path

import pytest
from django.utils import translation

from conditions.search import search

pytestmark = pytest.mark.django_db
QUERIES = json.loads((Path(__file__).parent / "data" / "relevance.json").read_text())
CASES = [(language, query, slug) for language in ("en", "fr") for query, slug in QUERIES[language]]


def ranked_slugs(query: str, language: str) -> list[str]:
    with translation.override(language):
        outcome = search(query)
        return [condition.slug_en for condition in (outcome.page or [])]


def test_there_are_at_least_thirty_english_queries():
    assert len(QUERIES["en"]) >= 30


@pytest.mark.parametrize(("language", "query", "slug"), CASES, ids=[c[1] for c in CASES])
def test_a_patients_query_finds_its_article_in_the_top_three(demo_data, language, query, slug):
    assert slug in ranked_slugs(query, language)[:3]
