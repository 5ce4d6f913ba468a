"""The front desk's admin. Appointments and time off are created and changed through
bookings/services/, by the forms in bookings/admin_forms.py."""

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from bookings import services
from bookings.admin_forms import AppointmentAdminForm, PatientAdminForm, TimeOffAdminForm
from bookings.admin_photos import TherapistPhotoAdminMixin
from bookings.models import (
    Appointment,
    AppointmentEvent,
    BookingRules,
    CareCourse,
    ContactMessage,
    IntakeQuestion,
    IntakeView,
    OutgoingEmail,
    Patient,
    Resource,
    ResourceNeed,
    ResourceUnavailability,
    Service,
    SlotOffer,
    Therapist,
    TimeOff,
    WaitlistEntry,
    WorkingHours,
)
from bookings.notifications import outbox
from bookings.services import waitlist
from clinic import clock
from clinic.admin import (
    TIME_INPUT,
    DateDrillDownInRange,
    DateTimeInput,
    clinic_moment,
    day_column,
    moment_column,
)
from clinic.models import ClinicProfile
from clinic.phones import format_phone, parse_phone

# After a therapist's weekly hours change, how many days ahead the waiting list is offered times.
WAITLIST_DAYS_AFTER_HOURS_CHANGE = 14


@admin.register(BookingRules)
class BookingRulesAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "minimum_notice_minutes",
        "horizon_days",
        "cancellation_cutoff_hours",
        "slot_step_minutes",
        "updated",
    ]
    updated = moment_column("updated_at", "Updated at")

    def has_add_permission(self, request):
        # One row, created by the migration.
        return not BookingRules.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class ResourceNeedInline(admin.TabularInline):
    model = ResourceNeed
    extra = 0
    verbose_name = "room or device this service needs"
    verbose_name_plural = "rooms and devices this service needs (for its whole time)"


