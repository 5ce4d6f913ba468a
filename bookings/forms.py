"""Forms for the booking flow: they validate and normalise, and never write."""

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bookings.models import Service, Therapist
from clinic.dates import MAX_YEAR, MIN_YEAR, in_range
from clinic.phones import COUNTRY_CHOICES, parse_phone
from clinic.versioned import kept_while_unchanged
from conditions.models import Condition

START_FORMAT = "%Y%m%dT%H%MZ"  # a slot's start in UTC, e.g. 20270314T1600Z
ANY_THERAPIST = "any"


def format_start(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(START_FORMAT)


UNKNOWN_THERAPIST_MESSAGE = _("We could not find that therapist; please choose again.")
DAY_OUT_OF_RANGE_MESSAGE = _("That date is out of range; please choose a day below.")
DATE_OUT_OF_RANGE_MESSAGE = _("That date is out of range (years %(first)s to %(last)s).")


def check_in_range(moment: datetime | None) -> datetime | None:
    """A form field's date or datetime, refused (code out_of_range) outside the years we take."""
    if moment is not None and not in_range(moment):
        raise ValidationError(
            DATE_OUT_OF_RANGE_MESSAGE,
            code="out_of_range",
            params={"first": MIN_YEAR, "last": MAX_YEAR},
        )
    return moment


def active_service(slug: str) -> Service | None:
    """The active service with this slug, if there is one. The active services (a handful) are
    kept between requests while the content version stands, which their changes bump
    (clinic/versioned.py): a made-up slug finds none and costs no query."""
    services = kept_while_unchanged(
        "active_services",
        lambda: {service.slug: service for service in Service.objects.active()},
    )
    service = services.get(slug)
    return copy.copy(service) if service is not None else None


class BookingChoiceForm(forms.Form):
    """What the patient has chosen so far, read from the query string (or the confirm form).

    Every field is optional: the flow's step is the first one missing. An invalid value (an
    unknown slug, a non-numeric id, a malformed date, a date outside clinic.dates' years)
    is an error shown on the page and is treated as not chosen.
    """

    service = forms.SlugField(required=False, max_length=120)
    therapist = forms.CharField(required=False, max_length=20)
    week = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    day = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    start = forms.CharField(required=False, max_length=20)
    condition = forms.SlugField(required=False, max_length=200)

    def clean_service(self) -> Service | None:
        slug = self.cleaned_data["service"]
        if not slug:
            return None
        service = active_service(slug)
        if service is None:
            raise ValidationError(
                _("We could not find that service; please choose one below."),
                code="unknown_service",
            )
        return service

    def clean_therapist(self) -> Therapist | str | None:
        value = self.cleaned_data["therapist"].strip()
        if not value:
            return None
        if value == ANY_THERAPIST:
            return ANY_THERAPIST
        if not value.isdigit():
            raise ValidationError(UNKNOWN_THERAPIST_MESSAGE, code="unknown_therapist")
        therapist = Therapist.objects.active().filter(pk=int(value)).first()
        if therapist is None:
            raise ValidationError(UNKNOWN_THERAPIST_MESSAGE, code="unknown_therapist")
        return therapist

    def _clean_day(self, name: str):
        day = self.cleaned_data[name]
        if day is not None and not in_range(day):
            raise ValidationError(DAY_OUT_OF_RANGE_MESSAGE, code="out_of_range")
        return day

    def clean_week(self):
        return self._clean_day("week")

    def clean_day(self):
        return self._clean_day("day")

    def clean_start(self) -> datetime | None:
        value = self.cleaned_data["start"].strip()
        if not value:
            return None
        try:
            start = datetime.strptime(value, START_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            start = None
        # Year 1 or 9999 would overflow on the way to the clinic's zone.
        if start is None or not in_range(start):
            raise ValidationError(
                _("That time is not valid; please choose a time below."), code="invalid_start"
            )
        return start

    def clean_condition(self) -> Condition | None:
        slug = self.cleaned_data["condition"]
        if not slug:
            return None
        condition = Condition.objects.published().with_slug(slug).first()
        if condition is None:
            raise ValidationError(
                _("We could not find that condition; you can still describe it in your own words."),
                code="unknown_condition",
            )
        return condition

    def clean(self):
        cleaned = super().clean()
        service = cleaned.get("service")
        therapist = cleaned.get("therapist")
        # A therapist without a service yet is kept ("Book with" on the team page): the first
        # step then offers the services they offer.
        if (
            isinstance(therapist, Therapist)
            and service is not None
            and not therapist.services.filter(pk=service.pk).exists()
        ):
            # add_error also drops the therapist from cleaned_data: the flow asks again.
            self.add_error(
                "therapist",
                ValidationError(
                    _("%(therapist)s does not offer that service; please choose again."),
                    code="service_not_offered",
                    params={"therapist": therapist.display_name},
                ),
            )
        return cleaned

    def choices(self) -> dict:
        """The valid choices (after is_valid()), invalid ones dropped."""
        data = getattr(self, "cleaned_data", {})
        return {
            name: data.get(name)
            for name in ("service", "therapist", "week", "day", "start", "condition")
            if name not in self.errors
        }

    def messages(self) -> list[str]:
        return [error for errors in self.errors.values() for error in errors]


# --- the review page's confirm form -------------------------------------------------------------

REVIEW_SALT = "bookings.review.confirm"
# Long enough for a patient who leaves the page open over lunch; short enough that a page left
# on a shared computer overnight cannot be confirmed the next day.
REVIEW_MAX_AGE = timedelta(hours=3)
REVIEW_VERSION = 1
CHOICE_FIELDS = ("service", "therapist", "start", "condition")
DETAIL_FIELDS = ("name", "email", "phone", "reason")
OUT_OF_DATE_MESSAGE = _(
    "This page was out of date, so nothing was booked. Please check your details and confirm again."
)


def choice_values(choices: dict) -> dict[str, str]:
    """`choices` (from BookingChoiceForm.choices()) as the strings the query string carries."""
    therapist = choices.get("therapist")
    start = choices.get("start")
    return {
        "service": choices["service"].slug if choices.get("service") else "",
        "therapist": str(therapist.pk) if isinstance(therapist, Therapist) else therapist or "",
        "start": format_start(start) if start else "",
        "condition": choices["condition"].slug if choices.get("condition") else "",
    }


def sign_review(*, choices: dict, details: dict, submission: str) -> str:
    """The confirm form's one value: exactly what the review page shows, signed.

    The confirm POST books from this alone, never from the session, which another tab of the
    same browser may have changed since the page was made.
    """
    payload = {
        "v": REVIEW_VERSION,
        "choices": choice_values(choices),
        "details": {name: details.get(name, "") for name in DETAIL_FIELDS},
        "submission": submission,
    }
    return signing.dumps(payload, salt=REVIEW_SALT, compress=True)


@dataclass(frozen=True)
class ReviewedBooking:
    """What a review page showed: the choices (as query-string values), details and form key."""

    choices: dict[str, str]
    details: dict[str, str]
    submission: str


def _is_text_dict(value, names) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == set(names)
        and all(isinstance(item, str) for item in value.values())
    )


class ConfirmBookingForm(forms.Form):
    """The review page's "Confirm booking": its signed value, checked against the page it came
    from (`page_choices`, the query string the form was posted to).

    A missing, altered, expired or mismatched value is one error (code `missing`, `tampered`,
    `expired` or `mismatched`) with one message: the patient checks the page and confirms again.
    """

    booking = forms.CharField(required=False, max_length=20_000, strip=False)

    def __init__(self, *args, page_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page_choices = page_choices or {}

    def clean_booking(self) -> ReviewedBooking:
        value = self.cleaned_data["booking"]
        if not value:
            raise ValidationError(OUT_OF_DATE_MESSAGE, code="missing")
        try:
            payload = signing.loads(value, salt=REVIEW_SALT, max_age=REVIEW_MAX_AGE.total_seconds())
        except signing.SignatureExpired:
            raise ValidationError(OUT_OF_DATE_MESSAGE, code="expired") from None
        except signing.BadSignature:
            raise ValidationError(OUT_OF_DATE_MESSAGE, code="tampered") from None
        if not (
            isinstance(payload, dict)
            and payload.get("v") == REVIEW_VERSION
            and _is_text_dict(payload.get("choices"), CHOICE_FIELDS)
            and _is_text_dict(payload.get("details"), DETAIL_FIELDS)
            and isinstance(payload.get("submission"), str)
        ):
            raise ValidationError(OUT_OF_DATE_MESSAGE, code="mismatched")
        choices = payload["choices"]
        # The form posts to its own page's address: a value carried to another page's is stale.
        for name in CHOICE_FIELDS:
            posted_to = self.page_choices.get(name)
            if posted_to is not None and posted_to != choices[name]:
                raise ValidationError(OUT_OF_DATE_MESSAGE, code="mismatched")
        return ReviewedBooking(
            choices=choices, details=payload["details"], submission=payload["submission"]
        )

    def messages(self) -> list[str]:
        return [error for errors in self.errors.values() for error in errors]


class PatientPhoneField(forms.CharField):
    """A patient's phone as they type it, read in a country by `clean_patient_phone`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "autocomplete": "tel", "inputmode": "tel"}


def clean_patient_phone(typed: str, *, region: str | None, fallbacks=()) -> str:
    """What the patient or the front desk typed, as E.164 (clinic.phones.parse_phone): read in
    `region` (the country chosen beside the field), else in the clinic's own numbers' countries,
    so a French 06 12 34 56 78 typed with the United States chosen is still found French."""
    return parse_phone(" ".join(typed.split()), region=region, fallbacks=fallbacks)


def default_phone_region(*, language: str | None, clinic_country: str) -> str:
    """The country preselected beside the phone field: France on the French pages, else the
    clinic's own country (the first choice when that is not one offered)."""
    codes = [code for code, _name in COUNTRY_CHOICES]
    if (language or "").split("-")[0].lower() == "fr":
        return "FR"
    country = (clinic_country or "").upper()
    return country if country in codes else codes[0]


class NameAndEmailForm(forms.Form):
    """A person's name and email, tidied: the booking, waiting-list and contact forms share them."""

    name = forms.CharField(max_length=120, label=_("Your full name"))
    email = forms.EmailField(max_length=254, label=_("Email"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, autocomplete in (("name", "name"), ("email", "email")):
            if field in self.fields:
                self.fields[field].widget.attrs.update(autocomplete=autocomplete)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Please enter your name."), code="required")
        return name

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()


class PatientContactForm(NameAndEmailForm):
    """Name, email and phone. The phone is stored in E.164: it is read in the country chosen
    beside it (`region`, preselected by `default_region`), then in `fallbacks` (the countries of
    the clinic's own numbers, ClinicProfile.phone_regions). `phone_form_options()` gives both."""

    phone_country = forms.ChoiceField(
        required=False,
        choices=COUNTRY_CHOICES,
        label=_("Country"),
        help_text=_("Where your phone number is from, unless you type it with + and the code."),
    )
    phone = PatientPhoneField(label=_("Phone"))

    def __init__(self, *args, default_region: str = "US", fallbacks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.default_region = default_region
        self.fallbacks = tuple(fallbacks)
        self.fields["phone_country"].initial = default_region
        self.fields["phone"].widget.input_type = "tel"

    def clean_phone_country(self) -> str:
        return self.cleaned_data["phone_country"] or self.default_region

    def clean(self):
        cleaned = super().clean()
        typed = cleaned.get("phone")
        if typed:
            try:
                cleaned["phone"] = clean_patient_phone(
                    typed,
                    region=cleaned.get("phone_country") or self.default_region,
                    fallbacks=self.fallbacks,
                )
            except ValidationError as error:
                # The bound field keeps what was typed: the patient corrects it, never retypes it.
                self.add_error("phone", error)
        return cleaned


class PatientDetailsForm(PatientContactForm):
    """The booking's details: name, email, phone and reason."""

    email = forms.EmailField(
        max_length=254,
        label=_("Email"),
        help_text=_("We send the confirmation and the link to change or cancel here."),
    )
    phone = PatientPhoneField(
        label=_("Phone"),
        help_text=_("So we can reach you if the clinic has to change the time."),
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        label=_("What would you like help with? (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


CONSENT_REQUIRED_MESSAGE = _(
    "Please tick the box to agree to how the clinic uses your information: we cannot book "
    "without it. Nothing has been booked yet."
)


class ConsentForm(forms.Form):
    """The review page's consent tick, required to book online. Its label is written in the
    template (book_review.html), where it links the privacy notice when one is published."""

    consent = forms.BooleanField(error_messages={"required": CONSENT_REQUIRED_MESSAGE})

    def messages(self) -> list[str]:
        return [error for errors in self.errors.values() for error in errors]


# --- the staff schedule (/schedule/) ------------------------------------------------------------


class ScheduleQueryForm(forms.Form):
    """?date=YYYY-MM-DD&view=day|week&therapist=<id>: a bad value is a message, never an error."""

    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    view = forms.ChoiceField(required=False, choices=[("day", "Day"), ("week", "Week")])
    therapist = forms.CharField(required=False, max_length=18)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day is not None and not in_range(day):
            raise ValidationError("That date is out of range.", code="out_of_range")
        return day

    def messages(self) -> list[str]:
        found = []
        if "date" in self.errors:
            found.append("That date is not valid (use YYYY-MM-DD); showing today.")
        if "view" in self.errors:
            found.append("Unknown view; showing the day.")
        return found


class AttendanceForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("attended", "Attended"), ("no_show", "No-show")])


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time in the clinic's zone, kept naive: the form converts it DST-safely."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        value = str(value).strip()
        for format_ in self.input_formats:
            try:
                parsed = datetime.strptime(value, format_)
            except ValueError:
                continue
            if not in_range(parsed):
                break
            return parsed
        raise ValidationError("Enter a date and time, e.g. 2026-12-01 14:30.", code="invalid")


class TimeOffForm(forms.Form):
    therapist = forms.ModelChoiceField(queryset=Therapist.objects.none(), empty_label=None)
    starts_at = LocalDateTimeField(label="From")
    ends_at = LocalDateTimeField(label="Until")
    reason = forms.CharField(required=False, max_length=200, label="Reason (optional, staff only)")

    def __init__(self, *args, therapists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists
        if len(therapists) == 1:
            # Your own time off: nothing to choose.
            self.fields["therapist"].widget = forms.HiddenInput()

    def clean(self):
        from clinic.clock import clinic_zone, wall_clock_to_utc

        cleaned = super().clean()
        zone = clinic_zone()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        # Wall-clock times to instants, as availability does for working hours: a start in the
        # hour skipped in spring is the moment the clocks jump; an end in the repeated autumn
        # hour is its later reading.
        if starts_at is not None:
            cleaned["starts_at"] = wall_clock_to_utc(starts_at.date(), starts_at.time(), zone=zone)
        if ends_at is not None:
            cleaned["ends_at"] = wall_clock_to_utc(
                ends_at.date(), ends_at.time(), zone=zone, latest=True
            )
        if (
            starts_at is not None
            and ends_at is not None
            and cleaned["ends_at"] <= cleaned["starts_at"]
        ):
            self.add_error(
                "ends_at",
                ValidationError("It must end after it starts.", code="ends_before_start"),
            )
        return cleaned
