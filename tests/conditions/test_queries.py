"""A condition page, the A–Z index and a search cost the same number of queries at any size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conditions.conftest import make_condition

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_search_runs(settings):
    """Each request runs the search; the page cache's hits are tested in test_page_cache.py."""
    settings.PAGE_CACHE_SECONDS = 0


# The budget for each page, for an anonymous visitor. The site frame reads three: the clinic
# profile, the footer's pages and the footer's opening hours. A cached page's first request adds
# the page cache's content-version read.
FRAME_QUERIES = 3
CONDITION_PAGE_QUERIES = FRAME_QUERIES + 7  # the article, its regions, red flags, links, related
INDEX_QUERIES = FRAME_QUERIES + 3
# A search, once this process has read the library's words and the vocabulary for the current
# content version (2 queries, on the first search after an edit) and asked PostgreSQL which of
# the query's words are stop words (1, the first time a word is seen): the content version, the
# page of results with how many there are in all and the names of their regions, risk factors
# and treatments (one query), and the frame's three. A search that finds nothing records the
# miss and reads the titles it suggests and the body regions it offers instead (and its test
# counts the page cache's version read: such a search is run on every request).
SEARCH_QUERIES = 2 + FRAME_QUERIES
SEARCH_MISS_QUERIES = 6 + FRAME_QUERIES


def fill(count):
    """`count` published conditions sharing risk factors and treatments, related to each other."""
    risk_factors = [f"Risk factor {n}" for n in range(1, 16)]
    treatments = [f"Treatment {n}" for n in range(1, 12)]
    conditions = [
        make_condition(
            f"Sprain {n:03}",
            risk_factors=risk_factors,
            treatments=treatments,
            regions=["knee", "ankle-foot"],
            alternate_names=[f"twisted joint {n}"],
            overview="Overview with a **list**:\n\n- one\n- two",
        )
        for n in range(count)
    ]
    first = conditions[0]
    first.related_conditions.add(*conditions[1:])
    return first


def count_queries(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [1, 100])
def test_a_condition_page_has_a_fixed_query_budget(client, django_assert_num_queries, size):
    fill(size)
    with django_assert_num_queries(CONDITION_PAGE_QUERIES):
        response = client.get("/conditions/sprain-000/")
    assert response.content.decode().count("/risk-factors/risk-factor-") == 15


@pytest.mark.parametrize("size", [1, 100])
def test_the_index_has_a_fixed_query_budget(client, django_assert_num_queries, size):
    fill(size)
    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get("/conditions/", {"region": "knee"})
    assert response.content.decode().count('class="condition-link"') == size


@pytest.mark.usefixtures("every_search_runs")
@pytest.mark.parametrize("size", [1, 100])
def test_a_search_has_a_fixed_query_budget(client, django_assert_num_queries, size):
    fill(size)
    client.get("/search/", {"q": "sprain risk factor"})  # the words and vocabulary, read once
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get("/search/", {"q": "sprain risk factor"})
    assert response.context["outcome"].page.paginator.count == size


@pytest.mark.parametrize("size", [1, 100])
def test_a_search_without_results_has_a_fixed_query_budget(
    client, django_assert_max_num_queries, size
):
    fill(size)
    client.get("/search/", {"q": "zzqxv"})
    with django_assert_max_num_queries(SEARCH_MISS_QUERIES):
        response = client.get("/search/", {"q": "zzqxv"})
    assert not response.context["outcome"].found


def test_the_count_does_not_grow_from_1_to_100_conditions(client):
    fill(1)
    small = [
        count_queries(client, "/conditions/sprain-000/"),
        count_queries(client, "/conditions/"),
        count_queries(client, "/search/", {"q": "sprain"}),
        count_queries(client, "/"),
    ]
    for n in range(1, 100):
        make_condition(f"Strain {n:03}", risk_factors=["Risk factor 1"], regions=["thigh"])
    large = [
        count_queries(client, "/conditions/sprain-000/"),
        count_queries(client, "/conditions/"),
        count_queries(client, "/search/", {"q": "sprain"}),
        count_queries(client, "/"),
    ]
    assert small == large


@pytest.mark.usefixtures("every_search_runs")
def test_searching_in_both_languages_reads_each_ones_vocabulary_once(client):
    fill(1)
    for path in ["/search/", "/fr/search/"]:
        client.get(path, {"q": "sprain risk factor"})  # each language's words, read once
    for path in ["/search/", "/fr/search/", "/search/"]:
        assert count_queries(client, path, {"q": "sprain risk factor"}) == SEARCH_QUERIES, path
