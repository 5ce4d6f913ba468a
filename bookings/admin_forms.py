"""The admin's appointment and time-off forms: each new or changed row goes through
bookings/services/, once the form's own validation passes (in `_post_clean`), so a refused change
(an overlap, outside working hours, a cancelled appointment reopened) is a form error on the page,
never a 500 and never a half-saved row."""

from django import forms
from django.core.exceptions import ValidationError

from bookings import services
from bookings.forms import check_in_range, clean_patient_phone
from bookings.models import Appointment, Patient, TimeOff
from clinic import clock
from clinic.models import ClinicProfile
from clinic.phones import format_phone


def on_the_clinic_clock() -> str:
    """The help under a date and time box: whatever the browser's zone, it is the clinic's."""
    return f"On the clinic's clock ({clock.clinic_zone_name()})."


class TimeOffAdminForm(forms.ModelForm):
    """New time off goes through services.block_time_off: refused where it covers appointments."""

    actor = None  # set per request by TimeOffAdmin.get_form

    class Meta:
        model = TimeOff
        fields = ["therapist", "starts_at", "ends_at", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            if name in self.fields:
                self.fields[name].help_text = on_the_clinic_clock()

    def clean_starts_at(self):
        return check_in_range(self.cleaned_data["starts_at"])

    def clean_ends_at(self):
        return check_in_range(self.cleaned_data["ends_at"])

    def _post_clean(self):
        super()._post_clean()
        if self.errors or self.instance.pk is not None:
            return
        data = self.cleaned_data
        try:
            self.instance = services.block_time_off(
                therapist=data["therapist"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data.get("reason", ""),
                actor=self.actor,
            )
        except ValidationError as error:
            self.add_error(None, error)


class AppointmentAdminForm(forms.ModelForm):
    actor = None  # set per request by AppointmentAdmin.get_form: recorded in the history

    class Meta:
        model = Appointment
        fields = ["therapist", "service", "patient", "starts_at", "status", "reason", "condition"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "starts_at" in self.fields:
            self.fields["starts_at"].help_text = on_the_clinic_clock()

    def clean_starts_at(self):
        return check_in_range(self.cleaned_data["starts_at"])

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        data = self.cleaned_data
        try:
            if self.instance.pk is None:
                if data["status"] != Appointment.Status.BOOKED:
                    raise ValidationError(
                        "A new appointment starts as booked.", code="invalid_status"
                    )
                self.instance = services.book_appointment(
                    service=data["service"],
                    therapist=data["therapist"],
                    starts_at=data["starts_at"],
                    patient=data["patient"],
                    reason=data.get("reason", ""),
                    condition=data.get("condition"),
                    source=Appointment.Source.FRONT_DESK,
                    actor=self.actor,
                )
            else:
                self.instance = services.update_appointment(
                    appointment=self.instance,
                    therapist=data["therapist"],
                    service=data["service"],
                    starts_at=data["starts_at"],
                    status=data["status"],
                    reason=data.get("reason", ""),
                    condition=data.get("condition"),
                    patient=data["patient"],
                    actor=self.actor,
                )
        except ValidationError as error:
            self.add_error(None, error)


class PatientAdminForm(forms.ModelForm):
    """A patient's phone typed as the caller says it, stored in E.164 like the booking form's:
    read in the clinic's country, then in its own numbers' countries; shown formatted to edit."""

    class Meta:
        model = Patient
        fields = ["name", "email", "phone"]
        help_texts = {
            "phone": "Type it as the patient says it: (650) 555-0100, 06 12 34 56 78, "
            "+33 6 12 34 56 78. Stored in E.164 (+16505550100).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.phone and not self.is_bound:
            self.initial["phone"] = format_phone(self.instance.phone)

    def clean_phone(self) -> str:
        profile = ClinicProfile.load()
        return clean_patient_phone(
            self.cleaned_data["phone"], region=profile.country, fallbacks=profile.phone_regions
        )
