from itertools import groupby

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from clinic.page_cache import cached_for_visitors, exclude_from_page_cache
from clinic.ratelimit import rate_limit
from conditions import search as condition_search
from conditions.json_ld import condition_json_ld
from conditions.models import (
    BodyRegion,
    Condition,
    ConditionRiskFactor,
    ConditionTreatment,
    RiskFactor,
)
from conditions.sections import SECTIONS

LIST_FIELDS = ("title", "slug", "summary", "alternate_names", "is_sample")


def _get_condition_for(request, slug: str) -> Condition:
    """The condition with everything its page shows, in a fixed number of queries.

    Drafts are 404 for the public; staff see them (the page then says it is a draft preview).
    """
    conditions = Condition.objects.prefetch_related(
        "body_regions",
        Prefetch(
            "risk_factor_links",
            queryset=ConditionRiskFactor.objects.select_related("risk_factor"),
        ),
        Prefetch(
            "treatment_links", queryset=ConditionTreatment.objects.select_related("treatment")
        ),
        Prefetch(
            "related_conditions",
            queryset=Condition.objects.published().only(*LIST_FIELDS),
            to_attr="published_related",
        ),
    )
    if not (request.user.is_authenticated and request.user.is_staff):
        conditions = conditions.published()
    return get_object_or_404(conditions, slug=slug)


@require_safe
@cached_for_visitors(query=["region"])
def condition_index(request):
    regions = list(BodyRegion.objects.all())
    region_slug = request.GET.get("region", "")
    region = next((r for r in regions if r.slug == region_slug), None)
    conditions = Condition.objects.published().only(*LIST_FIELDS).order_by("title")
    if region is not None:
        conditions = conditions.filter(body_regions=region)
    letters = [
        (letter, list(items))
        for letter, items in groupby(conditions, key=lambda c: _index_letter(c.title))
    ]
    unknown_region = bool(region_slug) and region is None
    response = render(
        request,
        "conditions/index.html",
        {
            "regions": regions,
            "region": region,
            "unknown_region": unknown_region,
            "letters": letters,
        },
    )
    if unknown_region:
        # The page repeats the unknown name back: stored, made-up names would fill the cache.
        exclude_from_page_cache(response)
    return response


def _index_letter(title: str) -> str:
    first = title[:1].upper()
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


@require_safe
@cached_for_visitors
def condition_detail(request, slug):
    condition = _get_condition_for(request, slug)
    canonical_url = request.build_absolute_uri(condition.get_absolute_url())
    return render(
        request,
        "conditions/detail.html",
        {
            "condition": condition,
            "sections": _page_sections(condition),
            "canonical_url": canonical_url,
            "json_ld": condition_json_ld(condition, canonical_url),
        },
    )


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
            .order_by("condition__title"),
            to_attr="published_links",
        )
    )
    risk_factor = get_object_or_404(risk_factors, slug=slug)
    is_staff = request.user.is_authenticated and request.user.is_staff
    if not risk_factor.published_links and not is_staff:
        # Only linked to drafts (or nothing): nothing a patient may read yet.
        raise Http404("No published condition links to this risk factor.")
    return render(request, "conditions/risk_factor.html", {"risk_factor": risk_factor})


@require_safe
@rate_limit("search", limit=60, period=60, methods=("GET", "HEAD"))
def search(request):
    outcome = condition_search.search(request.GET.get("q"), page_number=request.GET.get("page"))
    return render(
        request,
        "conditions/search.html",
        {"outcome": outcome, "search_query": outcome.query},
    )


@require_safe
def robots_txt(request):
    body = loader.render_to_string(
        "conditions/robots.txt",
        {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))},
    )
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
