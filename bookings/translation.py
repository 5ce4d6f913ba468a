"""What patients read about each service, in English and French (django-modeltranslation): the
booking pages, emails and calendar files show the patient's language, or the English."""

from modeltranslation.translator import TranslationOptions, register

from bookings.models import IntakeQuestion, Service, Therapist, TherapistPhoto


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Therapist)
class TherapistTranslation(TranslationOptions):
    fields = ("special_interests", "bio")


@register(TherapistPhoto)
class TherapistPhotoTranslation(TranslationOptions):
    fields = ("alt_text",)


@register(IntakeQuestion)
class IntakeQuestionTranslation(TranslationOptions):
    fields = ("text", "help_text", "choices")
