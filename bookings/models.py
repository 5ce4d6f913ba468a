"""Therapists, services, their hours, patients and appointments.

Every write that books, moves or cancels an appointment goes through `bookings/services.py`; these
models hold the data and the rules the database itself enforces (no overlapping active appointments
of one therapist, ends after starts).
"""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import BigIntegerRangeField, DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q, Value
from django.db.models.functions import Lower
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    # 32 random bytes = 256 bits, URL-safe: unguessable in any number of tries.
    return secrets.token_urlsafe(32)


class Int8Range(Func):
    function = "int8range"
    output_field = BigIntegerRangeField()


class TsTzRange(Func):
    function = "tstzrange"
    output_field = DateTimeRangeField()


class BookingRules(models.Model):
    """The clinic's booking rules: one row, edited by staff in the admin."""

    minimum_notice_minutes = models.PositiveIntegerField(
        default=120, help_text="How long before a time it can still be booked online (minutes)."
    )
    horizon_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="How far ahead patients can book (days).",
    )
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        default=24,
        help_text="Patients can cancel or move online until this many hours before the start.",
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text="Offered start times are this many minutes apart.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "booking rules"
        verbose_name_plural = "booking rules"

    def __str__(self):
        return "Booking rules"

    @classmethod
    def load(cls) -> "BookingRules":
        """The row staff edit, or the defaults when it is missing."""
        return cls.objects.order_by("pk").first() or cls()

    @property
    def minimum_notice(self) -> timedelta:
        return timedelta(minutes=self.minimum_notice_minutes)

    @property
    def horizon(self) -> timedelta:
        return timedelta(days=self.horizon_days)

    @property
    def cancellation_cutoff(self) -> timedelta:
        return timedelta(hours=self.cancellation_cutoff_hours)

    @property
    def slot_step(self) -> timedelta:
        return timedelta(minutes=self.slot_step_minutes)


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Service(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(240)],
        help_text="Time kept free after each appointment (notes, cleaning the room).",
    )
    price = models.DecimalField(max_digits=8, decimal_places=2)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="bookings_service_duration_positive"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)


class TherapistQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def offering(self, service):
        return self.filter(active=True, services=service)


