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


def sentences_of(text: str) -> list[list[str]]:
    """The text's paragraphs (and list items), each as its sentences."""
    paragraphs = []
    for line in (text or "").splitlines():
        line = _plain(line)
        if line:
            paragraphs.append([part.strip() for part in _SENTENCE_END.split(line) if part.strip()])
    return paragraphs


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


def _pattern(words: list[str]) -> re.Pattern | None:
    """Words starting like these ("cramp" finds "cramps", "cramping")."""
    stems = sorted(
        {_unaccented(word) for word in words if len(word) > 1 and word not in _UNMARKED},
        key=len,
        reverse=True,
    )
    if not stems:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(stem) for stem in stems) + r")\w*")


def concept_patterns(concepts: list[Concept]) -> list[re.Pattern]:
    patterns = []
    for concept in concepts:
        pattern = _pattern([word for phrase in concept.alternatives for word in words_of(phrase)])
        if pattern is not None:
            patterns.append(pattern)
    return patterns


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
    """A condition's body regions', risk factors' and treatments' names, in their order on its
    page (a snippet quotes the risk factors and treatments; a result lists the regions)."""

    body_regions: list[str] = field(default_factory=list)
    risk_factors: list[str] = field(default_factory=list)
    treatments: list[str] = field(default_factory=list)


def _candidates(texts: list[tuple[str, list]]):
    """Each sentence of these texts in reading order, as (paragraph, index, the concepts it
    matches); each text comes with the concepts' patterns found in it, (n, pattern)."""
    seen = set()
    for text, found in texts:
        if seen and not found:
            # No sentence of it can match: only the first sentence met stands in for those
            # (the snippet when nothing matches), and that one is in already.
            continue
        for paragraph in sentences_of(text):
            for index, sentence in enumerate(paragraph):
                if sentence in seen:  # the summary repeated in the overview counts once
                    continue
                seen.add(sentence)
                folded = _unaccented(sentence) if found else ""
                yield (
                    paragraph,
                    index,
                    frozenset(n for n, pattern in found if pattern.search(folded)),
                )


def snippet(
    condition,
    concepts: list[Concept],
    *,
    linked: LinkedNames,
    patterns: list[re.Pattern] | None = None,
) -> SafeString:
    """The best sentence (or two) of the article for these concepts, matches marked.

    `linked`: the names of the condition's risk factors and treatments, read for a page of
    results at once (conditions/search.py). `patterns`: concept_patterns(concepts), when the
    caller made them once for the page."""
    patterns = concept_patterns(concepts) if patterns is None else patterns
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
    # Each text with the concepts' patterns found in it, (n, pattern).
    found = [
        (text, [(n, pattern) for n, pattern in enumerate(patterns) if pattern.search(folded)])
        for text, folded in ((text, _unaccented(text)) for text in texts)
    ]
    # The concepts the article's text has at all: the first sentence that matches all of them
    # is the one chosen (none can match more), so the rest need not be read.
    reachable = frozenset(n for _, in_text in found for n, _ in in_text)
    candidates = []  # (paragraph, index, the concepts it matches)
    for candidate in _candidates(found):
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
    missing = set(range(len(patterns))) - hits
    if missing:
        other = max(candidates, key=lambda c: len(c[2] & missing))
        if other[2] & missing:
            chosen = f"{chosen} … {other[0][other[1]]}"
    if len(chosen) > MAX_SNIPPET:
        chosen = chosen[: MAX_SNIPPET - 1].rsplit(" ", 1)[0] + "…"
    return marked(chosen[:1].upper() + chosen[1:], patterns)
