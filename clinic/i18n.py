"""The same page in each of the site's languages: the language switcher and the hreflang links.

A patient's page has one URL per language (English unprefixed, French under /fr/); a staff page
has one URL in all, and no switcher. A view whose URL holds translated words (a condition's slug)
passes its own paths as `translated_paths` in the template context.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in its own language: "Français" on the English page too
    path: str  # the same page in that language
    query: str  # the page's query string, kept by the switcher (the booking's choices)
    current: bool

    @property
    def switch_url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


def language_links(request: HttpRequest, translated_paths: dict | None = None) -> list:
    """One link per language to the page shown; empty where the page has only one language."""
    paths = translated_paths or {
        code: translate_url(request.path_info, code) for code, _ in settings.LANGUAGES
    }
    if len(set(paths.values())) < len(settings.LANGUAGES):
        return []
    current = get_language()
    query = request.GET.urlencode()
    return [
        LanguageLink(code, name, paths[code], query, code == current)
        for code, name in settings.LANGUAGES
    ]


def content_language() -> str:
    """The active language as one of the site's (settings.LANGUAGES): "fr" for "fr-ca", and
    English for one the site does not have. Content columns are named by it (title_fr)."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    codes = [code for code, _name in settings.LANGUAGES]
    return language if language in codes else settings.LANGUAGE_CODE


def localized(field: str, language: str | None = None, *, output_field=None):
    """A translated field (modeltranslation) in SQL, as reading it on a row gives it: the active
    language's column, or the English one where that is empty. Also across a relation
    ("risk_factor__name"). Text by default; an array field passes its own `output_field`."""
    language = language or content_language()
    english = F(f"{field}_{settings.LANGUAGE_CODE}")
    if language == settings.LANGUAGE_CODE:
        return english
    output_field = output_field or TextField()
    empty = Value([] if isinstance(output_field, ArrayField) else "", output_field=output_field)
    return Coalesce(
        NullIf(F(f"{field}_{language}"), empty, output_field=output_field),
        english,
        output_field=output_field,
    )


def localized_value(instance, field: str, language: str):
    """A translated field read off a row as `localized` reads it in SQL: the language's column,
    or English where that is empty. What reading `instance.<field>` gives, without looking up
    the active language on each read (a loop over a page of rows' many fields)."""
    return getattr(instance, f"{field}_{language}") or getattr(
        instance, f"{field}_{settings.LANGUAGE_CODE}"
    )
