"""A course of care: a plan of visits (weekdays and a time, a number of visits or an end date)
booked in one step. Its appointments point to it; each is still an ordinary appointment, held by
the same exclusion constraints and changed through the same services."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bookings.models.appointments import Appointment, Patient
from bookings.models.catalogue import Service, Therapist

# No plan books more than this many visits at once: a year of twice-weekly sessions.
MAX_COURSE_VISITS = 104


class CareCourse(models.Model):
    """The plan as staff (or, where the service allows, the patient) made it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    therapist = models.ForeignKey(Therapist, on_delete=models.PROTECT, related_name="courses")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="courses")
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)]),
        help_text="Monday is 0.",
    )
    time_of_day = models.TimeField(help_text="On the clinic's clock.")
    first_day = models.DateField()
    visits_planned = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_COURSE_VISITS)]
    )
    source = models.CharField(
        max_length=12, choices=Appointment.Source, default=Appointment.Source.FRONT_DESK
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("course of care")
        verbose_name_plural = _("courses of care")
        constraints = [
            models.CheckConstraint(
                condition=Q(visits_planned__gte=1), name="bookings_carecourse_has_visits"
            ),
        ]

    def __str__(self):
        return f"{self.service} with {self.therapist} for {self.patient.name}"
