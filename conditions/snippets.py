"""The lines a search result shows under its title: whole sentences, with the words that matched
marked.

A snippet is the sentence of the article (summary, then the sections in reading order; a list item
counts as a sentence) that matches the most of the search's concepts, and the next one too when
it is short. It starts at the start of a sentence, with a capital, and carries no Markdown. The
text is escaped; the only markup is <mark> around the matched words, always in pairs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from clinic.i18n import content_language, localized_value
from conditions.query import Concept, words_of
from conditions.sections import SECTION_NAMES

SHORT_SENTENCE = 90  # characters; a snippet this short takes the next sentence too
MAX_SNIPPET = 320
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+\.|#+)\s+")
_EMPHASIS = re.compile(r"[*_`]{1,3}")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý«\"“(])")


def _plain(line: str) -> str:
    """A line of Markdown as the reader sees it: no list marks, emphasis or link targets."""
    return _EMPHASIS.sub("", _LINK.sub(r"\1", _LIST_MARK.sub("", line))).strip()


def _sentences(line: str) -> list[str]:
    """A line of Markdown's sentences, as the reader sees them."""
    return [part.strip() for part in _SENTENCE_END.split(_plain(line)) if part.strip()]


class _Unaccent(dict):
    """str.translate's table: each character to its first one decomposed ("é" to "e"), worked
    out the first time it is met."""

    def __missing__(self, code: int) -> str:
        self[code] = base = unicodedata.normalize("NFD", chr(code))[0]
        return base


_UNACCENT = _Unaccent()


def _unaccented(text: str) -> str:
    """Lower case without accents, one character for one, so positions carry over."""
    lowered = text.lower()
    # Most English text has nothing to take off; the rest goes through the table at C speed.
    return lowered if lowered.isascii() else lowered.translate(_UNACCENT)


# Small words a phrase of the vocabulary carries ("back of the ankle"): never marked alone.
_UNMARKED_WORDS = (
    "a an and at by for in of on or the to with au aux de des du en et la le les un une"
)
_UNMARKED = frozenset(_UNMARKED_WORDS.split())


def _stems(words: list[str]) -> list[str]:
    """The starts of words to look for, longest first: a word's, unless a shorter one starts it
    ("sore" finds all that "soreness" would, as a word starting like it)."""
    stems = {_unaccented(word) for word in words if len(word) > 1 and word not in _UNMARKED}
    return sorted(
        (
            stem
            for stem in stems
            if not any(other != stem and stem.startswith(other) for other in stems)
            or "'" in stem  # "knee's" marks more than "knee" does
        ),
        key=len,
        reverse=True,
    )


@dataclass(frozen=True)
class ConceptWords:
    """A concept's words as a snippet finds them in folded text: any word starting like one of
    its stems ("cramp" finds "cramps", "cramping")."""

    stems: tuple[str, ...]
    pattern: re.Pattern  # for marking them

    def found_in(self, folded: str) -> bool:
        """Whether `folded` has a word starting like a stem: the pattern's search, at the speed
        of str.find (a regular expression of alternatives tries every position of the text)."""
        for stem in self.stems:
            start = folded.find(stem)
            while start != -1:
                if not start or not _is_word_character(folded[start - 1]):
                    return True
                start = folded.find(stem, start + 1)
        return False


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character == "_"  # a regular expression's \w


def concept_words(concepts: list[Concept]) -> list[ConceptWords]:
    found = []
    for concept in concepts:
        stems = _stems([word for phrase in concept.alternatives for word in words_of(phrase)])
        if stems:
            pattern = re.compile(r"\b(?:" + "|".join(re.escape(stem) for stem in stems) + r")\w*")
            found.append(ConceptWords(tuple(stems), pattern))
    return found


def marked(text: str, patterns: list[re.Pattern]) -> SafeString:
    """`text` escaped, with every match of `patterns` in <mark>."""
    folded = _unaccented(text)
    spans = sorted(
        {match.span() for pattern in patterns for match in pattern.finditer(folded)},
        key=lambda span: (span[0], -span[1]),
    )
    pieces, position = [], 0
    for start, end in spans:
        if start < position:
            continue  # inside a longer match already marked
        pieces += [escape(text[position:start]), "<mark>", escape(text[start:end]), "</mark>"]
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped above


