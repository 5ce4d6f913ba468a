"""What a patient's words mean to the search: the words that matter, spelled right, with the
words articles use for the same thing.

A patient types a sentence about where it hurts and when ("my knee hurts when I run
downstairs"). `interpret` keeps the words that carry meaning (PostgreSQL's own stop words for the
language go, and so does a short list of words people add to any sentence), puts right a word
that is clearly a typo of one the library uses ("hamstrng"), and gives each remaining word its
synonyms from the vocabulary editors keep in the admin (`SearchSynonyms`: shin, tibia, lower leg).
Each word and its synonyms are one *concept*; conditions/search.py ranks articles by how many
concepts they match.

The library's words and the vocabulary are read once per content version (the version every
edit bumps, conditions migration 0006), so an edit counts from the next search.
"""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from dataclasses import dataclass, field

from django.db import connection

from clinic.page_cache import content_version
from conditions.models import SEARCH_CONFIGS, SearchSynonyms
from conditions.sections import SECTION_NAMES

# Words people put in any sentence about their body that say nothing about which article fits.
# PostgreSQL's stop words ("my", "when", "i") are dropped as well, by the language's own list.
_FILLER_WORDS = {
    "en": """feel feels feeling felt get gets getting got really bit little lot lots kind sort like
        thing things sometimes always also please help need think started keep keeps im ive dont
        doesnt cant bad badly lately recently since days day weeks week today yesterday every
        time times quite wrong something anything causes cause what why how""",
    "fr": """ai as j je me m mon ma mes quand lorsque depuis vraiment très tres peu beaucoup parfois
        toujours aussi chose choses jours jour semaines semaine aujourd hui hier chaque fois
        quelque pourquoi comment quoi ça ca cela sens sent senti avoir fait faire""",
}
FILLER = {language: frozenset(words.split()) for language, words in _FILLER_WORDS.items()}
# A word this close to one the library uses, and not one itself, is taken for it ("achilis").
TYPO_CUTOFF = 0.8
MIN_TYPO_LENGTH = 5
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class Concept:
    word: str  # as the patient meant it (corrected where it was a typo)
    alternatives: tuple[str, ...]  # the word and its synonyms, some of them phrases


@dataclass
class Interpretation:
    concepts: list[Concept] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)  # typed -> searched for

    @property
    def corrected_query(self) -> str:
        return " ".join(concept.word for concept in self.concepts)


def words_of(text: str) -> list[str]:
    return [word.replace("’", "'") for word in WORD.findall(text.lower())]


def fold(text: str) -> str:
    """Lower case, no accents: how the French vector holds its words (conditions_fold)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def interpret(query: str, language: str) -> Interpretation:
    knowledge = _knowledge(language)
    typed = " ".join(words_of(query))
    interpretation = Interpretation()
    # The vocabulary's phrases first ("gave way", "lower leg"): they are one concept each.
    phrases = sorted((term for term in knowledge.synonyms if " " in term), key=len, reverse=True)
    for phrase in phrases:
        if re.search(rf"\b{re.escape(phrase)}\b", typed):
            interpretation.concepts.append(Concept(phrase, knowledge.synonyms[phrase]))
            typed = re.sub(rf"\b{re.escape(phrase)}\b", " ", typed)
    words = [word for word in typed.split() if word not in FILLER.get(language, set())]
    stop = _stop_words(words, language)
    for word in dict.fromkeys(words):  # each word once, in order
        if word in stop or len(word) < 2:
            continue
        searched = word
        if word not in knowledge.words and len(word) >= MIN_TYPO_LENGTH:
            close = difflib.get_close_matches(word, knowledge.words, n=1, cutoff=TYPO_CUTOFF)
            if close:
                searched = close[0]
                interpretation.corrections[word] = searched
        alternatives = knowledge.synonyms.get(searched, (searched,))
        interpretation.concepts.append(Concept(searched, alternatives))
    return interpretation


# --- what the library knows, per content version ------------------------------------------------


@dataclass(frozen=True)
class Knowledge:
    words: frozenset[str]  # every word of the published articles and the vocabulary
    synonyms: dict[str, tuple[str, ...]]  # a word or phrase -> it and all it means the same as


_known: dict[tuple[str, int | None], Knowledge] = {}
_lock = threading.Lock()


def _knowledge(language: str) -> Knowledge:
    key = (language, content_version())
    knowledge = _known.get(key)
    if knowledge is None:
        knowledge = _read_knowledge(language)
        with _lock:
            # Only the current version is worth keeping, in every language.
            for old in [old for old in _known if old[1] != key[1]]:
                del _known[old]
            _known[key] = knowledge
    return knowledge


def _read_knowledge(language: str) -> Knowledge:
    synonyms: dict[str, set[str]] = {}
    for words in SearchSynonyms.objects.filter(language=language).values_list("words", flat=True):
        group = {" ".join(words_of(word)) for word in words} - {""}
        for word in group:
            synonyms.setdefault(word, set()).update(group)
    english = language == "en"
    columns = ", ".join(
        f"coalesce(nullif({name}_{language}, ''), {name}_en)" if not english else f"{name}_en"
        for name in ("title", "summary", *SECTION_NAMES)
    )
    names = (
        "alternate_names_en"
        if english
        else "coalesce(nullif(alternate_names_fr, '{}'), alternate_names_en)"
    )
    linked = " ".join(
        f"UNION ALL SELECT to_tsvector('simple', {name}) FROM {table}"
        for table in ("conditions_riskfactor", "conditions_treatment", "conditions_bodyregion")
        for name in [f"coalesce({'name_en' if english else f'name_{language}'}, name_en)"]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM ts_stat($$SELECT to_tsvector('simple', concat_ws(' ', "
            f"{columns}, array_to_string({names}, ' '))) FROM conditions_condition "
            f"WHERE status = 'published' {linked}$$)"
        )
        library = {row[0] for row in cursor.fetchall()}
    words = {word for word in library if word.isalpha()}
    for term in synonyms:
        words.update(term.split())
    if not english:
        words |= {fold(word) for word in words}
    return Knowledge(
        words=frozenset(words),
        synonyms={term: tuple(sorted(group)) for term, group in synonyms.items()},
    )


_STOP_WORDS_KNOWN: dict[tuple[str, str], bool] = {}  # (language, word) -> is a stop word


def _stop_words(words: list[str], language: str) -> set[str]:
    """The words the language's text-search configuration ignores ("my", "when", "le"); asked
    of PostgreSQL once per word and process (its stop-word lists do not change)."""
    unknown = [word for word in words if (language, word) not in _STOP_WORDS_KNOWN]
    if unknown:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word, to_tsvector(%s::regconfig, word) = ''::tsvector "
                "FROM unnest(%s::text[]) AS word",
                [SEARCH_CONFIGS[language], unknown],
            )
            rows = cursor.fetchall()
        if len(_STOP_WORDS_KNOWN) > 50_000:
            _STOP_WORDS_KNOWN.clear()
        _STOP_WORDS_KNOWN.update({(language, word): stop for word, stop in rows})
    return {word for word in words if _STOP_WORDS_KNOWN.get((language, word))}
