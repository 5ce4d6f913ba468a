"""Benchmark the condition library at 100, 1,000 and 10,000 conditions.

    DEBUG=true .venv/bin/python bench/bench_conditions.py [--conditions 100,1000,10000] [--runs 30]

For each size (1x, 10x, 100x; the targets: a first-time search under 10 ms at 1,000 and under
30 ms at 10,000, in-process):
Creates a throwaway database (`bench_clinic_conditions` on the same server, dropped afterwards,
even on failure), fills it with the clinic's seed article plus generated conditions that share
risk factors and treatments, then prints the median time of a search and of a condition page,
each a full request through Django's test client (URL routing, queries, template rendering).
"""

import argparse
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
# The throwaway database's name; never the development database.
os.environ["TEST_DATABASE_NAME"] = "bench_clinic_conditions"
# One client searching hundreds of times on purpose; and the cost of rendering a page, which
# a visitor pays only when the page cache misses (bench/http_load.py measures the hits).
os.environ["RATELIMIT_DISABLED"] = "true"
os.environ["PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from conditions import search as condition_search  # noqa: E402
from conditions.importer import import_article_file  # noqa: E402
from conditions.models import (  # noqa: E402
    BodyRegion,
    Condition,
    ConditionRiskFactor,
    ConditionTreatment,
    RiskFactor,
    Treatment,
)
from conditions.search import matching_conditions  # noqa: E402

SEED = ROOT / "conditions" / "seeds" / "calf-cramps.txt"
PARTS = ["Calf", "Knee", "Ankle", "Hip", "Shoulder", "Elbow", "Wrist", "Heel", "Groin", "Neck"]
KINDS = ["Strain", "Sprain", "Tendinopathy", "Bursitis", "Impingement", "Contusion", "Cramps"]
WORDS = [
    "muscle",
    "tendon",
    "ligament",
    "joint",
    "pain",
    "swelling",
    "running",
    "training",
    "load",
    "stiffness",
    "weakness",
    "recovery",
    "strength",
    "balance",
    "footwear",
    "surface",
    "fatigue",
    "rest",
    "exercise",
    "massage",
    "stretching",
    "injury",
    "athlete",
    "sport",
    "jumping",
    "landing",
    "tissue",
    "inflammation",
    "overuse",
    "movement",
    "posture",
]
SEARCHES = ["calf cramp", "dehydration", "knee pain", "tendon OR ligament", '"soft tissue" -heat']


def sentence(rng, words=14):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def paragraph(rng, sentences=4):
    return " ".join(sentence(rng) for _ in range(sentences))


def fill(count: int) -> list[str]:
    """The seed plus `count - 1` generated published conditions; returns their slugs."""
    rng = random.Random(20261125)
    BodyRegion.ensure_defaults()
    regions = list(BodyRegion.objects.all())
    seed = import_article_file(SEED, publish=True).condition
    risk_factors = list(RiskFactor.objects.all())
    risk_factors += RiskFactor.objects.bulk_create(
        RiskFactor(name=f"Risk factor {n}: {sentence(rng, 4)[:-1]}", slug=f"risk-factor-{n}")
        for n in range(60)
    )
    treatments = list(Treatment.objects.all())
    treatments += Treatment.objects.bulk_create(
        Treatment(name=f"Treatment {n}: {sentence(rng, 3)[:-1]}", slug=f"treatment-{n}")
        for n in range(30)
    )
    now = timezone.now()
    conditions = Condition.objects.bulk_create(
        Condition(
            title=f"{rng.choice(PARTS)} {rng.choice(KINDS)} {n}",
            slug=f"condition-{n}",
            status=Condition.Status.PUBLISHED,
            published_at=now,
            alternate_names=[f"{rng.choice(WORDS)} {rng.choice(WORDS)}"],
            summary=sentence(rng, 20),
            overview=paragraph(rng),
            anatomy=paragraph(rng, 2),
            causes=paragraph(rng, 2),
            symptoms="\n".join(f"- {sentence(rng, 6)}" for _ in range(4)),
            diagnosis=paragraph(rng, 2),
            treatment=paragraph(rng, 5),
            physical_therapy=paragraph(rng, 2),
            prevention=paragraph(rng, 2),
        )
        for n in range(1, count)
    )
    with links_indexed_once():
        link(conditions, regions, risk_factors, treatments, rng)
    # As autovacuum leaves a library between edits: each article's row was written twice (its
    # insert, then its search vector with its links' names), and the dead rows would be measured.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return [seed.slug, *[condition.slug for condition in conditions]]


# The link tables whose row triggers rewrite the article's search vector (conditions migration
# 0008): once per link inserted, a dozen times an article, which made filling 10,000 take 12 min.
LINK_TABLES = [
    "conditions_condition_body_regions",
    "conditions_conditionriskfactor",
    "conditions_conditiontreatment",
]


@contextmanager
def links_indexed_once():
    """Bulk-insert links with their triggers off, then index each article once, as a link's
    insert would: the vectors are exactly those the triggers make."""
    with connection.cursor() as cursor:
        for table in LINK_TABLES:
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{table}_search_vector"')
        try:
            yield
        finally:
            for table in LINK_TABLES:
                cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{table}_search_vector"')
        # Every generated article has a body region: touching one of its links indexes it.
        cursor.execute(
            "UPDATE conditions_condition_body_regions SET bodyregion_id = bodyregion_id "
            "WHERE id IN (SELECT min(id) FROM conditions_condition_body_regions "
            "GROUP BY condition_id)"
        )


def link(conditions, regions, risk_factors, treatments, rng) -> None:
    ConditionRiskFactor.objects.bulk_create(
        ConditionRiskFactor(condition=condition, risk_factor=factor, order=order)
        for condition in conditions
        for order, factor in enumerate(rng.sample(risk_factors, rng.randint(8, 15)), start=1)
    )
    ConditionTreatment.objects.bulk_create(
        ConditionTreatment(condition=condition, treatment=treatment, order=order)
        for condition in conditions
        for order, treatment in enumerate(rng.sample(treatments, rng.randint(5, 11)), start=1)
    )
    Through = Condition.body_regions.through
    Through.objects.bulk_create(
        Through(condition=condition, bodyregion=region)
        for condition in conditions
        for region in rng.sample(regions, rng.randint(1, 2))
    )
    Related = Condition.related_conditions.through
    Related.objects.bulk_create(
        Related(from_condition=condition, to_condition=other)
        for condition in conditions
        for other in rng.sample(conditions, 3)
        if other != condition
    )


def timed(client, path, params=None) -> tuple[float, int]:
    reset_queries()  # the log is a bounded deque: a full one would count nothing
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(path, params or {})
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, params, response.status_code)
    return elapsed, len(queries)


