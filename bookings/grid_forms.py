"""The forms behind the time grid: book a caller into a free gap, move an appointment to one.

A gap is what bookings/grid.py found free for one therapist; the forms offer the start times in
it and the services that fit, and check the chosen one still fits before anything is booked.
The booking itself (and every check the database makes) is bookings/services/.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Func, Q, Value

from bookings.forms import PatientContactForm
from bookings.grid import Block
from bookings.models import Patient, Service
from clinic.clock import local, time_label

NEW_PATIENT = "new"
# How many patients a search lists: a name typed in full finds the one asked for.
SEARCH_LIMIT = 15


def start_value(moment: datetime) -> str:
    """A start time as a form and a link carry it: ISO 8601 on the clinic's clock."""
    return local(moment).isoformat()


def minutes(service: Service) -> int:
    return int(service.duration.total_seconds() // 60)


def gap_starts(gap: Block, step) -> list[datetime]:
    """The start times offered in `gap`: every `step` from its start, leaving room for 15
    minutes at least."""
    starts = []
    moment = gap.starts_at
    while moment + step <= gap.ends_at or (not starts and moment < gap.ends_at):
        starts.append(moment)
        moment += step
    return starts


def search_patients(query: str) -> list[Patient]:
    """Patients whose name or email holds `query`, or whose phone holds its digits."""
    query = " ".join(query.split())[:120]
    if len(query) < 2:
        return []
    matches = Q(name__icontains=query) | Q(email__icontains=query)
    digits = "".join(character for character in query if character.isdigit())
    if len(digits) >= 3:
        # Phones are compared digit for digit, however either was written ("+1 650-555-0100").
        matches |= Q(phone_digits__contains=digits)
    return list(
        Patient.objects.annotate(
            phone_digits=Func(
                F("phone"), Value(r"\D"), Value(""), Value("g"), function="regexp_replace"
            )
        )
        .filter(matches)
        .order_by("name", "pk")[:SEARCH_LIMIT]
    )


class GapTimeForm(forms.Form):
    """A start time in a gap, for a service that must fit before the gap ends."""

    starts_at = forms.ChoiceField(label="Start time")

    def __init__(self, *args, gap: Block, starts: list[datetime], **kwargs):
        super().__init__(*args, **kwargs)
        self.gap = gap
        self.starts = {start.timestamp(): start for start in starts}
        self.fields["starts_at"].choices = [
            (start_value(start), time_label(start)) for start in starts
        ]
        self.fields["starts_at"].initial = start_value(gap.starts_at)

    def clean_starts_at(self) -> datetime:
        # Any way of writing one of the offered instants (the choices are on the clinic's clock).
        return self.starts[datetime.fromisoformat(self.cleaned_data["starts_at"]).timestamp()]

    def check_fits(self, service: Service) -> None:
        starts_at = self.cleaned_data.get("starts_at")
        if starts_at is None:
            return
        if starts_at + service.duration + service.buffer > self.gap.ends_at:
            self.add_error(
                "starts_at",
                ValidationError(
                    f"{service.name} ({minutes(service)} min) starting at {time_label(starts_at)} "
                    f"runs past this free time, which ends at {time_label(self.gap.ends_at)}. "
                    "Choose an earlier time, a shorter service or another gap.",
                    code="too_long",
                ),
            )


class BookCallerForm(GapTimeForm):
    """A caller booked by the front desk: a patient found by search or a new one, a service the
    therapist offers that fits the gap, and why they are coming."""

    service = forms.ModelChoiceField(queryset=Service.objects.none(), label="Service")
    patient = forms.ChoiceField(label="Patient", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason for the visit",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args, services, patients: list[Patient], phone_options: dict | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].empty_label = "Choose a service"
        offered = list(services)
        if len(offered) == 1:
            self.fields["service"].initial = offered[0].pk
        self.fields["service"].label_from_instance = lambda service: (
            f"{service.name} ({minutes(service)} min)"
        )
        self.patients = {str(patient.pk): patient for patient in patients}
        self.fields["patient"].choices = [
            *((pk, f"{patient.name} · {patient.email}") for pk, patient in self.patients.items()),
            (NEW_PATIENT, "A new patient (details below)"),
        ]
        self.fields["patient"].initial = NEW_PATIENT if not patients else None
        self.new_patient = PatientContactForm(
            self.data if self.is_bound else None, prefix="new", **(phone_options or {})
        )

    def clean_patient(self):
        value = self.cleaned_data["patient"]
        if value == NEW_PATIENT:
            return None
        return self.patients[value]

    def clean(self):
        cleaned = super().clean()
        if "patient" in cleaned and cleaned["patient"] is None and not self.new_patient.is_valid():
            self.add_error(
                None, "Enter the new patient's name, email and phone, or choose a patient."
            )
        service = cleaned.get("service")
        if service is not None:
            self.check_fits(service)
        return cleaned
