"""What every booking service shares: locks, saves the database may refuse, the record of each
change, and the coded messages a refusal carries."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, NoReturn

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from bookings.models import Appointment, AppointmentEvent, Therapist

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet

    Actor = AbstractBaseUser | None

# One logger for every booking service, named as before they were split.
logger = logging.getLogger("bookings.services")

DEADLOCK_DETECTED = "40P01"
OVERLAP_CONSTRAINT = "bookings_appointment_no_overlap"
PATIENT_OVERLAP_CONSTRAINT = "bookings_appointment_patient_no_overlap"
SUBMISSION_KEY_CONSTRAINT = "bookings_appointment_unique_submission_key"

# Every refusal a booking service raises, by name: the name is the error's code, except where
# CODES gives one shared with another wording (callers test the code; people read the words).
MESSAGES = {
    "inactive_service": _("This service can no longer be booked."),
    "inactive_therapist": _("This therapist is not taking appointments."),
    "service_not_offered": _("%(therapist)s does not offer %(service)s."),
    "in_past": _("That time is in the past."),
    "too_soon": _("That time is too soon to book online; please choose a later time or call us."),
    "past_horizon": _("Appointments can be booked up to %(days)s days ahead."),
    "outside_hours": _("That time is outside the therapist's working hours."),
    "slot_taken": _("That time has just been booked."),
    "patient_busy": _("The patient already has an appointment at that time."),
    "already_submitted": _("This booking has already been made."),
    "already_cancelled": _("This appointment is already cancelled."),
    "attendance_of_cancelled": _("This appointment is cancelled."),
    "reopen_cancelled": _("A cancelled appointment cannot be reopened; book a new one."),
    "not_booked": _("This appointment can no longer be changed."),
    "cutoff_passed": _("It is too late to change this appointment online; please call the clinic."),
    "not_yet": _("Attendance can be recorded from the day of the appointment."),
    "not_marked": _("Attendance has not been recorded for this."),
    "undo_too_late": _(
        "Attendance can only be undone on the day it was recorded; "
        "ask the front desk to correct it."
    ),
    "ends_before_start": _("Time off must end after it starts."),
    "time_off_in_past": _("That time is already over."),
    "covers_appointments": ngettext_lazy(
        "This time off would cover %(count)d booked appointment (%(names)s). "
        "Move or cancel it first.",
        "This time off would cover %(count)d booked appointments (%(names)s). "
        "Move or cancel them first.",
        "count",
    ),
    "time_off_over": _("This time off is already over."),
    "clinic_closed": _("The clinic is closed then."),
    "time_off": _("The therapist is away then."),
    "resource_busy": _("The room or device it needs is taken then."),
    "course_empty": _("Choose at least one visit."),
    "course_too_long": _("A course can have at most %(limit)s visits."),
    "course_not_online": _("This service can be booked one visit at a time online."),
    "waitlist_dates": _("Choose dates from today on, the last one after the first."),
    "waitlist_when": _("Choose at least one day of the week and one time of day."),
    "offer_taken": _(
        "This time has just been taken. You are still on the waiting list: "
        "we will email you when another time frees up."
    ),
    "offer_expired": _("This offer has expired. Please choose another time."),
    "intake_closed": _(
        "This form can no longer be changed: the appointment has started or is cancelled. "
        "Please tell your therapist at your visit."
    ),
    "intake_incomplete": _("Please answer the questions marked as required first."),
    "intake_consent": _("Please tick the consent to treatment to finish the form."),
}
CODES = {
    "attendance_of_cancelled": "already_cancelled",
    "reopen_cancelled": "already_cancelled",
    "time_off_in_past": "in_past",
}


def refusal(name: str, **params) -> ValidationError:
    """The ValidationError for MESSAGES[name], its code set, its words in the active language."""
    message = MESSAGES[name]
    return ValidationError(message % params if params else message, code=CODES.get(name, name))


def refuse(name: str, **params) -> NoReturn:
    raise refusal(name, **params)


def _record(
    appointment: Appointment, *, action: str, actor: Actor, detail: str = ""
) -> AppointmentEvent:
    return AppointmentEvent.objects.create(
        appointment=appointment,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        detail=detail[:300],
    )


def _lock_therapist(therapist: Therapist) -> Therapist:
    """Lock the therapist's row until commit: bookings and time off for them queue here.

    FOR NO KEY UPDATE, so it does not wait on (or block) the key-share locks that inserting any
    row referencing the therapist takes.
    """
    return Therapist.objects.select_for_update(no_key=True).get(pk=therapist.pk)


def _share_therapist_lock(therapist: Therapist) -> None:
    """Hold the therapist's row in share mode until commit: what a new booking takes.

    Bookings with the same therapist then check and write side by side, not one at a time (two
    for overlapping times: the exclusion constraint keeps the first to commit, and the other is
    `slot_taken`), while time off and moves, which take the row's lock (`_lock_therapist`),
    still wait for every booking in progress, and bookings for them: a booking and time off
    covering it never both succeed. Under load most patients with no preference book the first
    therapist listed, and queueing all of them on one row left the cores idle.
    """
    _share_therapists_lock(Therapist.objects.filter(pk=therapist.pk))


def _share_therapists_lock(therapists: QuerySet[Therapist]) -> None:
    """`_share_therapist_lock` for each of `therapists`, in one query."""
    ids, params = therapists.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT 1 FROM "{Therapist._meta.db_table}" WHERE id IN ({ids}) FOR SHARE', params
        )


def _lock(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("therapist", "service", "patient")
        .get(pk=appointment.pk)
    )


def _violated_constraint(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _save_guarded(appointment: Appointment, **save_kwargs) -> None:
    """Save; an overlap refused by the database becomes a ValidationError, the transaction usable.

    `slot_taken` when the therapist is busy; `patient_busy` when the patient already has an
    appointment at that time; `already_submitted` when this online form already booked.
    """
    try:
        with transaction.atomic():
            appointment.save(**save_kwargs)
    except IntegrityError as error:
        constraint = _violated_constraint(error)
        if constraint == OVERLAP_CONSTRAINT:
            raise refusal("slot_taken") from error
        if constraint == PATIENT_OVERLAP_CONSTRAINT:
            raise refusal("patient_busy") from error
        if constraint == SUBMISSION_KEY_CONSTRAINT:
            raise refusal("already_submitted") from error
        raise
    except OperationalError as error:
        # Two moves swapping each other's times can each wait on the other's new row; PostgreSQL
        # then aborts one of them. For that patient the time was, in effect, just taken.
        if getattr(error.__cause__, "pgcode", None) == DEADLOCK_DETECTED:
            raise refusal("slot_taken") from error
        raise
