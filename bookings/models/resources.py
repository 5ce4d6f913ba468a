"""Rooms, the gym and devices that one patient uses at a time, what each service needs of them,
and which an appointment holds.

`AppointmentResource` copies its appointment's time (start to end plus buffer) and whether it is
active, so PostgreSQL refuses a double-booked resource with an exclusion constraint, as it does a
double-booked therapist: two therapists can never take the one shockwave unit at once, whatever
the number of processes. The booking services keep the copy in step (bookings/services/).
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q, Value
from django.utils.translation import gettext_lazy as _

from bookings.models.appointments import Appointment
from bookings.models.base import Int8Range, TsTzRange
from bookings.models.catalogue import Service


class ResourceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Resource(models.Model):
    class Kind(models.TextChoices):
        ROOM = "room", _("Treatment room")
        GYM = "gym", _("Gym")
        DEVICE = "device", _("Device")

    name = models.CharField(max_length=80, help_text="e.g. Room 2, Shockwave unit")
    kind = models.CharField(max_length=8, choices=Kind)
    active = models.BooleanField(default=True)
    shown_to_patients = models.BooleanField(
        default=False, help_text="Name it on the patient's confirmation (e.g. “Room 2”)."
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "room or device"
        verbose_name_plural = "rooms and devices"

    def __str__(self):
        return self.name


class ResourceUnavailability(models.Model):
    """A resource out of use (maintenance, a repair), as time off is for a therapist."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="unavailable")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = "room or device out of use"
        verbose_name_plural = "rooms and devices out of use"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="bookings_resourceunavailability_ends_after_start",
                violation_error_message="It must end after it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.resource} out of use"


class ResourceNeed(models.Model):
    """One thing a service needs for its whole time: a specific resource, or any of a kind."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="resource_needs")
    resource = models.ForeignKey(
        Resource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="needed_by",
        help_text="This one (e.g. the shockwave unit)…",
    )
    kind = models.CharField(
        max_length=8, choices=Resource.Kind, blank=True, help_text="…or any of this kind."
    )

    class Meta:
        verbose_name = "room or device needed"
        verbose_name_plural = "rooms and devices needed"
        constraints = [
            models.CheckConstraint(
                condition=(Q(resource__isnull=False) & Q(kind=""))
                | (Q(resource__isnull=True) & ~Q(kind="")),
                name="bookings_resourceneed_one_or_any",
                violation_error_message="Choose one resource, or a kind (any will do).",
            ),
        ]

    def __str__(self):
        return str(self.resource) if self.resource_id else f"any {self.get_kind_display()}"


class AppointmentResource(models.Model):
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="resource_holds"
    )
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="holds")
    starts_at = models.DateTimeField()
    blocked_until = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = "room or device held"
        verbose_name_plural = "rooms and devices held"
        indexes = [models.Index(fields=["resource", "starts_at"], name="bookings_hold_resource")]
        constraints = [
            # The resource's promise, like the therapist's (bookings_appointment_no_overlap).
            ExclusionConstraint(
                name="bookings_resource_no_overlap",
                index_type="GIST",
                expressions=[
                    (
                        Int8Range(F("resource_id"), F("resource_id"), Value("[]")),
                        RangeOperators.OVERLAPS,
                    ),
                    (TsTzRange(F("starts_at"), F("blocked_until")), RangeOperators.OVERLAPS),
                ],
                condition=Q(active=True),
                violation_error_code="slot_taken",
                violation_error_message="That time has just been booked.",
            ),
        ]

    def __str__(self):
        return f"{self.resource} for appointment {self.appointment_id}"
