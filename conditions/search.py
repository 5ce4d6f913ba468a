"""Full-text search over published conditions, with safe highlighted snippets and "did you mean".

The page's language picks the stored vector (GIN-indexed, kept by the database): English
`search_vector`, or French `search_vector_fr`, whose text and queries are folded by the database's
`conditions_fold` (lower case, no accents). It is matched with a web-search query (quotes, OR,
-minus), ranked with `ts_rank`; snippets come from `ts_headline` over the summary, the linked risk
factors and treatments, and the sections, all in the page's language (English where a French text
is missing, as on the page).
"""

import difflib
import re
from dataclasses import dataclass

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, Func, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat, Replace
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clinic.i18n import localized
from conditions.models import (
    LIST_FIELDS,
    SEARCH_CONFIGS,
    Condition,
    ConditionRiskFactor,
    ConditionTreatment,
    SearchMiss,
)
from conditions.sections import SECTION_NAMES

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
# ts_headline wraps matches in these; the snippet is escaped whole, then they become <mark>.
# Private-use characters plus a word no article contains, so they cannot come from the text.
MARK_START = "\ue000hl-start\ue000"
MARK_STOP = "\ue001hl-stop\ue001"
# ts_headline's parser drops anything that looks like an HTML tag; the text goes in with angle
# brackets swapped for these, so a "<b>" an editor typed comes back and is shown as text.
LESS_THAN = "\ue002"
GREATER_THAN = "\ue003"


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

    @property
    def found(self) -> bool:
        return self.page is not None and self.page.paginator.count > 0


def clean_query(raw: str | None) -> str:
    """The visitor's text, whitespace collapsed, cut to a length the database is happy with."""
    # PostgreSQL text cannot hold NUL; a pasted one would otherwise be a database error.
    return " ".join((raw or "").replace("\x00", " ").split())[:MAX_QUERY_LENGTH]


def safe_snippet(headline: str) -> SafeString:
    """ts_headline output as HTML: everything escaped, only our own markers become <mark>."""
    text = escape(headline or "")
    text = text.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    text = text.replace(LESS_THAN, "&lt;").replace(GREATER_THAN, "&gt;")
    return mark_safe(text)  # noqa: S308 - escaped above; the only markup is our <mark> pairs


def _names_of(link_model, target: str, label: str):
    """' Label: a, b, c.' for the condition's linked rows in order, or '' when it has none.

    `label` brings its own colon: French puts a space before it.
    """
    names = StringAgg(localized(f"{target}__name"), ", ", order_by=("order", "pk"))
    listed = (
        link_model.objects.filter(condition=OuterRef("pk"))
        .values("condition")
        .annotate(listed=Concat(Value(f" {label} "), names, Value("."), output_field=TextField()))
        .values("listed")
    )
    return Coalesce(Subquery(listed, output_field=TextField()), Value(""), output_field=TextField())


def _without_summary(section):
    # Articles often open with the summary sentence again: a snippet shows it once.
    return Replace(section, localized("summary"), Value(""), output_field=TextField())


# Markdown's list, heading and emphasis marks, removed from the (short) snippet in Python: per
# section in SQL it made every search half as slow again.
_LINE_MARKS = re.compile(r"^\s*(?:[-*+]|\d+\.|#+)\s+", re.MULTILINE)
_EMPHASIS = re.compile(r"[*_`]{1,3}")


def _without_markdown(headline: str) -> str:
    return _EMPHASIS.sub("", _LINE_MARKS.sub("", headline or ""))


def _document():
    # The alternate names are left out: the result shows them on their own line already.
    parts = [
        localized("summary"),
        # In the visitor's language: the snippet shows these labels.
        _names_of(ConditionRiskFactor, "risk_factor", _("Risk factors:")),
        _names_of(ConditionTreatment, "treatment", _("Treatments:")),
    ]
    for name in SECTION_NAMES:
        parts += [Value(" "), _without_summary(localized(name))]
    return _tags_hidden(Concat(*parts, output_field=TextField()))


def _tags_hidden(text):
    return Replace(Replace(text, Value("<"), Value(LESS_THAN)), Value(">"), Value(GREATER_THAN))


def _highlight(text, query, **options):
    return SearchHeadline(
        _tags_hidden(text),
        query,
        config=SEARCH_CONFIGS[get_language()],
        start_sel=MARK_START,
        stop_sel=MARK_STOP,
        **options,
    )


def matching_conditions(query_text: str):
    """Published conditions matching the web-search query, best first, with rank and headline."""
    language = get_language()
    vector = "search_vector" if language == "en" else f"search_vector_{language}"
    if language != "en":
        query_text = Func(Value(query_text), function="conditions_fold", output_field=TextField())
    query = SearchQuery(query_text, config=SEARCH_CONFIGS[language], search_type="websearch")
    return (
        Condition.objects.published()
        .filter(**{vector: query})
        .annotate(
            rank=SearchRank(F(vector), query),
            headline=_highlight(
                _document(),
                query,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
            # The "Also known as" line, every name kept and the matching words marked.
            names_headline=_highlight(
                Func(
                    localized(
                        "alternate_names", output_field=ArrayField(CharField(max_length=120))
                    ),
                    Value(", "),
                    function="array_to_string",
                    output_field=TextField(),
                ),
                query,
                highlight_all=True,
            ),
        )
        .only(*LIST_FIELDS)
        .order_by("-rank", localized("title").asc())
    )


def suggestions_for(query_text: str) -> list[Suggestion]:
    """Close titles and alternate names for a query that found nothing (one query)."""
    names = {}
    for condition in Condition.objects.published().only(*LIST_FIELDS):
        for name in [condition.title, *condition.alternate_names]:
            names.setdefault(name.lower(), (name, condition.title, condition.slug))
    close = difflib.get_close_matches(query_text.lower(), list(names), n=3, cutoff=0.6)
    return [
        Suggestion(
            name=names[key][0],
            condition_title=names[key][1],
            url=reverse("conditions:detail", kwargs={"slug": names[key][2]}),
        )
        for key in close
    ]


def search(raw_query: str | None, *, page_number=1) -> SearchOutcome:
    """Run a visitor's search; a search that finds nothing is recorded and gets suggestions."""
    query_text = clean_query(raw_query)
    if not query_text:
        return SearchOutcome(query="", page=None, suggestions=[])
    page = Paginator(matching_conditions(query_text), RESULTS_PER_PAGE).get_page(page_number)
    for condition in page.object_list:
        condition.snippet = safe_snippet(_without_markdown(condition.headline))
        condition.names_snippet = safe_snippet(condition.names_headline)
    if page.paginator.count:
        return SearchOutcome(query=query_text, page=page, suggestions=[])
    SearchMiss.record(query_text)
    return SearchOutcome(query=query_text, page=page, suggestions=suggestions_for(query_text))
