import unicodedata
from itertools import groupby

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_safe

from clinic.i18n import content_language, localized
from clinic.page_cache import cached_for_visitors, exclude_from_page_cache
from clinic.ratelimit import rate_limit
from conditions import search as condition_search
from conditions.json_ld import condition_json_ld
from conditions.models import (
    LIST_FIELDS,
    BodyRegion,
    Condition,
    ConditionRiskFactor,
    RedFlag,
    RiskFactor,
)
from conditions.sections import SECTIONS


def _get_condition_for(request, slug: str) -> Condition:
    """The condition with everything its page shows, in a fixed number of queries.

    Drafts are 404 for the public; staff see them (the page then says it is a draft preview).
    """
    conditions = Condition.objects.with_links().prefetch_related(
        "red_flags",
        Prefetch(
            "related_conditions",
            queryset=Condition.objects.published().only(*LIST_FIELDS),
            to_attr="published_related",
        ),
    )
    if not (request.user.is_authenticated and request.user.is_staff):
        conditions = conditions.published()
    # Either language's slug: the switcher and old links land on the page, which then
    # redirects to its own slug in the page's language.
    condition = conditions.with_slug(slug).first()
    if condition is None:
        raise Http404("No condition has this slug.")
    return condition


@require_safe
@cached_for_visitors(query=["region"])
def condition_index(request):
    published_here = Condition.objects.published().filter(body_regions=OuterRef("pk"))
    regions = list(BodyRegion.objects.annotate(has_articles=Exists(published_here)))
    region_slug = request.GET.get("region", "")
    # An old link to a region that has no article yet still names it (and says so).
    region = next((r for r in regions if r.slug == region_slug), None)
    conditions = Condition.objects.published().only(*LIST_FIELDS)
    if region is not None:
        conditions = conditions.filter(body_regions=region)
    # Sorted as read, in the page's language, accents aside (Élongation among the Es).
    ordered = sorted(conditions, key=lambda c: _reading_order(c.title))
    letters = [
        (letter, list(items))
        for letter, items in groupby(ordered, key=lambda c: _index_letter(c.title))
    ]
    unknown_region = bool(region_slug) and region is None
    response = render(
        request,
        "conditions/index.html",
        {
            # Only regions with something to read: a filter never leads to an empty list.
            "regions": [r for r in regions if r.has_articles],
            "region": region,
            "unknown_region": unknown_region,
            "letters": letters,
        },
    )
    if unknown_region:
        # The page repeats the unknown name back: stored, made-up names would fill the cache.
        exclude_from_page_cache(response)
    return response


def _reading_order(title: str) -> str:
    unaccented = "".join(
        char for char in unicodedata.normalize("NFD", title) if not unicodedata.combining(char)
    )
    return unaccented.casefold()


def _index_letter(title: str) -> str:
    first = _reading_order(title[:1]).upper()
    return first if first.isalpha() else "#"


def _page_sections(condition: Condition) -> list[dict]:
    """The sections to show, in order; risk factors go with causes, treatments with therapy."""
    risk_factor_links = list(condition.risk_factor_links.all())
    treatment_links = list(condition.treatment_links.all())
    sections = []
    for part in SECTIONS:
        section = {
            "name": part.name,
            "heading": part.heading,
            "text": getattr(condition, part.name),
            "language": _fallback_language(condition, part.name),
        }
        if part.name == "causes" and risk_factor_links:
            section.update(
                heading=_("Causes and risk factors"), risk_factor_links=risk_factor_links
            )
        if part.name == "physical_therapy" and treatment_links:
            section["treatment_links"] = treatment_links
        if (
            section["text"].strip()
            or section.get("risk_factor_links")
            or section.get("treatment_links")
        ):
            sections.append(section)
    return sections


