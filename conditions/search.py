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

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db.models import Case, F, Func, IntegerField, TextField, Value, When

from clinic.i18n import content_language, localized
from conditions.models import (
    LIST_FIELDS,
    SEARCH_CONFIGS,
    Condition,
    ConditionRiskFactor,
    ConditionTreatment,
    SearchMiss,
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


def _concept_query(concept: Concept, language: str) -> SearchQuery:
    parts = [
        SearchQuery(
            _text(alternative, language), config=SEARCH_CONFIGS[language], search_type="phrase"
        )
        for alternative in concept.alternatives
    ]
    return functools.reduce(operator.or_, parts)


def _published(language: str):
    # The card lists body regions; the snippets' risk factors and treatments are read as names,
    # a page at a time (_linked_names), not as a model per link.
    return (
        Condition.objects.published()
        .only(*_result_fields(language))
        .prefetch_related("body_regions")
    )


def _linked_names(conditions) -> dict[int, LinkedNames]:
    """The names of these conditions' risk factors and treatments, in the active language
    (with English where a translation is missing, as a page shows them): two queries."""
    found = {condition.pk: LinkedNames() for condition in conditions}
    for model, target, names_of in (
        (ConditionRiskFactor, "risk_factor", lambda linked: linked.risk_factors),
        (ConditionTreatment, "treatment", lambda linked: linked.treatments),
    ):
        rows = (
            model.objects.filter(condition__in=list(found))
            .order_by("condition", "order", "pk")
            .values_list("condition", localized(f"{target}__name"))
        )
        for condition_id, name in rows:
            names_of(found[condition_id]).append(name)
    return found


def matching_conditions(query: str | Interpretation, language: str | None = None):
    """Published conditions for a query (or its concepts), best first (see the module's
    docstring)."""
    language = _language(language)
    interpretation = interpret(query, language) if isinstance(query, str) else query
    vector = _vector(language)
    queries = [_concept_query(concept, language) for concept in interpretation.concepts]
    if not queries:
        return Condition.objects.none()
    matched = functools.reduce(
        operator.add,
        [Case(When(**{vector: query}, then=1), default=0) for query in queries],
    )
    some = functools.reduce(operator.or_, queries)
    conditions = _published(language).annotate(
        matched=Value(0, output_field=IntegerField()) + matched,
        rank=SearchRank(F(vector), some, weights=WEIGHTS),
    )
    # Filtered on the vector itself, so the GIN index finds the rows (a filter on `matched`
    # alone made PostgreSQL test every article's vector, for the count as for the page).
    every = conditions.filter(**{vector: functools.reduce(operator.and_, queries)})
    results = every if every.exists() else conditions.filter(**{vector: some})
    return results.order_by("-matched", "-rank", localized("title").asc())


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
        conditions = _web_search(query_text, language)
    else:
        interpretation = interpret(query_text, language)
        conditions = matching_conditions(interpretation, language)
    page = Paginator(conditions, RESULTS_PER_PAGE).get_page(page_number)
    patterns = concept_patterns(interpretation.concepts)
    linked = _linked_names(page.object_list)
    for condition in page.object_list:
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
