"""The waiting-list form: which service, with whom, the days and times that suit, and who."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from bookings.forms import PatientContactForm
from bookings.models import Service, Therapist, WaitlistEntry

# The longest a waiting-list request runs; the booking horizon also applies.
LONGEST_WAIT = timedelta(days=60)


class WaitlistForm(PatientContactForm):
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.active(), empty_label=None
    )
    therapist = forms.ModelChoiceField(
        label=_("Therapist"),
        queryset=Therapist.objects.active(),
        required=False,
        empty_label=_("No preference"),
    )
    first_day = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    last_day = forms.DateField(
        label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days that suit you"),
        choices=[(number, WEEKDAYS[number]) for number in range(7)],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day of the week.")},
    )
    times_of_day = forms.MultipleChoiceField(
        label=_("Times of day that suit you"),
        choices=WaitlistEntry.TimeOfDay.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one time of day.")},
    )
    field_order = ["service", "therapist", "first_day", "last_day", "weekdays", "times_of_day"]

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last:
            if first < self.today:
                self.add_error("first_day", _("Choose today or a later day."))
            elif last < first:
                self.add_error("last_day", _("The last day cannot be before the first."))
            elif last - first > LONGEST_WAIT:
                self.add_error(
                    "last_day", _("Choose up to %(days)s days.") % {"days": LONGEST_WAIT.days}
                )
        service, therapist = cleaned.get("service"), cleaned.get("therapist")
        if service and therapist and not therapist.services.filter(pk=service.pk).exists():
            raise ValidationError(
                _("%(therapist)s does not offer %(service)s."),
                params={"therapist": therapist.display_name, "service": service.name},
                code="service_not_offered",
            )
        return cleaned
