"""One section of the intake questionnaire as a Django form, built from its questions."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from bookings.models import IntakeQuestion

Kind = IntakeQuestion.Kind
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
PAIN = [(str(number), str(number)) for number in range(11)]
TEXT_LIMIT = 2000


def _field(question) -> forms.Field:
    common = {"label": question.text, "help_text": question.help_text, "required": False}
    if question.kind == Kind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if question.kind == Kind.CHOICE:
        return forms.ChoiceField(
            choices=[(choice, choice) for choice in question.choices],
            widget=forms.RadioSelect,
            **common,
        )
    if question.kind == Kind.PAIN:
        return forms.ChoiceField(
            choices=PAIN, widget=forms.RadioSelect(attrs={"class": "pain-scale"}), **common
        )
    if question.kind == Kind.NUMBER:
        return forms.DecimalField(
            max_digits=6,
            decimal_places=1,
            validators=[MinValueValidator(0), MaxValueValidator(9999)],
            **common,
        )
    if question.kind == Kind.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            validators=[MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(2100, 1, 1))],
            **common,
        )
    return forms.CharField(
        max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3}), **common
    )


class IntakeSectionForm(forms.Form):
    """Fields named by question key. Required questions are checked when the form is finished
    (a draft may be saved half done); values come out as JSON-ready strings."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            field = _field(question)
            field.question = question
            self.fields[question.key] = field

    def answers(self) -> dict:
        values = {}
        for key, value in self.cleaned_data.items():
            if value in (None, ""):
                values[key] = None
            elif isinstance(value, date):
                values[key] = value.isoformat()
            else:
                values[key] = str(value)
        return values

    def urgent_fields(self):
        return [self[key] for key in self.fields if self.fields[key].question.urgency]


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "I agree to be assessed and treated by the clinic's physical therapists, and I have "
            "told them what I know about my health."
        ),
        required=True,
        error_messages={"required": _("Please tick the consent to treatment to finish.")},
    )
