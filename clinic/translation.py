"""The clinic's own words in English and French (django-modeltranslation): what the header and
footer say under its name. Its name and phone numbers are the same in both."""

from modeltranslation.translator import TranslationOptions, register

from clinic.models import ClinicProfile


@register(ClinicProfile)
class ClinicProfileTranslation(TranslationOptions):
    fields = ("tagline", "award_line")
