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
-minus) is run as PostgreSQL's web search instead. A page of results is one query, written in
SQL (_results_sql): the page, how many results there are, and their linked names. Snippets are
whole sentences (conditions/snippets.py).
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator

from clinic.i18n import content_language
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
from conditions.snippets import LinkedNames, concept_words, marked, snippet

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
MAX_PAGE_NUMBER = 10**6  # beyond it, an OFFSET PostgreSQL would not take
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


def _quoted(phrase: str) -> str:
    """A word or phrase as one operand of to_tsquery: quoted, its words then matched as a
    phrase, as phraseto_tsquery would (stop words keep their place)."""
    return "'" + phrase.replace("\\", "\\\\").replace("'", "''") + "'"


def _concept_text(concept: Concept) -> str:
    return "(" + " | ".join(_quoted(alternative) for alternative in concept.alternatives) + ")"


def _tsquery_text(concepts: list[Concept], operator_: str) -> str:
    """One to_tsquery text of these concepts joined by `operator_` ("&" or "|")."""
    return f" {operator_} ".join(_concept_text(concept) for concept in concepts)


@dataclass(frozen=True)
class _Results:
    """One way of choosing a search's results, read a page at a time (_results_sql)."""

    language: str
    query: str  # the text of the tsquery an article must match
    rank_query: str  # and of the one it is ranked by
    parse: str = "to_tsquery"  # or "websearch_to_tsquery", for a query with search operators
    # When an article need not match them all: each concept's to_tsquery text, and the articles
    # that match the most of them come first.
    concepts: tuple[str, ...] = ()

    def rows(self, *, offset=0, limit: int | None = RESULTS_PER_PAGE) -> list[Condition]:
        """Conditions from `offset` on, each with `found`, how many there are in all, and the
        names of its body regions, risk factors and treatments."""
        sql = _results_sql(self.language, self.parse, bool(self.concepts))
        params = {
            "published": Condition.Status.PUBLISHED,
            "query": self.query,
            "rank_query": self.rank_query,
            "concepts": list(self.concepts),
            "weights": WEIGHTS,
            "offset": offset,
            "limit": limit,
        }
        return list(Condition.objects.raw(sql, params))


@functools.cache
def _results_sql(language: str, parse: str, counts_concepts: bool) -> str:
    """The query for a page of results, written once per language and way of reading the query:
    the ORM's compiling of a search's expressions cost more than running them. Filtered on the
    vector, which the GIN index answers; counted by a window over the matching rows (all ranked
    for the page anyway), so the page knows how many there are without a second query; and each
    result with its linked names, in the page's language (English where a translation is
    missing), each in its order on the condition's page: regions as BodyRegion's Meta orders
    them, links as theirs do."""
    config = SEARCH_CONFIGS[language]
    vector = f'"{_vector(language)}"'

    def tsquery(text: str) -> str:
        # The French vector holds words folded (conditions_fold): so must its queries.
        folded = text if language == "en" else f"conditions_fold({text})"
        return f"{parse}('{config}'::regconfig, {folded})"

    def localized_sql(table: str, field: str) -> str:
        english = f'{table}."{field}_{settings.LANGUAGE_CODE}"'
        if language == settings.LANGUAGE_CODE:
            return english
        return f"""COALESCE(NULLIF({table}."{field}_{language}", ''), {english})"""

    def names(links: str, target, column: str, order: str) -> str:
        table = f'"{target._meta.db_table}"'
        return (
            f'ARRAY(SELECT {localized_sql(table, "name")} FROM "{links}" link '
            f'JOIN {table} ON {table}.id = link."{column}" '
            f"WHERE link.condition_id = page.id ORDER BY {order})"
        )

    region = f'"{BodyRegion._meta.db_table}"'
    matched = (
        f"(SELECT count(*) FROM unnest(%(concepts)s::text[]) AS concept "
        f"WHERE {vector} @@ {tsquery('concept')})"
        if counts_concepts
        else "0"
    )
    condition = f'"{Condition._meta.db_table}"'
    # Read for the page's rows alone, after the ranking: the sections' text is most of a row.
    columns = ", ".join(["id", *(f'{condition}."{name}"' for name in _result_fields(language))])
    regions = names(
        Condition.body_regions.through._meta.db_table,
        BodyRegion,
        "bodyregion_id",
        f'{region}."order", {region}.name',
    )
    risk_factors = names(
        ConditionRiskFactor._meta.db_table, RiskFactor, "risk_factor_id", 'link."order", link.id'
    )
    treatments = names(
        ConditionTreatment._meta.db_table, Treatment, "treatment_id", 'link."order", link.id'
    )
    return f"""
        SELECT {columns}, page.rank, page.matched, page.found, {regions} AS region_names,
            {risk_factors} AS risk_factor_names, {treatments} AS treatment_names
        FROM (
            SELECT id,
                ts_rank(%(weights)s::float4[], {vector}, {tsquery("%(rank_query)s")}) AS rank,
                {matched} AS matched,
                {localized_sql(condition, "title")} AS sort_title,
                count(*) OVER () AS found
            FROM {condition}
            WHERE status = %(published)s AND {vector} @@ {tsquery("%(query)s")}
            ORDER BY matched DESC, rank DESC, sort_title
            LIMIT %(limit)s OFFSET %(offset)s
        ) AS page
        JOIN {condition} USING (id)
        ORDER BY page.matched DESC, page.rank DESC, page.sort_title
    """


