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
from bookings.models.outbox import OutgoingEmail
from bookings.models.time_off import TimeOff

__all__ = [
    "Appointment",
    "AppointmentEvent",
    "BookingRules",
    "ContactMessage",
    "Int8Range",
    "OutgoingEmail",
    "Patient",
    "Service",
    "Therapist",
    "TimeOff",
    "TsTzRange",
    "WorkingHours",
    "new_token",
]