@dataclass(frozen=True)
class LinkedNames:
    """A condition's risk factors' and treatments' names, in their order on its page: a snippet
    quotes them."""

    risk_factors: list[str] = field(default_factory=list)
    treatments: list[str] = field(default_factory=list)


def _folded(text: str) -> str:
    """The text as concepts are looked for in it: folded, without emphasis marks."""
    if "*" in text or "_" in text or "`" in text:  # str.find's speed, not a pattern's
        text = _EMPHASIS.sub("", text)
    return _unaccented(text)


def _candidates(texts: list[tuple[str, list[int]]], words: list[ConceptWords]):
    """The sentences of these texts that may be chosen, in reading order, as (paragraph, index,
    the concepts it matches). Each text comes with the concepts found in it (indexes into
    `words`).

    A line (a paragraph, a list item) is split into sentences only where the concepts found in
    it are more than an earlier sentence matched: a sentence of it could not match more than
    that one, which comes first, so it could be neither the best nor the one added for missing
    concepts. The first line with a sentence is always read: that one stands in when nothing
    matches."""
    seen = set()
    matched = []  # the concepts each sentence so far matched, none a subset of another
    for text, found in texts:
        if matched and _covered(found, matched):
            continue
        for line in text.splitlines():
            folded_line = _folded(line) if found else ""
            in_line = [n for n in found if words[n].found_in(folded_line)]
            if matched and _covered(in_line, matched):
                continue
            paragraph = _sentences(line)
            for index, sentence in enumerate(paragraph):
                if sentence in seen:  # the summary repeated in the overview counts once
                    continue
                seen.add(sentence)
                folded = _unaccented(sentence) if in_line else ""
                hits = frozenset(n for n in in_line if words[n].found_in(folded))
                if not _covered(hits, matched):
                    matched = [*(m for m in matched if not m <= hits), hits]
                yield paragraph, index, hits


def _covered(concepts, matched: list[frozenset]) -> bool:
    return any(m.issuperset(concepts) for m in matched)


def snippet(
    condition,
    concepts: list[Concept],
    *,
    linked: LinkedNames,
    words: list[ConceptWords] | None = None,
) -> SafeString:
    """The best sentence (or two) of the article for these concepts, matches marked.

    `linked`: the names of the condition's risk factors and treatments, read for a page of
    results at once (conditions/search.py). `words`: concept_words(concepts), when the caller
    made them once for the page."""
    words = concept_words(concepts) if words is None else words
    language = content_language()
    texts = [
        localized_value(condition, name, language) or "" for name in ("summary", *SECTION_NAMES)
    ]
    # The linked risk factors and treatments, as sentences of their own ("Risk factors: …").
    for label, names in (
        (_("Risk factors:"), linked.risk_factors),
        (_("Treatments:"), linked.treatments),
    ):
        if names:
            texts.append(f"{label} {', '.join(names)}.")
    scanned = []  # (text, the concepts found in it)
    for text in texts:
        folded = _folded(text)
        scanned.append((text, [n for n, w in enumerate(words) if w.found_in(folded)]))
    # The concepts the article's text has at all: the first sentence that matches all of them
    # is the one chosen (none can match more), so the rest need not be read.
    reachable = frozenset(n for _, found in scanned for n in found)
    candidates = []  # (paragraph, index, the concepts it matches)
    for candidate in _candidates(scanned, words):
        candidates.append(candidate)
        if candidate[2] == reachable:
            break
    if not candidates:
        return mark_safe("")  # noqa: S308 - empty
    # The sentence matching the most concepts; then, if some are still unmatched, the sentence
    # matching the most of those.
    paragraph, index, hits = max(candidates, key=lambda c: len(c[2]))  # max keeps the first
    chosen = paragraph[index]
    if len(chosen) < SHORT_SENTENCE and index + 1 < len(paragraph):
        chosen = f"{chosen} {paragraph[index + 1]}"
    missing = set(range(len(words))) - hits
    if missing:
        other = max(candidates, key=lambda c: len(c[2] & missing))
        if other[2] & missing:
            chosen = f"{chosen} … {other[0][other[1]]}"
    if len(chosen) > MAX_SNIPPET:
        chosen = chosen[: MAX_SNIPPET - 1].rsplit(" ", 1)[0] + "…"
    return marked(chosen[:1].upper() + chosen[1:], [w.pattern for w in words])