def _choices(query: str | Interpretation, language: str | None = None) -> list[_Results]:
    """Where a query's results come from, in the order to try them: the articles that match
    every concept, best first; when none does and there are several concepts, those matching
    some, the most first."""
    language = _language(language)
    interpretation = interpret(query, language) if isinstance(query, str) else query
    concepts = interpretation.concepts
    if not concepts:
        return []
    some = _tsquery_text(concepts, "|")
    choices = [_Results(language, _tsquery_text(concepts, "&"), some)]
    if len(concepts) > 1:
        concept_texts = tuple(_concept_text(concept) for concept in concepts)
        choices.append(_Results(language, some, some, concepts=concept_texts))
    return choices


def matching_conditions(query: str | Interpretation, language: str | None = None):
    """Published conditions for a query (or its concepts), best first, as a list (see the
    module's docstring)."""
    for results in _choices(query, language):
        if conditions := results.rows(limit=None):
            return conditions
    return []


def _page(results: _Results, page_number) -> Page:
    """A page of these results, counted by the query that reads it. A number past the last page
    (or before the first) gets the last, as Paginator.get_page gives it."""
    try:
        number = int(page_number)
    except (TypeError, ValueError):
        number = 1
    rows = []
    if 1 <= number <= MAX_PAGE_NUMBER:
        rows = results.rows(offset=(number - 1) * RESULTS_PER_PAGE)
    if not rows and number != 1:
        first = results.rows(limit=1)
        count = first[0].found if first else 0
        number = max(1, math.ceil(count / RESULTS_PER_PAGE))
        rows = results.rows(offset=(number - 1) * RESULTS_PER_PAGE) if count else []
    paginator = Paginator(rows, RESULTS_PER_PAGE)
    paginator.count = rows[0].found if rows else 0  # in place of its len(rows)
    return Page(rows, number, paginator)


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
        # As PostgreSQL's web search reads it.
        choices = [_Results(language, query_text, query_text, parse="websearch_to_tsquery")]
    else:
        interpretation = interpret(query_text, language)
        choices = _choices(interpretation, language)
    page = Paginator([], RESULTS_PER_PAGE).page(1)  # when the query has no words that matter
    for results in choices:
        page = _page(results, page_number)
        if page.paginator.count:
            break
    words = concept_words(interpretation.concepts)
    patterns = [concept.pattern for concept in words]
    for condition in page.object_list:
        linked = LinkedNames(condition.risk_factor_names, condition.treatment_names)
        condition.snippet = snippet(condition, interpretation.concepts, linked=linked, words=words)
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
