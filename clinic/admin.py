"""Staff edit the clinic's front door here: its profile (address, phones, how to get there), its
opening hours and closures, and the pages they write (privacy notice, policies, about)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Value, When
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from modeltranslation.admin import TranslationAdmin

from clinic import clock
from clinic.clock import local_today
from clinic.dates import year_in_range
from clinic.default_pages import REVIEW_NOTES
from clinic.models import ClinicProfile, Closure, OpeningHours, Page
from clinic.phones import format_phone, parse_phone


class DateDrillDownInRange:
    """ModelAdmin mixin: the date drill-down (`date_hierarchy`'s ?<field>__year=) kept in range.

    Django steps the chosen year, month or day forward to bound its query, which overflows at
    year 9999 (a 500); a year out of range is treated as the admin treats any bad lookup: back to
    the unfiltered list with ?e=1.
    """

    def changelist_view(self, request, extra_context=None):
        if self.date_hierarchy:
            year = request.GET.get(f"{self.date_hierarchy}__year")
            if year is not None and not year_in_range(year):
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)


def clinic_day(day) -> str:
    """A list column's day, "Fri 4 Dec 2026": every admin list writes days and times alike."""
    return f"{day:%a} {day.day} {day:%b} {day.year}"


def clinic_moment(moment) -> str:
    """A list column's time, "Fri 4 Dec 2026, 9:00 AM", on the clinic's clock, with PDT / PST on
    the day the clocks change (1:30 AM twice)."""
    return f"{clinic_day(clock.local(moment))}, {clock.time_label(moment)}"


def day_column(field: str, description: str):
    """A list_display method showing a date field as `clinic_day` ("—" when empty)."""

    @admin.display(description=description, ordering=field)
    def column(self, obj):
        value = getattr(obj, field)
        return clinic_day(value) if value else "—"

    return column


def moment_column(field: str, description: str):
    """A list_display method showing a datetime field as `clinic_moment` ("—" when empty)."""

    @admin.display(description=description, ordering=field)
    def column(self, obj):
        value = getattr(obj, field)
        return clinic_moment(value) if value else "—"

    return column


# A plain time box (the browser's own time picker where it has one): the admin's clock
# shortcuts offer "Now" and "Midnight", which no opening hours want.
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class DateTimeInput(AdminSplitDateTime):
    """The admin's "Date:" and "Time:" boxes as the browser's own pickers (TIME_INPUT for the
    time). Without the admin's shortcuts, no "You are N hours ahead of server time" note either:
    every time staff type is on the clinic's clock, as the field's help says."""

    def __init__(self, attrs=None):
        date = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        forms.MultiWidget.__init__(self, [date, TIME_INPUT], attrs)


PHONE_FIELDS = ("phone", "second_phone")
PHONE_HELP = (
    "Type it any usual way: +1 650 815 6552, (650) 815-6552 (read in the profile's country), "
    "+33 7 84 26 43 52. It is stored in E.164 (+16508156552)."
)


class ClinicProfileAdminForm(forms.ModelForm):
    """Phone numbers typed as people write them, stored in E.164.

    A number without its country code is read in the profile's country, then in the countries of
    the numbers already stored; one that is not a possible number anywhere is refused.
    """

    phone = forms.CharField(label="Main phone", max_length=40, help_text=PHONE_HELP)
    second_phone = forms.CharField(max_length=40, required=False, help_text=PHONE_HELP)
    map_url = forms.URLField(
        label="Map link",
        required=False,
        assume_scheme="https",
        help_text=ClinicProfile._meta.get_field("map_url").help_text,
    )

    class Meta:
        model = ClinicProfile
        fields = list(PHONE_FIELDS)  # the admin adds the rest, from its fieldsets

    def clean(self):
        cleaned = super().clean()
        region = cleaned.get("country") or self.instance.country or None
        region = region.upper() if region else None
        fallbacks = self.instance.phone_regions if self.instance.pk else []
        for name in PHONE_FIELDS:
            typed = cleaned.get(name)
            if not typed:
                continue
            try:
                cleaned[name] = parse_phone(typed, region=region, fallbacks=fallbacks)
            except ValidationError as error:
                self.add_error(name, _phone_error(typed, region, error))
        return cleaned

    def _post_clean(self):
        # The model's own E.164 validator runs on the parsed number, not on what was typed.
        for name in PHONE_FIELDS:
            if name in self.cleaned_data and name not in self.errors:
                setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()


def _phone_error(typed: str, region: str | None, error: ValidationError) -> ValidationError:
    if error.code == "no_country":
        message = (
            f"“{typed}” could be a number in more than one country: type it with + and the "
            "country code, e.g. +1 650 815 6552."
        )
    else:
        where = f" in {region}" if region and not typed.strip().startswith("+") else ""
        message = (
            f"“{typed}” is not a possible phone number{where}. Check the digits, or type it with "
            "+ and the country code, e.g. +1 650 815 6552 or +33 7 84 26 43 52."
        )
    return ValidationError(message, code=error.code)


@admin.register(ClinicProfile)
class ClinicProfileAdmin(TranslationAdmin):
    form = ClinicProfileAdminForm
    list_display = ["name", "shown_phones", "locality_line", "email", "updated"]
    updated = moment_column("updated_at", "Updated at")
    fieldsets = [
        (None, {"fields": ["name", "tagline", "award_line"]}),
        (
            "Contact",
            {
                "fields": [
                    "phone",
                    "phone_label",
                    "second_phone",
                    "second_phone_label",
                    "email",
                ]
            },
        ),
        (
            "Address",
            {
                "description": "Shown on the contact page, in the footer, in every patient "
                "email and calendar invitation, and to search engines.",
                "fields": ["street_address", "city", "region", "postal_code", "country"],
            },
        ),
        (
            "Location",
            {
                "description": "The map link is an ordinary link: nothing from a map site is "
                "embedded in the pages. Latitude and longitude (optional) help search engines.",
                "fields": ["map_url", ("latitude", "longitude")],
            },
        ),
        (
            "Getting here",
            {
                "description": "Shown on the contact page, in the patient's language.",
                "fields": ["directions", "parking", "public_transport"],
            },
        ),
    ]

    @admin.display(description="Phones")
    def shown_phones(self, profile):
        return " · ".join(format_phone(n) for n in (profile.phone, profile.second_phone) if n)

    def has_add_permission(self, request):
        # One clinic, one profile: the row exists from the first migration on.
        return not ClinicProfile.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    """The clinic's week. The times can be changed right in the list."""

    list_display = ["weekday", "opens", "closes", "past_midnight"]
    list_display_links = ["weekday"]
    list_editable = ["opens", "closes"]
    list_filter = ["weekday"]
    ordering = ["weekday", "opens"]
    formfield_overrides = {models.TimeField: {"widget": TIME_INPUT}}

    @admin.display(boolean=True, description="Past midnight")
    def past_midnight(self, block):
        return block.past_midnight


class ClosureWhenFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Today and later"), ("past", "Past")]

    def queryset(self, request, queryset):
        today = local_today()
        if self.value() == "upcoming":
            return queryset.filter(last_day__gte=today)
        if self.value() == "past":
            return queryset.filter(last_day__lt=today)
        return queryset


@admin.register(Closure)
class ClosureAdmin(DateDrillDownInRange, TranslationAdmin):
    """Whole days the clinic is closed. Listed soonest first, then the past ones, latest first."""

    list_display = ["reason", "first", "last", "length"]
    first = day_column("first_day", "First day")
    last = day_column("last_day", "Last day")
    list_filter = [ClosureWhenFilter]
    search_fields = ["reason_en", "reason_fr"]
    date_hierarchy = "first_day"

    @admin.display(description="Days")
    def length(self, closure):
        return (closure.last_day - closure.first_day).days + 1

    def get_ordering(self, request):
        today = local_today()
        past = Case(When(last_day__lt=today, then=Value(1)), default=Value(0))
        upcoming_first_day = Case(When(last_day__gte=today, then=F("first_day")), default=None)
        past_first_day = Case(When(last_day__lt=today, then=F("first_day")), default=None)
        return [
            past.asc(),
            upcoming_first_day.asc(nulls_last=True),
            past_first_day.desc(nulls_last=True),
        ]


# The fields whose change makes a new version of a page (the words a patient agrees to).
VERSIONED_FIELDS = {"title", "body"}


def _words_changed(form, name: str) -> bool:
    """Whether `name` (title_en, body_fr, ...) is a versioned field whose words changed.

    A browser sends a textarea's line breaks as CRLF and the form strips the ends: the same
    text saved again shows in `changed_data`, and is not a new version.
    """
    if name.rsplit("_", 1)[0] not in VERSIONED_FIELDS:
        return False

    def words(value) -> str:
        return (value or "").replace("\r\n", "\n").strip()

    return words(form.initial.get(name)) != words(form.cleaned_data.get(name))


@admin.register(Page)
class PageAdmin(TranslationAdmin):
    # The slug and the footer's order are on the change page: the list fits 1280 px beside the
    # filters (and is sorted in the footer's order).
    list_display = ["title", "status", "in_footer", "version", "revised"]
    revised = moment_column("revised_at", "Revised at")
    list_filter = ["status", "in_footer"]
    search_fields = ["title_en", "title_fr", "slug"]
    readonly_fields = ["review_note", "version", "revised_at"]
    fieldsets = [
        (None, {"fields": ["review_note", "title", "slug", "summary", "body"]}),
        ("Publishing", {"fields": ["status", "in_footer", "order", "version", "revised_at"]}),
    ]

    def view_on_site(self, page):
        return reverse("page", kwargs={"slug": page.slug})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.slug not in REVIEW_NOTES:
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f != "review_note"]})
                for name, options in fieldsets
            ]
        return fieldsets

    @admin.display(description="Before you rely on this text")
    def review_note(self, page):
        return REVIEW_NOTES.get(page.slug, "")

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ("title_en",)}

    def save_model(self, request, obj, form, change):
        """A change to any language's title or body is a new version, revised now."""
        if not change:
            obj.version = 1
            obj.revised_at = timezone.now()
        elif any(_words_changed(form, name) for name in form.changed_data):
            obj.version += 1
            obj.revised_at = timezone.now()
        super().save_model(request, obj, form, change)
