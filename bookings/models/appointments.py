"""Patients, their appointments and the history of each appointment."""

import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Lower
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from bookings.models.base import Int8Range, TsTzRange, new_token
from bookings.models.catalogue import Service, Therapist


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
        PHONE = "phone", "Phone (front desk)"

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
    # The course of care this visit belongs to, if it was booked as one.
    course = models.ForeignKey(
        "bookings.CareCourse",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
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
    # Which privacy notice (clinic.Page "privacy" version) the patient agreed to when booking
    # online, and when. Empty for bookings staff made for a caller.
    privacy_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    privacy_agreed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The language the patient booked in (the page's): every email and calendar file about this
    # appointment is written in it, whatever language the process sending it runs in.
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

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

    @property
    def rooms_shown_to_patient(self) -> str:
        """The rooms and devices the clinic names to patients for this visit ("Room 2"), or ""."""
        if not self.pk:
            return ""
        return ", ".join(
            self.resource_holds.filter(active=True, resource__shown_to_patients=True)
            .order_by("resource__order", "resource__name")
            .values_list("resource__name", flat=True)
        )


class AppointmentEvent(models.Model):
    """Who did what to an appointment, and when: the history staff read on the appointment.

    Written by bookings/services/ alongside each change, in the same transaction.
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