def benchmark(slugs: list[str], runs: int) -> float:
    """Print the figures; returns search()'s in-process median in ms."""
    client = Client()
    rng = random.Random(7)
    timed(client, "/search/", {"q": "warm up"})  # connection, template loading
    timed(client, f"/conditions/{slugs[0]}/")

    print(f"\nSearch (median of {runs} runs each, full request):")
    search_times = []
    for query in SEARCHES:
        found = len(matching_conditions(query))
        samples = [timed(client, "/search/", {"q": query}) for _ in range(runs)]
        times = [t for t, _ in samples]
        search_times += times
        print(
            f"  {query!r:<24} {statistics.median(times) * 1000:7.1f} ms  "
            f"{found:>4} matches, {samples[0][1]} queries"
        )
    print(f"  all searches:            {statistics.median(search_times) * 1000:7.1f} ms median")
    # The search itself, without the page around it (routing, template): what a visitor's first
    # search of these words costs the server beyond rendering any page.
    # Without DEBUG's query log, as production runs it.
    inner = []
    with override_settings(DEBUG=False):
        for query in SEARCHES:
            for _ in range(runs):
                start = time.perf_counter()
                condition_search.search(query)
                inner.append(time.perf_counter() - start)
    print(f"  search() in-process:     {statistics.median(inner) * 1000:7.1f} ms median")
    search_ms = statistics.median(inner) * 1000

    page_samples = [timed(client, f"/conditions/{rng.choice(slugs)}/") for _ in range(runs * 5)]
    page_times = [t for t, _ in page_samples]
    query_counts = sorted({n for _, n in page_samples})
    print(f"\nCondition page ({len(page_times)} renders of random conditions, full request):")
    print(
        f"  median {statistics.median(page_times) * 1000:.1f} ms, "
        f"p95 {statistics.quantiles(page_times, n=20)[-1] * 1000:.1f} ms, "
        f"queries per page: {query_counts}"
    )
    index_samples = [timed(client, "/conditions/") for _ in range(runs)]
    print(
        f"\nA–Z index of {len(slugs)} conditions: median "
        f"{statistics.median(t for t, _ in index_samples) * 1000:.1f} ms, "
        f"{index_samples[0][1]} queries"
    )
    return search_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--conditions", default="100,1000,10000", help="sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    misses = []
    for count in (int(value) for value in args.conditions.split(",")):
        search_ms = run(count, args.runs)
        if count in SEARCH_TARGET_MS and search_ms >= SEARCH_TARGET_MS[count]:
            misses.append(f"search over {count}: {search_ms:.1f} ms")
    if misses:
        raise SystemExit(f"missed (targets {SEARCH_TARGET_MS} ms): " + "; ".join(misses))


# A first-time search() in-process, by the library's size (issue 18).
SEARCH_TARGET_MS = {1000: 10, 10000: 30}


def run(count, runs) -> float:
    development_database = connection.settings_dict["NAME"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        assert name != development_database
        start = time.perf_counter()
        slugs = fill(count)
        print(
            f"Filled {Condition.objects.count()} conditions, {RiskFactor.objects.count()} risk "
            f"factors, {Treatment.objects.count()} treatments, "
            f"{ConditionRiskFactor.objects.count()} risk-factor links in the throwaway database "
            f"'{name}' ({time.perf_counter() - start:.1f} s)."
        )
        return benchmark(slugs, runs)
    finally:
        connection.creation.destroy_test_db(development_database, verbosity=0)
        print(f"\nDropped '{name}'.")


if __name__ == "__main__":
    main()
