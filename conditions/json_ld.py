"""schema.org JSON-LD for a condition page: a MedicalWebPage about a MedicalCondition."""

import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from conditions.models import RedFlag

# As Django's json_script: inside <script> the data may not close the element or open a comment.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
_LIST_ITEM = re.compile(r"^\s*[-*+]\s+(?P<item>.+)$", re.MULTILINE)
_MARKDOWN_ESCAPE = re.compile(r"\\(.)")


def _signs_and_symptoms(text: str) -> list[str]:
    """List items of the symptoms section, or its first sentence when it has no list."""
    items = [match.group("item").strip() for match in _LIST_ITEM.finditer(text)]
    if not items and text.strip():
        first = re.match(r"(.+?[.!?])(\s|$)", text.strip(), re.DOTALL)
        items = [first.group(1) if first else text.strip()]
    return [_MARKDOWN_ESCAPE.sub(r"\1", item) for item in items]


def _most_urgent_first(red_flags) -> list:
    ranks = {urgency: rank for rank, urgency in enumerate(RedFlag.Urgency)}
    return sorted(red_flags, key=lambda flag: ranks[flag.urgency])  # stable: editor's order


def _red_flag_sign(flag) -> dict:
    sign = {"@type": "MedicalSignOrSymptom", "name": flag.sign}
    if flag.meaning:
        sign["description"] = flag.meaning
    # What to do, in the page's language ("Call 911 now"), as the page's card says it.
    sign["potentialAction"] = {"@type": "Action", "name": str(flag.get_urgency_display())}
    return sign


def condition_data(condition, url: str) -> dict:
    """The JSON-LD structure. Reads the links through the page's prefetch (no extra queries)."""
    about = {
        "@type": "MedicalCondition",
        "name": condition.title,
        "url": url,
    }
    if condition.alternate_names:
        about["alternateName"] = list(condition.alternate_names)
    if condition.summary:
        about["description"] = condition.summary
    regions = [region.name for region in condition.body_regions.all()]
    if regions:
        about["associatedAnatomy"] = [
            {"@type": "AnatomicalStructure", "name": name} for name in regions
        ]
    risk_factors = [link.risk_factor.name for link in condition.risk_factor_links.all()]
    if risk_factors:
        about["riskFactor"] = [{"@type": "MedicalRiskFactor", "name": n} for n in risk_factors]
    signs = [
        {"@type": "MedicalSignOrSymptom", "name": s}
        for s in _signs_and_symptoms(condition.symptoms)
    ]
    # The red flags too, most urgent first, each with what it may mean and how urgent it is.
    signs.extend(_red_flag_sign(flag) for flag in _most_urgent_first(condition.red_flags.all()))
    if signs:
        about["signOrSymptom"] = signs
    treatments = [link.treatment.name for link in condition.treatment_links.all()]
    if treatments:
        about["possibleTreatment"] = [{"@type": "MedicalTherapy", "name": n} for n in treatments]
    page = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": url,
        "name": condition.title,
        "about": about,
    }
    if condition.summary:
        page["description"] = condition.summary
    if condition.last_reviewed:
        page["lastReviewed"] = condition.last_reviewed.isoformat()
    if condition.reviewed_by:
        page["reviewedBy"] = {"@type": "Person", "name": condition.reviewed_by}
    return page


def condition_json_ld(condition, url: str) -> SafeString:
    """The JSON text, safe to put between <script type="application/ld+json"> tags."""
    text = json.dumps(condition_data(condition, url), cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 - <, >, & escaped above
