"""Searching published conditions the way patients phrase it, with readable results.

A query is what a patient types: "my knee hurts when I run downstairs". conditions/query.py turns
it into concepts (the words that matter, typos put right, each with its synonyms); an article
matches a concept when its stored search vector has any of them. Articles that match every
concept are the results; when none does, every article that matches some is, the most concepts
first. Within that, `ts_rank` orders them by where the words are: title and alternate names
first, then the summary, symptoms and body regions, then the rest (the vector's weights,
conditions migration 0013).

The page's language picks the vector (GIN-indexed, kept by the database): English
`search_vector`, or French `search_vector_fr`, whose text and queries are folded by the database's
`conditions_fold` (lower case, no accents). A query written with search operators (quotes, OR,
-minus) is run as PostgreSQL's web search instead. Snippets are whole sentences
(conditions/snippets.py).
"""

from __future__ import annotations

import difflib
import functools
import operator
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, TextField, Value, When

from clinic.i18n import content_language, localized
from conditions.models import (
    LIST_FIELDS,
    SEARCH_CONFIGS,
    BodyRegion,
    Condition,
    ConditionRiskFactor,
    ConditionTreatment,
    RiskFactor,
    SearchMiss,
    Treatment,
)
from conditions.query import Concept, Interpretation, interpret, words_of
from conditions.sections import SECTION_NAMES
from conditions.snippets import LinkedNames, concept_patterns, marked, snippet

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
# ts_rank's weights for D, C, B, A: a title match is worth more than all the rest.
WEIGHTS = [0.05, 0.2, 0.5, 1.0]
_OPERATORS = re.compile(r'"|(?:^|\s)-\w|\sOR\s')


def _result_fields(language: str) -> tuple[str, ...]:
    """What a result shows: its card fields, and the text its snippet is taken from, in the
    page's language and in English, which stands in where a translation is missing."""
    codes = dict.fromkeys((language, "en"))
    return (*LIST_FIELDS, *(f"{name}_{code}" for name in SECTION_NAMES for code in codes))


class _CountedPaginator(Paginator):
    """A paginator told how many results there are, by the query that chose them."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.count = count  # in place of the cached property's COUNT(*)


@dataclass
class Suggestion:
    name: str
    condition_title: str
    url: str


@dataclass
class SearchOutcome:
    query: str
    page: Page | None
    suggestions: list[Suggestion]
    corrections: dict[str, str] = field(default_factory=dict)
    corrected_query: str = ""

    @property
    def found(self) -> bool:
        return self.page is not None and self.page.paginator.count > 0


def clean_query(raw: str | None) -> str:
    """The visitor's text, whitespace collapsed, cut to a length the database is happy with."""
    # PostgreSQL text cannot hold NUL; a pasted one would otherwise be a database error.
    return " ".join((raw or "").replace("\x00", " ").split())[:MAX_QUERY_LENGTH]


def _language(language: str | None = None) -> str:
    """The language to search in: the page's, where the library has a vector for it."""
    language = language or content_language()
    return language if language in SEARCH_CONFIGS else "en"


def _vector(language: str) -> str:
    return "search_vector" if language == "en" else f"search_vector_{language}"


def _text(value: str, language: str):
    """A query's text as the language's vector holds words: folded, for French."""
    if language == "en":
        return value
    return Func(Value(value), function="conditions_fold", output_field=TextField())


def _quoted(phrase: str) -> str:
    """A word or phrase as one operand of to_tsquery: quoted, its words then matched as a
    phrase, as phraseto_tsquery would (stop words keep their place)."""
    return "'" + phrase.replace("\\", "\\\\").replace("'", "''") + "'"


def _concept_text(concept: Concept) -> str:
    return "(" + " | ".join(_quoted(alternative) for alternative in concept.alternatives) + ")"


def _tsquery(concepts: list[Concept], operator_: str, language: str) -> SearchQuery:
    """One to_tsquery of these concepts joined by `operator_` ("&" or "|"): the database
    parses a single text, where a query built of one phraseto_tsquery per alternative cost
    Django milliseconds to compile for each of a search's queries."""
    text = f" {operator_} ".join(_concept_text(concept) for concept in concepts)
    return SearchQuery(_text(text, language), config=SEARCH_CONFIGS[language], search_type="raw")


def _published(language: str):
    # Only what a result shows; its body regions, risk factors and treatments are read as names,
    # a page at a time (_linked_names), not as a model per link.
    return Condition.objects.published().only(*_result_fields(language))


def _linked_names(conditions) -> dict[int, LinkedNames]:
    """The names of these conditions' body regions, risk factors and treatments, in the active
    language (with English where a translation is missing, as a page shows them), each in its
    order on the condition's page: one query."""
    found = {condition.pk: LinkedNames() for condition in conditions}
    if not found:
        return found
    with connection.cursor() as cursor:
        cursor.execute(_linked_names_sql(content_language()), {"ids": list(found)})
        for kind, condition_id, name in cursor.fetchall():
            linked = found[condition_id]
            (linked.body_regions, linked.risk_factors, linked.treatments)[kind].append(name)
    return found


