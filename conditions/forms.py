from django import forms
from django.conf import settings

from conditions.models import Condition
from conditions.sections import SECTION_NAMES


class ConditionForm(forms.ModelForm):
    """The editors' form (admin). Validates and normalises only.

    The admin (modeltranslation's TranslationAdmin) shows each translated field once per
    language, English then French: title_en, title_fr, and so on.
    """

    class Meta:
        model = Condition
        fields = [
            "title",
            "slug",
            "alternate_names",
            "summary",
            "body_regions",
            "status",
            "featured",
            "is_sample",
            *SECTION_NAMES,
            "last_reviewed",
            "next_review_due",
            "reviewed_by",
            "related_conditions",
        ]
        widgets = {
            f"{field}_{code}": widget
            for code, _ in settings.LANGUAGES
            for field, widget in [
                ("alternate_names", forms.TextInput(attrs={"size": 80})),
                ("summary", forms.Textarea(attrs={"rows": 3})),
            ]
        }

    def clean(self):
        cleaned = super().clean()
        for code, _ in settings.LANGUAGES:
            field = f"alternate_names_{code}"
            if field in cleaned:
                cleaned[field] = _distinct_names(cleaned[field] or [])
        last, due = cleaned.get("last_reviewed"), cleaned.get("next_review_due")
        if last and due and due < last:
            self.add_error(
                "next_review_due",
                forms.ValidationError(
                    "The next review cannot be due before the last review.", code="review_order"
                ),
            )
        return cleaned


def _distinct_names(names: list[str]) -> list[str]:
    """Each name once (ignoring case), its spaces collapsed, empty ones dropped."""
    unique = []
    for name in (" ".join(name.split()) for name in names):
        if name and name.lower() not in {u.lower() for u in unique}:
            unique.append(name)
    return unique
