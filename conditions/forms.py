from django import forms

from conditions.models import Condition
from conditions.sections import SECTION_NAMES


class ConditionForm(forms.ModelForm):
    """The editors' form (admin). Validates and normalises only."""

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
            "alternate_names": forms.TextInput(attrs={"size": 80}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_alternate_names(self):
        names = [" ".join(name.split()) for name in self.cleaned_data["alternate_names"]]
        unique = []
        for name in names:
            if name and name.lower() not in {u.lower() for u in unique}:
                unique.append(name)
        return unique

    def clean(self):
        cleaned = super().clean()
        last, due = cleaned.get("last_reviewed"), cleaned.get("next_review_due")
        if last and due and due < last:
            self.add_error(
                "next_review_due",
                forms.ValidationError(
                    "The next review cannot be due before the last review.", code="review_order"
                ),
            )
        return cleaned