def _care_groups(condition: Condition) -> list[dict]:
    """The red flags by urgency, most urgent first, each group in the editor's order; a flag
    not yet translated is shown in English and says so (lang)."""
    flags = list(condition.red_flags.all())
    groups = []
    for urgency in RedFlag.Urgency:
        in_group = [
            {
                "sign": flag.sign,
                "meaning": flag.meaning,
                "language": _fallback_language(flag, "sign"),
            }
            for flag in flags
            if flag.urgency == urgency
        ]
        if in_group:
            groups.append({"urgency": urgency.value, "label": urgency.label, "red_flags": in_group})
    return groups


@require_safe
@cached_for_visitors
def condition_detail(request, slug):
    condition = _get_condition_for(request, slug)
    if slug != condition.slug:
        return HttpResponsePermanentRedirect(condition.get_absolute_url())
    canonical_url = request.build_absolute_uri(condition.get_absolute_url())
    return render(
        request,
        "conditions/detail.html",
        {
            "condition": condition,
            "sections": _page_sections(condition),
            "care_groups": _care_groups(condition),
            "emergency_number": RedFlag.EMERGENCY_NUMBER,
            "book_url": reverse("bookings:book") + "?" + urlencode({"condition": condition.slug}),
            "canonical_url": canonical_url,
            "json_ld": condition_json_ld(condition, canonical_url),
            "translated_paths": _paths_in_each_language(condition),
            "untranslated": _untranslated(condition),
            "title_language": _fallback_language(condition, "title"),
        },
    )


def _paths_in_each_language(condition: Condition) -> dict[str, str]:
    """The article's own URL in each language: its slugs differ (crampes-au-mollet)."""
    paths = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            paths[code] = condition.get_absolute_url()
    return paths


def _fallback_language(row, field: str) -> str | None:
    """ "en" where the page shows the English text of `field` for want of its own language's."""
    language = content_language()
    english = settings.LANGUAGE_CODE
    if language == english or getattr(row, f"{field}_{language}"):
        return None
    return english if getattr(row, f"{field}_{english}") else None


def _untranslated(condition: Condition) -> bool:
    """Whether the page shows some English text in place of the page's language."""
    fields = ["title", "summary", *(section.name for section in SECTIONS)]
    return any(_fallback_language(condition, field) for field in fields)


@require_safe
@cached_for_visitors
def risk_factor_detail(request, slug):
    risk_factors = RiskFactor.objects.prefetch_related(
        Prefetch(
            "condition_links",
            queryset=ConditionRiskFactor.objects.filter(
                condition__status=Condition.Status.PUBLISHED
            )
            .select_related("condition")
            .order_by(localized("condition__title").asc()),
            to_attr="published_links",
        )
    )
    risk_factor = get_object_or_404(risk_factors, slug=slug)
    is_staff = request.user.is_authenticated and request.user.is_staff
    if not risk_factor.published_links and not is_staff:
        # Only linked to drafts (or nothing): nothing a patient may read yet.
        raise Http404("No published condition links to this risk factor.")
    return render(request, "conditions/risk_factor.html", {"risk_factor": risk_factor})


@cached_for_visitors(query=["q", "page"])
@require_safe
@rate_limit("search", limit=60, period=60, methods=("GET", "HEAD"))
def search(request):
    """Results for anonymous visitors come from the page cache when the same search was run
    under the same content version; a search that found nothing is always run (and recorded)."""
    outcome = condition_search.search(request.GET.get("q"), page_number=request.GET.get("page"))
    regions = []
    if outcome.query and not outcome.found:
        # A way forward: the regions that have something to read.
        regions = BodyRegion.objects.filter(
            conditions__status=Condition.Status.PUBLISHED
        ).distinct()
    response = render(
        request,
        "conditions/search.html",
        {"outcome": outcome, "search_query": outcome.query, "regions": regions},
    )
    return response if outcome.found or not outcome.query else exclude_from_page_cache(response)


@require_safe
def robots_txt(request):
    body = loader.render_to_string(
        "conditions/robots.txt",
        {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))},
    )
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
