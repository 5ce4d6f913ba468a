"""The clinic's own words in English and French (django-modeltranslation): what the header and
footer say under its name, how to find it, why it is closed, and the pages staff write. Its name,
address and phone numbers are the same in both."""

from modeltranslation.translator import TranslationOptions, register

from clinic.models import ClinicProfile, Closure, Page


@register(ClinicProfile)
class ClinicProfileTranslation(TranslationOptions):
    fields = ("tagline", "award_line", "directions", "parking", "public_transport")


@register(Closure)
class ClosureTranslation(TranslationOptions):
    fields = ("reason",)


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
