"""Emails to patients, queued in the transaction of the change they are about."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from bookings.models.appointments import Appointment
from bookings.models.contact import ContactMessage

# The kinds about one appointment: the outbox keeps each appointment's emails in order.
APPOINTMENT_KINDS = ["booked", "rescheduled", "cancelled", "reminder", "attempt"]


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

    Rendered when queued, so it says what was true then; except a booking's confirmation, which
    is written at its first attempt to send (`written`): the booking holds its therapist's lock
    until it commits, and writing the email there made every patient behind it wait. Sent after
    commit (bookings/notifications/outbox.py) and retried by `manage.py send_queued_email` until
    it goes or is given up on.
    """

    class Kind(models.TextChoices):
        BOOKED = "booked", "Booking confirmation"
        RESCHEDULED = "rescheduled", "Appointment moved"
        CANCELLED = "cancelled", "Cancellation"
        REMINDER = "reminder", "Reminder"
        # To the owner of an email someone typed to book a time its appointment already holds.
        ATTEMPT = "attempt", _("Someone tried to book the same time")
        # To the clinic: a message from the contact page.
        CONTACT = "contact", _("Message from the contact page")
        COURSE = "course", _("Course of care booked")
        WAITLIST = "waitlist", _("On the waiting list")
        OFFER = "offer", _("A freed time offered")
        SIGN_IN = "sign_in", _("Sign-in link")

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        WITHDRAWN = "withdrawn", "Not sent: out of date"

    # What the email is about: an appointment, or (kind "contact") a message to the clinic.
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="emails", null=True, blank=True
    )
    contact_message = models.ForeignKey(
        ContactMessage, on_delete=models.CASCADE, related_name="emails", null=True, blank=True
    )
    course = models.ForeignKey(
        "bookings.CareCourse",
        on_delete=models.CASCADE,
        related_name="emails",
        null=True,
        blank=True,
    )
    waitlist_entry = models.ForeignKey(
        "bookings.WaitlistEntry",
        on_delete=models.CASCADE,
        related_name="emails",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=12, choices=Kind)
    recipient = models.EmailField(max_length=254)
    subject = models.TextField()
    text = models.TextField()
    html = models.TextField()
    ics = models.TextField(blank=True, help_text="The calendar attachment, when it has one.")
    written = models.BooleanField(
        default=True,
        help_text=(
            "False while the subject, text and calendar are still to be written from the "
            "appointment, as the first attempt to send it does."
        ),
    )
    appointment_starts_at = models.DateTimeField(
        null=True, blank=True, help_text="The appointment's start time when the email was written."
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
            # Each kind is about its own thing: an appointment (and its time then), a message,
            # a course, a waiting-list entry (joining, or an offer). A sign-in link is about
            # an address only.
            models.CheckConstraint(
                condition=Q(
                    kind__in=APPOINTMENT_KINDS,
                    appointment__isnull=False,
                    appointment_starts_at__isnull=False,
                )
                | Q(kind="contact", contact_message__isnull=False)
                | Q(kind="course", course__isnull=False)
                | Q(kind__in=["waitlist", "offer"], waitlist_entry__isnull=False)
                | Q(kind="sign_in"),
                name="bookings_email_about_its_kind",
            ),
        ]

    def __str__(self):
        if self.contact_message_id:
            return f"{self.get_kind_display()} {self.contact_message_id}"
        return f"{self.get_kind_display()} for appointment {self.appointment_id}"