@functools.cache
def _linked_names_sql(language: str) -> str:
    """_linked_names' query, written once per language (built with the ORM, a union of three
    with translated names cost more to compile than to run). Its rows: (0 for a body region,
    1 a risk factor, 2 a treatment; the condition; the name), in page order: regions as
    BodyRegion's Meta orders them (order, name), links as theirs do (order, pk)."""

    def name(table: str) -> str:
        english = f'"{table}"."name_{settings.LANGUAGE_CODE}"'
        if language == settings.LANGUAGE_CODE:
            return english
        return f"""COALESCE(NULLIF("{table}"."name_{language}", ''), {english})"""

    def names(kind: int, links: str, target, column: str, order: str, then: str) -> str:
        table = target._meta.db_table
        return (
            f"SELECT {kind} AS kind, link.condition_id, {order} AS position, {then}, "
            f'{name(table)} AS name FROM "{links}" link JOIN "{table}" '
            f'ON "{table}".id = link."{column}" WHERE link.condition_id = ANY(%(ids)s)'
        )

    region = f'"{BodyRegion._meta.db_table}"'
    parts = [
        names(
            0,
            Condition.body_regions.through._meta.db_table,
            BodyRegion,
            "bodyregion_id",
            f'{region}."order"',
            f"{region}.name AS then_name, 0 AS then_id",
        ),
        *(
            names(kind, model._meta.db_table, target, column, 'link."order"', "'', link.id")
            for kind, model, target, column in (
                (1, ConditionRiskFactor, RiskFactor, "risk_factor_id"),
                (2, ConditionTreatment, Treatment, "treatment_id"),
            )
        ),
    ]
    return (
        f"SELECT kind, condition_id, name FROM ({' UNION ALL '.join(parts)}) AS linked "
        "ORDER BY kind, condition_id, position, then_name, then_id"
    )


def matching_conditions(query: str | Interpretation, language: str | None = None):
    """Published conditions for a query (or its concepts), best first (see the module's
    docstring)."""
    return _matches(query, language)[0]


def _matches(query: str | Interpretation, language: str | None = None):
    """matching_conditions(), and how many there are, counted as they are chosen."""
    language = _language(language)
    interpretation = interpret(query, language) if isinstance(query, str) else query
    vector = _vector(language)
    concepts = interpretation.concepts
    if not concepts:
        return Condition.objects.none(), 0
    some = _tsquery(concepts, "|", language)
    every = _tsquery(concepts, "&", language)
    # Filtered on the vector itself, so the GIN index finds the rows (a filter on `matched`
    # alone made PostgreSQL test every article's vector). Counting those matching every
    # concept first: the page needs the count, and a search mostly has some.
    published = Condition.objects.published()
    chosen = every
    count = published.filter(**{vector: every}).count()
    if not count and len(concepts) > 1:
        chosen = some
        count = published.filter(**{vector: some}).count()
    if not count:
        return Condition.objects.none(), 0
    conditions = (
        _published(language)
        .filter(**{vector: chosen})
        .annotate(rank=SearchRank(F(vector), some, weights=WEIGHTS))
    )
    if chosen is every:
        return conditions.order_by("-rank", localized("title").asc()), count
    matched = functools.reduce(
        operator.add,
        [
            Case(When(**{vector: _tsquery([concept], "|", language)}, then=1), default=0)
            for concept in concepts
        ],
    )
    conditions = conditions.annotate(matched=Value(0, output_field=IntegerField()) + matched)
    return conditions.order_by("-matched", "-rank", localized("title").asc()), count


def _web_search(query_text: str, language: str):
    """A query with search operators, as PostgreSQL's web search reads it."""
    vector = _vector(language)
    query = SearchQuery(
        _text(query_text, language), config=SEARCH_CONFIGS[language], search_type="websearch"
    )
    return (
        _published(language)
        .filter(**{vector: query})
        .annotate(rank=SearchRank(F(vector), query, weights=WEIGHTS))
        .order_by("-rank", localized("title").asc())
    )


def suggestions_for(query_text: str) -> list[Suggestion]:
    """Close titles and alternate names for a query that found nothing, one per article."""
    names = {}
    for condition in Condition.objects.published().only(*LIST_FIELDS):
        for name in [condition.title, *condition.alternate_names]:
            names.setdefault(name.lower(), (name, condition))
    close = difflib.get_close_matches(query_text.lower(), list(names), n=6, cutoff=0.6)
    suggestions, seen = [], set()
    for key in close:
        name, condition = names[key]
        if condition.pk in seen:
            continue
        seen.add(condition.pk)
        suggestions.append(Suggestion(name, condition.title, condition.get_absolute_url()))
    return suggestions[:3]


def search(raw_query: str | None, *, page_number=1) -> SearchOutcome:
    """Run a visitor's search; a search that finds nothing is recorded and gets suggestions."""
    query_text = clean_query(raw_query)
    if not query_text:
        return SearchOutcome(query="", page=None, suggestions=[])
    language = _language()
    if _OPERATORS.search(query_text):
        interpretation = Interpretation(
            concepts=[Concept(word, (word,)) for word in words_of(query_text) if word != "or"]
        )
        paginator = Paginator(_web_search(query_text, language), RESULTS_PER_PAGE)
    else:
        interpretation = interpret(query_text, language)
        conditions, count = _matches(interpretation, language)
        paginator = _CountedPaginator(conditions, RESULTS_PER_PAGE, count)
    page = paginator.get_page(page_number)
    patterns = concept_patterns(interpretation.concepts)
    linked = _linked_names(page.object_list)
    for condition in page.object_list:
        condition.region_names = linked[condition.pk].body_regions
        condition.snippet = snippet(
            condition, interpretation.concepts, linked=linked[condition.pk], patterns=patterns
        )
        condition.names_snippet = marked(", ".join(condition.alternate_names), patterns)
    outcome = SearchOutcome(
        query=query_text,
        page=page,
        suggestions=[],
        corrections=interpretation.corrections,
        corrected_query=interpretation.corrected_query if interpretation.corrections else "",
    )
    if not page.paginator.count:
        SearchMiss.record(query_text)
        outcome.suggestions = suggestions_for(query_text)
    return outcome
