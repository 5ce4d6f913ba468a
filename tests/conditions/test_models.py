"""Condition rows: the stored search vector and the search-miss counter."""

import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection

from conditions.models import (
    BodyRegion,
    Condition,
    ConditionRiskFactor,
    ConditionTreatment,
    RiskFactor,
    SearchMiss,
    Treatment,
)
from conditions.search import matching_conditions
from conditions.sections import SECTION_NAMES
from tests.conditions.conftest import make_condition

pytestmark = pytest.mark.django_db


def titles(query):
    return [c.title for c in matching_conditions(query)]


def test_the_database_reindexes_a_condition_whoever_changes_its_text():
    condition = make_condition("Ankle Sprain", summary="A twisted joint.")
    condition.title = "Wrist Sprain"
    condition.save()
    assert titles("wrist") == ["Wrist Sprain"] and titles("ankle") == []
    Condition.objects.filter(pk=condition.pk).update(summary="Common in skateboarders.")
    assert titles("skateboarders") == ["Wrist Sprain"]
    with connection.cursor() as cursor:  # not through Django at all
        cursor.execute(
            "UPDATE conditions_condition SET alternate_names_en = %s WHERE id = %s",
            [["sprained wrist", "carpal sprain"], condition.pk],
        )
    assert titles("carpal") == ["Wrist Sprain"]


@pytest.mark.parametrize("name", SECTION_NAMES)
def test_a_word_in_any_section_of_the_article_is_found(name):
    make_condition("Ankle Sprain", **{name: "Described as a zygapophyseal twinge."})
    make_condition("Knee Pain")
    assert titles("zygapophyseal") == ["Ankle Sprain"]


def test_links_and_linked_names_reindex_their_conditions():
    sprain = make_condition("Ankle Sprain", risk_factors=["Uneven ground"], regions=["ankle-foot"])
    make_condition("Knee Pain", risk_factors=["Running"])
    assert titles("uneven") == ["Ankle Sprain"]

    RiskFactor.objects.filter(name="Uneven ground").update(name="Trail running")
    assert titles("trail") == ["Ankle Sprain"] and titles("uneven") == []

    ConditionRiskFactor.objects.filter(condition=sprain).delete()
    assert titles("trail") == []
    sprain.risk_factor_links.create(risk_factor=RiskFactor.objects.get(name="Running"), order=1)
    assert titles("running") == ["Ankle Sprain", "Knee Pain"]

    BodyRegion.objects.filter(slug="ankle-foot").update(name="Talus country")
    assert titles("talus") == ["Ankle Sprain"]
    sprain.body_regions.clear()
    assert titles("talus") == []

    treatment = Treatment.objects.create(name="Wobble board", slug="wobble-board")
    link = ConditionTreatment.objects.create(condition=sprain, treatment=treatment, order=1)
    assert titles("wobble") == ["Ankle Sprain"]
    link.condition = Condition.objects.get(title="Knee Pain")
    link.save()
    assert titles("wobble") == ["Knee Pain"]


def test_title_and_alternate_names_outrank_summary_and_body():
    make_condition("Knee Pain", summary="Often from running.")
    make_condition("Hip Pain", summary="Sometimes blamed on the knee.")
    make_condition("Back Pain", overview="Not the knee at all.")
    make_condition("Runner's Ache", alternate_names=["knee ache"])
    ranked = titles("knee")
    assert set(ranked[:2]) == {"Knee Pain", "Runner's Ache"}
    assert ranked[2:] == ["Hip Pain", "Back Pain"]


def test_risk_factor_names_are_shared_rows_that_must_be_unique_ignoring_case():
    RiskFactor.objects.create(name="Dehydration", slug="dehydration")
    with pytest.raises(IntegrityError):
        RiskFactor.objects.create(name="DEHYDRATION", slug="dehydration-2")


def test_the_next_review_cannot_be_before_the_last_one():
    with pytest.raises(IntegrityError):
        make_condition(
            "Shin Splints", last_reviewed=date(2026, 5, 1), next_review_due=date(2026, 4, 1)
        )


def test_a_search_miss_is_counted_in_one_row_per_normalised_query():
    SearchMiss.record("Tennis   Elbow")
    SearchMiss.record("tennis elbow ")
    SearchMiss.record("   ")
    assert list(SearchMiss.objects.values_list("query", "count")) == [("tennis elbow", 2)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_misses_are_all_counted():
    def record():
        try:
            for _ in range(10):
                SearchMiss.record("golfers elbow")
        finally:
            connection.close()

    threads = [threading.Thread(target=record) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert SearchMiss.objects.get().count == 40


def test_is_review_due(settings):
    condition = Condition(next_review_due=date(2000, 1, 1))
    assert condition.is_review_due
    assert not Condition(next_review_due=date(2999, 1, 1)).is_review_due
    assert not Condition().is_review_due


def test_the_search_vectors_stay_in_their_rows():
    # A search reads the vector of every article it ranks: kept in the row, not fetched from
    # the TOAST table (migration 0014).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute "
            "WHERE attrelid = 'conditions_condition'::regclass AND attname LIKE 'search_vector%'"
        )
        assert dict(cursor.fetchall()) == {"search_vector": "m", "search_vector_fr": "m"}