@admin.register(Service)
class ServiceAdmin(TranslationAdmin):
    # The buffer is on the change page: the list fits 1280 px beside the filter.
    list_display = ["name", "name_fr", "duration_minutes", "price", "active", "order"]
    list_filter = ["active"]
    list_editable = ["active", "order"]
    search_fields = ["name_en", "name_fr", "description_en", "description_fr"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [ResourceNeedInline]


class ResourceUnavailabilityInline(admin.TabularInline):
    model = ResourceUnavailability
    extra = 0
    formfield_overrides = {models.DateTimeField: {"widget": DateTimeInput}}


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    """Rooms and devices: what services need (on each service) and when each is out of use."""

    list_display = ["name", "kind", "active", "shown_to_patients", "order"]
    list_filter = ["kind", "active"]
    list_editable = ["active", "order"]
    search_fields = ["name"]
    inlines = [ResourceUnavailabilityInline]


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 1
    # Weekly hours are wall-clock times: a plain time box, without the admin's "Now" shortcut and
    # its note about the browser's time zone on every row.
    formfield_overrides = {models.TimeField: {"widget": TIME_INPUT}}


@admin.register(Therapist)
class TherapistAdmin(TherapistPhotoAdminMixin, admin.ModelAdmin):
    # The photo's upload, alt text, preview and removal: bookings/admin_photos.py.
    list_display = ["display_name", "credentials", "user", "active"]
    list_filter = ["active", "services"]
    search_fields = ["display_name", "credentials", "user__username", "user__email"]
    list_select_related = ["user"]
    filter_horizontal = ["services"]
    autocomplete_fields = ["user"]
    inlines = [WorkingHoursInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            # Hours may have grown: the next fortnight's new times go to the waiting list.
            today = clock.local_today()
            for offset in range(WAITLIST_DAYS_AFTER_HOURS_CHANGE):
                waitlist.time_freed(
                    therapist_id=form.instance.pk, day=today + timedelta(days=offset)
                )


@admin.register(TimeOff)
class TimeOffAdmin(DateDrillDownInRange, admin.ModelAdmin):
    form = TimeOffAdminForm
    formfield_overrides = {models.DateTimeField: {"widget": DateTimeInput}}
    list_display = ["therapist", "starts", "ends", "reason", "created_by"]
    list_filter = ["therapist"]
    date_hierarchy = "starts_at"
    search_fields = ["therapist__display_name", "reason"]
    list_select_related = ["therapist", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        # Once blocked, its time is fixed (booking may already rely on it); remove and block
        # again instead. Only the reason stays editable.
        if obj is None:
            return ["created_by", "created_at"]
        return ["therapist", "starts_at", "ends_at", "created_by", "created_at"]

    @admin.display(description="Starts", ordering="starts_at")
    def starts(self, time_off):
        return clinic_moment(time_off.starts_at)

    @admin.display(description="Ends", ordering="ends_at")
    def ends(self, time_off):
        return clinic_moment(time_off.ends_at)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        # A new one was saved by the form, through bookings/services/.


class PhoneSearch:
    """Search also finds a phone typed as people say it: "650 555 0100" finds +16505550100
    (stored E.164), read in the clinic's country as the admin's phone fields are."""

    phone_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        profile = ClinicProfile.load()
        try:
            e164 = parse_phone(search_term, region=profile.country, fallbacks=profile.phone_regions)
        except ValidationError:
            return found, may_have_duplicates
        same = Q()
        for name in self.phone_search_fields:
            same |= Q(**{name: e164})
        return found | queryset.filter(same), True


@admin.register(Patient)
class PatientAdmin(PhoneSearch, admin.ModelAdmin):
    form = PatientAdminForm  # the phone typed any usual way, stored in E.164
    list_display = ["name", "email", "shown_phone", "created"]
    created = moment_column("created_at", "Created at")
    search_fields = ["name", "email", "phone"]
    phone_search_fields = ("phone",)

    @admin.display(description="Phone", ordering="phone")
    def shown_phone(self, patient):
        return format_phone(patient.phone)


class AppointmentDateFilter(admin.SimpleListFilter):
    title = "date"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("today", "Today"), ("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "today":
            today = timezone.localdate()
            return queryset.filter(starts_at__date=today)
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gte=now)
        if self.value() == "past":
            return queryset.filter(starts_at__lt=now)
        return queryset


def _actor_name(event: AppointmentEvent) -> str:
    if event.actor_id is None:
        return "by the patient online, or the system"
    return f"by {event.actor.get_full_name() or event.actor.get_username()}"


@admin.register(Appointment)
class AppointmentAdmin(PhoneSearch, DateDrillDownInRange, admin.ModelAdmin):
    form = AppointmentAdminForm
    formfield_overrides = {models.DateTimeField: {"widget": DateTimeInput}}
    # What the front desk scans for fits 1280 px: when, with whom, what, and its status, then the
    # name and phone given for the booking (online, whoever booked typed them). The patient record
    # their email matched, and the source, are on the change page (and the source a filter).
    list_display = ["starts", "therapist", "service", "status", "booked_by"]
    list_filter = [AppointmentDateFilter, "status", "therapist", "service", "source", "language"]
    date_hierarchy = "starts_at"
    search_fields = [
        "patient_name",
        "patient_phone",
        "patient__name",
        "patient__email",
        "patient__phone",
    ]
    phone_search_fields = ("patient_phone", "patient__phone")
    list_select_related = ["patient", "therapist", "service"]
    autocomplete_fields = ["patient", "condition"]
    readonly_fields = [
        "patient_name",
        "phone_given",
        "ends_at",
        "blocked_until",
        "source",
        "language",  # the patient's emails are written in it
        "created_at",
        "updated_at",
        "cancelled_at",
        # Online: the privacy notice's version the patient ticked to agree to, and when (empty
        # for a booking the front desk made).
        "privacy_version",
        "privacy_agreed_at",
    ]
    actions = ["cancel_selected"]

    @admin.display(description="Phone given", ordering="patient_phone")
    def phone_given(self, appointment):
        return format_phone(appointment.patient_phone) or "—"

    @admin.display(description="Name and phone given", ordering="patient_name")
    def booked_by(self, appointment):
        return format_html(
            "{}<br>{}", appointment.patient_name or "—", self.phone_given(appointment)
        )

    @admin.display(description=_("Starts"), ordering="starts_at")
    def starts(self, appointment):
        return clinic_moment(appointment.starts_at)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # A new appointment has no history yet (booking it writes the first entry).
        return [*fields, "rooms_and_devices", "history"] if obj is not None else fields

    @admin.display(description="Rooms and devices held")
    def rooms_and_devices(self, appointment):
        # A field, not an inline, like the history: booking and moving pick them, not this form.
        holds = appointment.resource_holds.filter(active=True).select_related("resource")
        return ", ".join(hold.resource.name for hold in holds) or "—"

    @admin.display(description="History: who did what")
    def history(self, appointment):
        # Read-only, oldest first. Shown as a field, not an inline: nothing here is a form, and
        # the change form posts without a formset for it.
        events = appointment.events.select_related("actor").order_by("created_at", "pk")
        rows = format_html_join(
            "",
            '<li><time datetime="{}">{}</time>: {} <em>({})</em></li>',
            (
                (
                    event.created_at.isoformat(),
                    timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M")
                    + clock.offset_suffix(event.created_at),
                    event.detail or event.get_action_display(),
                    _actor_name(event),
                )
                for event in events
            ),
        )
        return format_html('<ol class="appointment-history">{}</ol>', rows) if rows else "—"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        # The form already saved it through bookings/services/ (see AppointmentAdminForm).
        pass

    def has_delete_permission(self, request, obj=None):
        # History stays: the front desk cancels instead of deleting.
        return False

    @admin.action(description="Cancel selected appointments")
    def cancel_selected(self, request, queryset):
        cancelled = 0
        for appointment in queryset.select_related("patient"):
            try:
                services.cancel_appointment(
                    appointment=appointment, by_patient=False, actor=request.user
                )
            except ValidationError as error:
                self.message_user(
                    request, f"{appointment}: {' '.join(error.messages)}", messages.WARNING
                )
            else:
                cancelled += 1
        if cancelled:
            self.message_user(
                request, f"Cancelled {cancelled} appointment{'s' if cancelled != 1 else ''}."
            )


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(DateDrillDownInRange, admin.ModelAdmin):
    """The outbox, read-only: what was emailed to whom, and what could not be, to phone instead.

    The front desk acts on failed emails with the two actions; nothing is added, edited or
    deleted by hand (sent ones are purged by send_queued_email after 30 days).
    """

    # Fits 1280 px beside the filters; the attempts, the last error and when it was sent or
    # handled are on each email's page.
    list_display = ["created", "kind", "appointment_link", "recipient", "status", "last_error"]
    created = moment_column("created_at", "Created at")
    list_filter = ["status", "kind", ("handled_at", admin.EmptyFieldListFilter)]
    search_fields = ["appointment__id__exact", "recipient", "appointment__patient__name"]
    list_select_related = ["appointment"]
    date_hierarchy = "created_at"
    fields = [
        "appointment_link",
        "kind",
        "recipient",
        "appointment_starts_at",
        "status",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "handled_at",
        "handled_by",
        "created_at",
        "written",
        "subject",
        "text",
    ]
    readonly_fields = fields
    actions = ["send_again", "mark_handled"]

    @admin.display(description="Appointment", ordering="appointment")
    def appointment_link(self, email):
        if email.appointment_id is None:  # a message from the contact page, to the clinic
            url = reverse("admin:bookings_contactmessage_change", args=[email.contact_message_id])
            return format_html('<a href="{}">Contact message {}</a>', url, email.contact_message_id)
        url = reverse("admin:bookings_appointment_change", args=[email.appointment_id])
        return format_html('<a href="{}">{}</a>', url, email.appointment_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The actions need the change permission; a single email's page stays read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send again (failed emails)", permissions=["change"])
    def send_again(self, request, queryset):
        now = timezone.now()
        with transaction.atomic():
            ids = list(
                queryset.filter(status=OutgoingEmail.Status.FAILED)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)
            )
            OutgoingEmail.objects.filter(pk__in=ids).update(
                status=OutgoingEmail.Status.PENDING,
                attempts=0,
                next_attempt_at=now,
                handled_at=None,
                handled_by=None,
            )
            for email_id in ids:
                transaction.on_commit(lambda email_id=email_id: outbox.dispatch(email_id))
        self.message_user(
            request, f"{len(ids)} email{'s' if len(ids) != 1 else ''} will be sent again."
        )

    @admin.action(
        description="Mark as handled (the patient was told another way)", permissions=["change"]
    )
    def mark_handled(self, request, queryset):
        handled = queryset.filter(
            status=OutgoingEmail.Status.FAILED, handled_at__isnull=True
        ).update(handled_at=timezone.now(), handled_by=request.user)
        self.message_user(request, f"{handled} email{'s' if handled != 1 else ''} marked handled.")


@admin.register(ContactMessage)
class ContactMessageAdmin(DateDrillDownInRange, admin.ModelAdmin):
    """What people wrote on the find-us page. Answer by email (the clinic's copy has Reply-To
    set), then mark it answered. The text itself is never edited."""

    list_display = ["created", "name", "reply_link", "excerpt", "language", "answered"]
    created = moment_column("created_at", "Created at")
    answered = moment_column("answered_at", "Answered at")
    list_filter = [("answered_at", admin.EmptyFieldListFilter), "language"]
    search_fields = ["name", "email", "message"]
    list_select_related = ["answered_by"]
    date_hierarchy = "created_at"
    fields = ["name", "email", "language", "created_at", "message", "answered_at", "answered_by"]
    readonly_fields = fields
    actions = ["mark_answered"]

    @admin.display(description="Email", ordering="email")
    def reply_link(self, message):
        return format_html('<a href="mailto:{}">{}</a>', message.email, message.email)

    @admin.display(description="Message")
    def excerpt(self, message):
        text = " ".join(message.message.split())
        return text if len(text) <= 80 else text[:79] + "…"

    def has_add_permission(self, request):
        return False

    @admin.action(description="Mark as answered", permissions=["change"])
    def mark_answered(self, request, queryset):
        answered = queryset.filter(answered_at__isnull=True).update(
            answered_at=timezone.now(), answered_by=request.user
        )
        self.message_user(
            request, f"{answered} message{'s' if answered != 1 else ''} marked answered."
        )


class SlotOfferInline(admin.TabularInline):
    model = SlotOffer
    extra = 0
    can_delete = False
    fields = ["starts_at", "therapist", "state", "expires_at", "appointment", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    """The front desk's view of who waits for what; offers are made and claimed by the services."""

    list_display = [
        "name",
        "service",
        "therapist",
        "first",
        "last",
        "days_and_times",
        "status",
        "created",
    ]
    first = day_column("first_day", "First day")
    last = day_column("last_day", "Last day")
    created = moment_column("created_at", "Created at")
    list_filter = ["status", "service", "therapist"]
    search_fields = ["name", "email", "phone"]
    list_select_related = ["service", "therapist"]
    date_hierarchy = "first_day"
    ordering = ["created_at"]
    readonly_fields = ["token", "appointment", "created_at", "updated_at"]
    autocomplete_fields = ["patient"]
    inlines = [SlotOfferInline]

    @admin.display(description="days and times")
    def days_and_times(self, entry):
        days = ", ".join(str(WEEKDAYS_ABBR[day]) for day in entry.weekdays)
        return f"{days} · {', '.join(entry.times_of_day)}"


@admin.register(CareCourse)
class CareCourseAdmin(admin.ModelAdmin):
    list_display = ["patient", "service", "therapist", "visits_planned", "first", "created"]
    first = day_column("first_day", "First day")
    created = moment_column("created_at", "Created at")
    list_filter = ["service", "therapist"]
    search_fields = ["patient__name", "patient__email"]
    list_select_related = ["patient", "service", "therapist"]
    readonly_fields = [
        "patient",
        "therapist",
        "service",
        "weekdays",
        "time_of_day",
        "first_day",
        "visits_planned",
        "source",
        "created_by",
        "created_at",
    ]

    def has_add_permission(self, request):
        # Courses are planned from an appointment (/schedule/courses/new/), with a preview.
        return False

    def view_on_site(self, course):
        return reverse("schedule:course", args=[course.pk])


@admin.register(IntakeQuestion)
class IntakeQuestionAdmin(TranslationAdmin):
    # "Minors only" is on the change page: the list fits 1280 px beside the filters.
    list_display = ["text", "section", "kind", "required", "urgency", "active", "order"]
    list_filter = ["section", "kind", "urgency", "active"]
    list_editable = ["order", "active"]
    search_fields = ["text_en", "text_fr", "key"]
    ordering = ["section", "order"]

    def has_delete_permission(self, request, obj=None):
        # Answers are kept by question key: switch a question off instead.
        return False


@admin.register(IntakeView)
class IntakeViewAdmin(DateDrillDownInRange, admin.ModelAdmin):
    """Every look at a patient's intake answers: who, when, which patient."""

    list_display = ["viewed", "viewer", "patient"]
    viewed = moment_column("viewed_at", "Viewed at")
    list_filter = ["viewer"]
    search_fields = ["patient__name", "patient__email", "viewer__username"]
    list_select_related = ["viewer", "patient"]
    date_hierarchy = "viewed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
