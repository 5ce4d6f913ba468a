"""The waiting list: patients who want a time that is not free yet, and the offers of freed
times made to them (first to claim wins, through `book_appointment`)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bookings.models.appointments import Appointment, Patient
from bookings.models.base import new_token
from bookings.models.catalogue import Service, Therapist


class WaitlistEntryQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=WaitlistEntry.Status.WAITING)


class WaitlistEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        BOOKED = "booked", _("Booked")
        LEFT = "left", _("Left the list")
        ENDED = "ended", _("Dates passed")

    class TimeOfDay(models.TextChoices):
        # Bounds on the clinic's clock, start inclusive: a 12:00 start is afternoon.
        MORNING = "morning", _("Morning (before 12:00)")
        AFTERNOON = "afternoon", _("Afternoon (12:00–17:00)")
        EVENING = "evening", _("Evening (from 17:00)")

    patient = models.ForeignKey(
        Patient, on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_entries"
    )
    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=40)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="waitlist")
    therapist = models.ForeignKey(
        Therapist,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="waitlist",
        help_text="Empty: any therapist who offers the service.",
    )
    first_day = models.DateField()
    last_day = models.DateField()
    weekdays = ArrayField(models.PositiveSmallIntegerField(), help_text="Monday is 0.")
    times_of_day = ArrayField(models.CharField(max_length=10, choices=TimeOfDay))
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(max_length=8, choices=Status, default=Status.WAITING)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting list")
        indexes = [
            models.Index(
                fields=["service", "first_day", "last_day"],
                condition=Q(status="waiting"),
                name="bookings_waitlist_waiting",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="bookings_waitlist_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.name} for {self.service} ({self.first_day}–{self.last_day})"


class SlotOfferQuerySet(models.QuerySet):
    def open(self, *, now):
        return self.filter(state=SlotOffer.State.OPEN, expires_at__gt=now)


class SlotOffer(models.Model):
    """A freed time offered to one waiting patient by email, until it expires or is claimed."""

    class State(models.TextChoices):
        OPEN = "open", _("Offered")
        CLAIMED = "claimed", _("Booked")
        TAKEN = "taken", _("Taken by someone else")
        EXPIRED = "expired", _("Expired")

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    state = models.CharField(max_length=8, choices=State, default=State.OPEN)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SlotOfferQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("offer of a freed time")
        constraints = [
            # One offer of a given time per entry: a time freed twice is not offered twice.
            models.UniqueConstraint(
                fields=["entry", "therapist", "starts_at"], name="bookings_slotoffer_once"
            ),
        ]

    def __str__(self):
        return f"Offer to entry {self.entry_id} at {self.starts_at:%Y-%m-%d %H:%M}"
