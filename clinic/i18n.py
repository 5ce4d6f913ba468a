"""The same page in each of the site's languages: the language switcher and the hreflang links.

A patient's page has one URL per language (English unprefixed, French under /fr/); a staff page
has one URL in all, and no switcher. A view whose URL holds translated words (a condition's slug)
passes its own paths as `translated_paths` in the template context.
"""

from dataclasses import dataclass

from django.conf import settings
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
