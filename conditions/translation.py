"""The condition library's text in English and French (django-modeltranslation).

Each field listed gets a column per language (title_en, title_fr, ...); reading `title` gives the
active language's text, falling back to English where the French is still empty, so a French page
is never blank. The English columns are the article as it has always been; the search vectors
read the columns directly (migration 0009).
"""

from modeltranslation.translator import TranslationOptions, register

from conditions.models import BodyRegion, Condition, RedFlag, RiskFactor, Treatment
from conditions.sections import SECTION_NAMES


@register(Condition)
class ConditionTranslation(TranslationOptions):
    fields = ("title", "slug", "alternate_names", "summary", *SECTION_NAMES)
    # An untranslated slug is NULL, not "": the French slugs stay unique among those written.
    empty_values = {"slug": None}


@register(RiskFactor)
class RiskFactorTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Treatment)
class TreatmentTranslation(TranslationOptions):
    fields = ("name", "description")


@register(BodyRegion)
class BodyRegionTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = {"name": None}  # unique too


@register(RedFlag)
class RedFlagTranslation(TranslationOptions):
    fields = ("sign", "meaning")
