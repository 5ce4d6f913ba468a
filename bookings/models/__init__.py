"""Therapists, services, their hours, patients and appointments.

Every write that books, moves or cancels an appointment goes through `bookings/services/`; these
models hold the data and the rules the database itself enforces (no overlapping active appointments
of one therapist, ends after starts).

One module per concern; every model is importable from here (`from bookings.models import X`),
and the migrations name `bookings.models.new_token`, `Int8Range` and `TsTzRange`.
"""

from bookings.models.appointments import Appointment, AppointmentEvent, Patient
from bookings.models.base import Int8Range, TsTzRange, new_token
from bookings.models.catalogue import BookingRules, Service, Therapist, WorkingHours
from bookings.models.contact import ContactMessage
from bookings.models.courses import MAX_COURSE_VISITS, CareCourse
from bookings.models.intake import IntakeForm, IntakeQuestion, IntakeView
from bookings.models.outbox import OutgoingEmail
from bookings.models.photos import PhotoRendition, TherapistPhoto
from bookings.models.resources import (
    AppointmentResource,
    Resource,
    ResourceNeed,
    ResourceUnavailability,
)
from bookings.models.sign_in import SignInLink
from bookings.models.time_off import TimeOff
from bookings.models.waitlist import SlotOffer, WaitlistEntry

__all__ = [
    "Appointment",
    "AppointmentEvent",
    "AppointmentResource",
    "BookingRules",
    "CareCourse",
    "ContactMessage",
    "Int8Range",
    "IntakeForm",
    "IntakeQuestion",
    "IntakeView",
    "MAX_COURSE_VISITS",
    "OutgoingEmail",
    "Patient",
    "PhotoRendition",
    "Resource",
    "ResourceNeed",
    "ResourceUnavailability",
    "Service",
    "SignInLink",
    "SlotOffer",
    "Therapist",
    "TherapistPhoto",
    "TimeOff",
    "TsTzRange",
    "WaitlistEntry",
    "WorkingHours",
    "new_token",
]