class Therapist(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="therapist",
        help_text="The login this therapist uses to see their own schedule.",
    )
    display_name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=120, blank=True, help_text="e.g. DPT, OCS")
    bio = models.TextField(blank=True)
    services = models.ManyToManyField(Service, related_name="therapists", blank=True)
    active = models.BooleanField(default=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TherapistQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    @property
    def full_name(self) -> str:
        return f"{self.display_name}, {self.credentials}" if self.credentials else self.display_name


class WorkingHours(models.Model):
    """One block of a therapist's week, in the clinic's wall-clock time; a day may have several."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["therapist", "weekday", "start_time"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="bookings_workinghours_ends_after_start",
                violation_error_message="The block must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="bookings_workinghours_weekday"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class TimeOff(models.Model):
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="time_off")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="bookings_timeoff_ends_after_start",
                violation_error_message="Time off must end after it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.therapist}: {self.starts_at:%Y-%m-%d %H:%M} – {self.ends_at:%Y-%m-%d %H:%M}"


class Patient(models.Model):
    """One row per person, found again by email (compared case-insensitively)."""

    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="bookings_patient_email_ci_unique",
                violation_error_message="A patient with this email already exists.",
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Appointment.ACTIVE_STATUSES)


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "No-show"

    class Source(models.TextChoices):
        ONLINE = "online", "Online (patient)"
        FRONT_DESK = "front_desk", "Front desk"

    # Every status but cancelled holds the therapist's time; a cancellation frees it.
    ACTIVE_STATUSES = (Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)

    therapist = models.ForeignKey(Therapist, on_delete=models.PROTECT, related_name="appointments")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    # What was typed for this booking. Online, anyone can type any email, so the Patient found by
    # it is never changed from here: staff call and greet whoever booked by these, and correct
    # the patient's own record in the admin.
    patient_name = models.CharField(
        _("name given"), max_length=120, blank=True, help_text=_("The name typed for this booking.")
    )
    patient_phone = models.CharField(
        _("phone given"),
        max_length=40,
        blank=True,
        help_text=_("The phone typed for this booking."),
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_until = models.DateTimeField(
        help_text="End plus the service's buffer: the therapist is busy until then."
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.BOOKED)
    reason = models.TextField(blank=True)
    condition = models.ForeignKey(
        "conditions.Condition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    source = models.CharField(max_length=12, choices=Source, default=Source.ONLINE)
    manage_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    calendar_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The .ics SEQUENCE: raised on every change so calendar apps replace the earlier copy.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by the one run of send_reminders that claims the appointment; never sent twice.
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The one-time key of the online confirm form that made this booking: a repeated click
    # (a double-click, or Back and submit again) finds the booking it already made instead of
    # being told the time has gone. Random per form, so it reveals nothing to anyone else.
    submission_key = models.CharField(max_length=64, blank=True, editable=False)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["therapist", "starts_at"], name="bookings_appt_therapist_start"),
            models.Index(fields=["starts_at"], name="bookings_appt_starts_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="bookings_appointment_ends_after_start",
                violation_error_message="The appointment must end after it starts.",
            ),
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~Q(submission_key=""),
                name="bookings_appointment_unique_submission_key",
            ),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("ends_at")),
                name="bookings_appointment_blocked_after_end",
            ),
            # The promise of the product: one therapist never holds two active appointments
            # whose time, buffer included, overlaps. int8range because keys are bigint, and a
            # range over one id stands in for btree_gist's "=" (core PostgreSQL has no btree_gist).
            ExclusionConstraint(
                name="bookings_appointment_no_overlap",
                index_type="GIST",
                expressions=[
                    (
                        Int8Range(F("therapist_id"), F("therapist_id"), Value("[]")),
                        RangeOperators.OVERLAPS,
                    ),
                    (TsTzRange(F("starts_at"), F("blocked_until")), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=["booked", "attended", "no_show"]),
                violation_error_code="slot_taken",
                violation_error_message="That time has just been booked.",
            ),
            # One person cannot be in two sessions at once. This also catches a double-clicked
            # "no preference" booking, whose two requests would otherwise land with two
            # different therapists. The buffer is the therapist's, so the patient's range ends
            # at ends_at.
            ExclusionConstraint(
                name="bookings_appointment_patient_no_overlap",
                index_type="GIST",
                expressions=[
                    (
                        Int8Range(F("patient_id"), F("patient_id"), Value("[]")),
                        RangeOperators.OVERLAPS,
                    ),
                    (TsTzRange(F("starts_at"), F("ends_at")), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=["booked", "attended", "no_show"]),
                violation_error_code="patient_busy",
                violation_error_message="The patient already has an appointment at that time.",
            ),
        ]

    def __str__(self):
        # TIME_ZONE is the clinic's zone: the time as the front desk reads it.
        return f"{self.service} with {self.therapist} at {localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class AppointmentEvent(models.Model):
    """Who did what to an appointment, and when: the history staff read on the appointment.

    Written by bookings/services.py alongside each change, in the same transaction.
    """

    class Action(models.TextChoices):
        BOOKED = "booked", "Booked"
        MOVED = "moved", "Moved"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Marked attended"
        NO_SHOW = "no_show", "Marked no-show"
        ATTENDANCE_UNDONE = "attendance_undone", "Attendance undone"
        EDITED = "edited", "Edited"
        REMINDER_SENT = "reminder_sent", "Reminder sent"

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    # Empty when the patient acted through their link, or the system did (reminders).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=20, choices=Action)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        who = self.actor.get_username() if self.actor_id else "patient or system"
        return f"{self.get_action_display()} by {who} at {self.created_at:%Y-%m-%d %H:%M}"


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self, *, now):
        """Pending emails whose next attempt is due by `now` (None: every pending one), and no
        older pending email of the same appointment goes first: a patient reads "booked" before
        "moved", whatever failed in between.
        """
        older_pending = OutgoingEmail.objects.filter(
            appointment=OuterRef("appointment"),
            status=OutgoingEmail.Status.PENDING,
            pk__lt=OuterRef("pk"),
        )
        due = self.filter(status=OutgoingEmail.Status.PENDING).exclude(Exists(older_pending))
        return due if now is None else due.filter(next_attempt_at__lte=now)

    def undelivered(self):
        """Given up on, and no one at the front desk has told the patient another way yet."""
        return self.filter(status=OutgoingEmail.Status.FAILED, handled_at__isnull=True)


class OutgoingEmail(models.Model):
    """An email to a patient, written in the same transaction as the change it is about.

    Rendered when queued, so it says what was true then. Sent after commit (bookings/outbox.py)
    and retried by `manage.py send_queued_email` until it goes or is given up on.
    """

    class Kind(models.TextChoices):
        BOOKED = "booked", "Booking confirmation"
        RESCHEDULED = "rescheduled", "Appointment moved"
        CANCELLED = "cancelled", "Cancellation"
        REMINDER = "reminder", "Reminder"
        # To the owner of an email someone typed to book a time its appointment already holds.
        ATTEMPT = "attempt", _("Someone tried to book the same time")

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        WITHDRAWN = "withdrawn", "Not sent: out of date"

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=12, choices=Kind)
    recipient = models.EmailField(max_length=254)
    subject = models.TextField()
    text = models.TextField()
    html = models.TextField()
    ics = models.TextField(blank=True, help_text="The calendar attachment, when it has one.")
    appointment_starts_at = models.DateTimeField(
        help_text="The appointment's start time when the email was written."
    )
    status = models.CharField(max_length=9, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # The error's type and SMTP code only: a refusal's message names the patient's address.
    last_error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(
        null=True, blank=True, help_text="When the front desk told the patient another way."
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "email to a patient"
        verbose_name_plural = "emails to patients"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="bookings_email_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="bookings_email_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(next_attempt_at__isnull=False),
                name="bookings_email_pending_has_next_attempt",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for appointment {self.appointment_id}"
