"""Booking rules: the only way an appointment is created, moved, cancelled or marked.

The public flow, the admin and management commands all call these functions. Each runs in one
transaction, locks what it changes, re-checks the rules and raises `ValidationError` with a code:

    inactive_service, inactive_therapist, service_not_offered, in_past, too_soon, past_horizon,
    outside_hours, slot_taken, patient_busy, already_submitted, already_cancelled,
    cutoff_passed, not_booked, not_yet, not_marked, undo_too_late, ends_before_start,
    covers_appointments, time_off_over

Each change to an appointment writes an `AppointmentEvent` in the same transaction: who (`actor`,
None for the patient's own online actions and for the system), what, and a sentence a person can
read ("Moved from Tue 1 Dec 10:00 to Wed 2 Dec 11:30").

A therapist's row is the lock that orders their diary: booking, moving to them and blocking time
off each take it (`_lock_therapist`) before checking, so a booking and time off covering it can
never both succeed.

The database has the last word on overlaps (the exclusion constraints on Appointment): a
therapist's overlap becomes `slot_taken` and a patient's `patient_busy`, caught inside a savepoint
so the caller's transaction stays usable.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from bookings import availability, emails
from bookings.clock import describe_moment
from bookings.models import (
    Appointment,
    AppointmentEvent,
    BookingRules,
    OutgoingEmail,
    Patient,
    Service,
    Therapist,
    TimeOff,
)
from conditions.models import Condition

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    Actor = AbstractBaseUser | None

logger = logging.getLogger(__name__)

DEADLOCK_DETECTED = "40P01"
OVERLAP_CONSTRAINT = "bookings_appointment_no_overlap"
PATIENT_OVERLAP_CONSTRAINT = "bookings_appointment_patient_no_overlap"
SUBMISSION_KEY_CONSTRAINT = "bookings_appointment_unique_submission_key"
SLOT_TAKEN_MESSAGE = "That time has just been booked."
PATIENT_BUSY_MESSAGE = "The patient already has an appointment at that time."
ALREADY_SUBMITTED_MESSAGE = "This booking has already been made."
# How often the owner of an email may be told that someone tried to book their time with it.
ATTEMPT_NOTICE_INTERVAL = timedelta(hours=1)


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


@dataclass(frozen=True)
class PatientDetails:
    """What a patient types in; matched to an existing Patient by email."""

    name: str
    email: str
    phone: str


def find_or_create_patient(*, details: PatientDetails) -> Patient:
    """The patient with this email (any case), created from `details` if new.

    An existing patient is never changed here: anyone can type anyone's email online, so what
    they typed goes on their appointment (`patient_name`, `patient_phone`), and the patient's
    own record changes only through staff.

    Safe when two first bookings by the same new email race: the loser of the insert gets an
    IntegrityError from the unique index (inside get_or_create's savepoint) and reads the
    winner's row.
    """
    email = details.email.strip()
    patient, _created = Patient.objects.get_or_create(
        email__iexact=email,
        defaults={"email": email, "name": details.name.strip(), "phone": details.phone.strip()},
    )
    return patient


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
            raise ValidationError(SLOT_TAKEN_MESSAGE, code="slot_taken") from error
        if constraint == PATIENT_OVERLAP_CONSTRAINT:
            raise ValidationError(PATIENT_BUSY_MESSAGE, code="patient_busy") from error
        if constraint == SUBMISSION_KEY_CONSTRAINT:
            raise ValidationError(ALREADY_SUBMITTED_MESSAGE, code="already_submitted") from error
        raise
    except OperationalError as error:
        # Two moves swapping each other's times can each wait on the other's new row; PostgreSQL
        # then aborts one of them. For that patient the time was, in effect, just taken.
        if getattr(error.__cause__, "pgcode", None) == DEADLOCK_DETECTED:
            raise ValidationError(SLOT_TAKEN_MESSAGE, code="slot_taken") from error
        raise


def _check_slot(
    *,
    service: Service,
    therapist: Therapist,
    starts_at: datetime,
    now: datetime,
    rules: BookingRules,
    enforce_booking_window: bool,
    ignore_appointment: Appointment | None = None,
) -> None:
    if not service.active:
        raise ValidationError("This service can no longer be booked.", code="inactive_service")
    if not therapist.active:
        raise ValidationError(
            "This therapist is not taking appointments.", code="inactive_therapist"
        )
    if not therapist.services.filter(pk=service.pk).exists():
        raise ValidationError(
            f"{therapist.display_name} does not offer {service.name}.", code="service_not_offered"
        )
    if starts_at <= now:
        raise ValidationError("That time is in the past.", code="in_past")
    if enforce_booking_window:
        if starts_at < now + rules.minimum_notice:
            raise ValidationError(
                "That time is too soon to book online; please choose a later time or call us.",
                code="too_soon",
            )
        if starts_at > now + rules.horizon:
            raise ValidationError(
                f"Appointments can be booked up to {rules.horizon_days} days ahead.",
                code="past_horizon",
            )
    if not availability.slot_is_free(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        now=now,
        rules=rules,
        enforce_booking_window=enforce_booking_window,
        ignore_appointment=ignore_appointment,
    ):
        # Either outside working hours / in time off, or already taken: tell them apart so the
        # patient sees "just booked" when someone else got there first.
        if _overlaps_active_appointment(
            therapist=therapist, service=service, starts_at=starts_at, ignore=ignore_appointment
        ):
            raise ValidationError(SLOT_TAKEN_MESSAGE, code="slot_taken")
        raise ValidationError(
            "That time is outside the therapist's working hours.", code="outside_hours"
        )


def _overlaps_active_appointment(
    *, therapist: Therapist, service: Service, starts_at: datetime, ignore: Appointment | None
) -> bool:
    blocked_until = starts_at + service.duration + service.buffer
    overlapping = Appointment.objects.active().filter(
        therapist=therapist, starts_at__lt=blocked_until, blocked_until__gt=starts_at
    )
    if ignore is not None and ignore.pk:
        overlapping = overlapping.exclude(pk=ignore.pk)
    return overlapping.exists()


def book_appointment(
    *,
    service: Service,
    therapist: Therapist,
    starts_at: datetime,
    patient: Patient | PatientDetails,
    reason: str = "",
    condition: Condition | None = None,
    source: str = Appointment.Source.ONLINE,
    now: datetime | None = None,
    notify: bool = True,
    actor: Actor = None,
    submission_key: str = "",
) -> Appointment:
    """Book `service` with `therapist` at `starts_at`; the confirmation email goes after commit.

    Online bookings keep to the minimum notice and the horizon; the front desk may book any
    future free time. `actor` is the staff member booking (None: the patient online).
    `submission_key` is the online confirm form's one-time key: a second booking with the same
    key is refused (`already_submitted`), so a repeated click can find the first.

    Online, `patient_busy` means whoever typed that email asked for a time its owner already
    holds: the owner is emailed about their appointment (`tell_owner_of_attempt`), and the
    visitor should be told nothing that names it.
    """
    now = now or timezone.now()
    try:
        return _book(
            service=service,
            therapist=therapist,
            starts_at=starts_at,
            patient=patient,
            reason=reason,
            condition=condition,
            source=source,
            now=now,
            notify=notify,
            actor=actor,
            submission_key=submission_key,
        )
    except ValidationError as error:
        # After _book's transaction has rolled back, so the email is not undone with it.
        if (
            error.code == "patient_busy"
            and source == Appointment.Source.ONLINE
            and isinstance(patient, PatientDetails)
        ):
            tell_owner_of_attempt(
                email=patient.email,
                starts_at=starts_at,
                ends_at=starts_at + service.duration,
                submission_key=submission_key,
            )
        raise


@transaction.atomic
def _book(
    *,
    service: Service,
    therapist: Therapist,
    starts_at: datetime,
    patient: Patient | PatientDetails,
    reason: str,
    condition: Condition | None,
    source: str,
    now: datetime,
    notify: bool,
    actor: Actor,
    submission_key: str,
) -> Appointment:
    rules = BookingRules.load()
    _lock_therapist(therapist)
    _check_slot(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        now=now,
        rules=rules,
        enforce_booking_window=source == Appointment.Source.ONLINE,
    )
    if isinstance(patient, PatientDetails):
        given_name, given_phone = patient.name.strip(), patient.phone.strip()
        patient = find_or_create_patient(details=patient)
    else:
        # The front desk chose a patient record: its name and phone are the ones given.
        given_name, given_phone = patient.name, patient.phone
    ends_at = starts_at + service.duration
    appointment = Appointment(
        therapist=therapist,
        service=service,
        patient=patient,
        patient_name=given_name,
        patient_phone=given_phone,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at + service.buffer,
        reason=reason.strip(),
        condition=condition,
        source=source,
        submission_key=submission_key,
    )
    _save_guarded(appointment)
    how = "online" if source == Appointment.Source.ONLINE else "by the front desk"
    _record(
        appointment,
        action=AppointmentEvent.Action.BOOKED,
        actor=actor,
        detail=f"Booked {how} for {describe_moment(starts_at)} with {therapist.display_name}",
    )
    logger.info("Appointment %s booked (%s)", appointment.pk, source)
    if notify:
        emails.send_appointment_email(appointment, kind=emails.BOOKED)
    return appointment


def book_first_free(
    *,
    service: Service,
    therapists: Sequence[Therapist],
    starts_at: datetime,
    patient: PatientDetails,
    reason: str = "",
    condition: Condition | None = None,
    now: datetime | None = None,
    submission_key: str = "",
) -> Appointment:
    """ "No preference": book the first of `therapists` still free at `starts_at`.

    Raises the last therapist's error (usually `slot_taken`) when none is.
    """
    if not therapists:
        raise ValidationError(SLOT_TAKEN_MESSAGE, code="slot_taken")
    last_error: ValidationError | None = None
    for therapist in therapists:
        try:
            return book_appointment(
                service=service,
                therapist=therapist,
                starts_at=starts_at,
                patient=patient,
                reason=reason,
                condition=condition,
                now=now,
                submission_key=submission_key,
            )
        except ValidationError as error:
            if error.code not in {"slot_taken", "outside_hours"}:
                raise
            last_error = error
    raise ValidationError(SLOT_TAKEN_MESSAGE, code="slot_taken") from last_error


@transaction.atomic
def tell_owner_of_attempt(
    *,
    email: str,
    starts_at: datetime,
    ends_at: datetime,
    submission_key: str = "",
    moving: Appointment | None = None,
) -> Appointment | None:
    """Someone online asked for `starts_at`..`ends_at` with `email`, which already holds an
    appointment then: email the address's owner about theirs (kind ATTEMPT), never the visitor.

    Returns the appointment told about, or None when nothing was sent: no such appointment,
    the clash is this very form's own first click (`submission_key`), or its owner was told in
    the last ATTEMPT_NOTICE_INTERVAL (a stranger retrying cannot fill their inbox). `moving` is
    the appointment being moved onto that time, never the one to tell about.
    """
    clashing = Appointment.objects.active().filter(
        patient__email__iexact=email.strip(), starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if moving is not None:
        clashing = clashing.exclude(pk=moving.pk)
    held = clashing.order_by("starts_at", "pk").first()
    if held is None or (submission_key and held.submission_key == submission_key):
        return None
    # Locked, so two attempts at once send one email between them.
    held = _lock(held)
    recently = OutgoingEmail.objects.filter(
        appointment=held,
        kind=OutgoingEmail.Kind.ATTEMPT,
        created_at__gte=timezone.now() - ATTEMPT_NOTICE_INTERVAL,
    )
    if recently.exists():
        return None
    emails.send_appointment_email(held, kind=emails.ATTEMPT, attempted_at=starts_at)
    logger.info("Appointment %s: its patient was told of an attempt on its time", held.pk)
    return held


def _lock(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("therapist", "service", "patient")
        .get(pk=appointment.pk)
    )


def _check_changeable_by_patient(appointment: Appointment, *, now: datetime) -> None:
    if appointment.status == Appointment.Status.CANCELLED:
        raise ValidationError("This appointment is already cancelled.", code="already_cancelled")
    if appointment.status != Appointment.Status.BOOKED:
        raise ValidationError("This appointment can no longer be changed.", code="not_booked")
    if not can_change_online(appointment, now=now):
        raise ValidationError(
            "It is too late to change this appointment online; please call the clinic.",
            code="cutoff_passed",
        )


def can_change_online(
    appointment: Appointment, *, now: datetime | None = None, rules: BookingRules | None = None
) -> bool:
    """Whether the patient may still cancel or move it themselves (before the cut-off)."""
    now = now or timezone.now()
    rules = rules or BookingRules.load()
    return (
        appointment.status == Appointment.Status.BOOKED
        and appointment.starts_at - now >= rules.cancellation_cutoff
    )


@transaction.atomic
def cancel_appointment(
    *,
    appointment: Appointment,
    by_patient: bool = True,
    now: datetime | None = None,
    notify: bool = True,
    actor: Actor = None,
) -> Appointment:
    """Cancel; patients only until the cut-off, the front desk any time. Frees the time."""
    now = now or timezone.now()
    appointment = _lock(appointment)
    if by_patient:
        _check_changeable_by_patient(appointment, now=now)
    elif appointment.status == Appointment.Status.CANCELLED:
        raise ValidationError("This appointment is already cancelled.", code="already_cancelled")
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_at = now
    appointment.sequence += 1
    appointment.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
    who = "by the patient online" if by_patient else "by the clinic"
    _record(
        appointment,
        action=AppointmentEvent.Action.CANCELLED,
        actor=actor,
        detail=f"Cancelled {who} (was {describe_moment(appointment.starts_at)})",
    )
    logger.info("Appointment %s cancelled", appointment.pk)
    if notify:
        emails.send_appointment_email(appointment, kind=emails.CANCELLED)
    return appointment


def reschedule_appointment(
    *,
    appointment: Appointment,
    starts_at: datetime,
    therapist: Therapist | None = None,
    service: Service | None = None,
    by_patient: bool = True,
    now: datetime | None = None,
    notify: bool = True,
    actor: Actor = None,
) -> Appointment:
    """Move to `starts_at` (and optionally another therapist or service) in one atomic step.

    The row is locked first, so a cancel or a second move of the same appointment waits; the new
    time is checked like a new booking and the exclusion constraint refuses a race with anyone
    else's booking (`slot_taken`), leaving the appointment where it was.

    A patient moving onto another of their appointments (`patient_busy`) is not told which: the
    manage link may have been passed on, so that one is emailed to the patient's address.
    """
    now = now or timezone.now()
    try:
        return _reschedule(
            appointment=appointment,
            starts_at=starts_at,
            therapist=therapist,
            service=service,
            by_patient=by_patient,
            now=now,
            notify=notify,
            actor=actor,
        )
    except ValidationError as error:
        if error.code == "patient_busy" and by_patient:
            service = service or appointment.service
            tell_owner_of_attempt(
                email=appointment.patient.email,
                starts_at=starts_at,
                ends_at=starts_at + service.duration,
                moving=appointment,
            )
        raise


@transaction.atomic
def _reschedule(
    *,
    appointment: Appointment,
    starts_at: datetime,
    therapist: Therapist | None,
    service: Service | None,
    by_patient: bool,
    now: datetime,
    notify: bool,
    actor: Actor,
) -> Appointment:
    appointment = _lock(appointment)
    if by_patient:
        _check_changeable_by_patient(appointment, now=now)
    elif appointment.status == Appointment.Status.CANCELLED:
        raise ValidationError("This appointment is already cancelled.", code="already_cancelled")
    therapist = therapist or appointment.therapist
    service = service or appointment.service
    _lock_therapist(therapist)
    before = (appointment.starts_at, appointment.therapist, appointment.service)
    _check_slot(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        now=now,
        rules=BookingRules.load(),
        enforce_booking_window=by_patient,
        ignore_appointment=appointment,
    )
    appointment.therapist = therapist
    appointment.service = service
    appointment.starts_at = starts_at
    appointment.ends_at = starts_at + service.duration
    appointment.blocked_until = appointment.ends_at + service.buffer
    appointment.sequence += 1
    _save_guarded(
        appointment,
        update_fields=[
            "therapist",
            "service",
            "starts_at",
            "ends_at",
            "blocked_until",
            "sequence",
            "updated_at",
        ],
    )
    _record(
        appointment,
        action=AppointmentEvent.Action.MOVED,
        actor=actor,
        detail=_describe_move(before, (starts_at, therapist, service)),
    )
    logger.info("Appointment %s moved", appointment.pk)
    if notify:
        emails.send_appointment_email(appointment, kind=emails.RESCHEDULED)
    return appointment


def _describe_move(before: tuple, after: tuple) -> str:
    (old_start, old_therapist, old_service), (new_start, new_therapist, new_service) = before, after
    parts = []
    if old_start != new_start:
        parts.append(f"Moved from {describe_moment(old_start)} to {describe_moment(new_start)}")
    if old_therapist.pk != new_therapist.pk:
        parts.append(f"from {old_therapist.display_name} to {new_therapist.display_name}")
    if old_service.pk != new_service.pk:
        parts.append(f"service {old_service.name} to {new_service.name}")
    if not parts:
        return "Moved (no change of time)"
    text = ", ".join(parts)
    return text if text.startswith("Moved") else "Moved " + text


def may_mark_attendance(appointment: Appointment, *, now: datetime | None = None) -> bool:
    """Whether the schedule offers "Attended" / "No-show": from its day on, never when cancelled."""
    now = now or timezone.now()
    return appointment.status == Appointment.Status.BOOKED and (
        appointment.starts_at <= now
        or availability.local_today(now=appointment.starts_at) <= availability.local_today(now=now)
    )


@transaction.atomic
def mark_attendance(
    *,
    appointment: Appointment,
    attended: bool,
    actor: Actor = None,
    now: datetime | None = None,
    allow_before_the_day: bool = True,
) -> Appointment:
    """Record that the patient came (or did not). The time stays held either way.

    The schedule passes `allow_before_the_day=False`: a therapist marks an appointment on its
    clinic day or later. The admin's edit form may correct any appointment.
    """
    now = now or timezone.now()
    appointment = _lock(appointment)
    if appointment.status == Appointment.Status.CANCELLED:
        raise ValidationError("This appointment is cancelled.", code="already_cancelled")
    if not allow_before_the_day and availability.local_today(
        now=appointment.starts_at
    ) > availability.local_today(now=now):
        raise ValidationError(
            "Attendance can be recorded from the day of the appointment.", code="not_yet"
        )
    status = Appointment.Status.ATTENDED if attended else Appointment.Status.NO_SHOW
    if appointment.status == status:
        return appointment
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    _record(
        appointment,
        action=AppointmentEvent.Action.ATTENDED if attended else AppointmentEvent.Action.NO_SHOW,
        actor=actor,
        detail=f"{'Attended' if attended else 'No-show'}: {describe_moment(appointment.starts_at)}",
    )
    return appointment


def may_undo_attendance(appointment: Appointment, *, now: datetime | None = None) -> bool:
    """Whether "Undo" is still offered: attendance marked earlier the same clinic day."""
    if appointment.status not in (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW):
        return False
    marked_at = _attendance_marked_at(appointment)
    return availability.local_today(now=marked_at) == availability.local_today(now=now)


def _attendance_marked_at(appointment: Appointment) -> datetime:
    marks = (AppointmentEvent.Action.ATTENDED, AppointmentEvent.Action.NO_SHOW)
    # Use prefetched events when the schedule has them: no query per appointment.
    events = [event for event in appointment.events.all() if event.action in marks]
    return max((event.created_at for event in events), default=appointment.updated_at)


@transaction.atomic
def undo_attendance(
    *, appointment: Appointment, actor: Actor = None, now: datetime | None = None
) -> Appointment:
    """Back to booked, on the clinic day the attendance was recorded; after that it stands."""
    now = now or timezone.now()
    appointment = _lock(appointment)
    if appointment.status not in (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW):
        raise ValidationError("Attendance has not been recorded for this.", code="not_marked")
    if not may_undo_attendance(appointment, now=now):
        raise ValidationError(
            "Attendance can only be undone on the day it was recorded; "
            "ask the front desk to correct it.",
            code="undo_too_late",
        )
    was = appointment.get_status_display()
    appointment.status = Appointment.Status.BOOKED
    appointment.save(update_fields=["status", "updated_at"])
    _record(
        appointment,
        action=AppointmentEvent.Action.ATTENDANCE_UNDONE,
        actor=actor,
        detail=f"Undid {was.lower()}: back to booked",
    )
    return appointment


@transaction.atomic
def update_appointment(
    *,
    appointment: Appointment,
    therapist: Therapist,
    service: Service,
    starts_at: datetime,
    status: str,
    reason: str,
    condition: Condition | None,
    patient: Patient | None = None,
    now: datetime | None = None,
    actor: Actor = None,
) -> Appointment:
    """The front desk's edit form: each change goes through the rule that governs it."""
    now = now or timezone.now()
    current = _lock(appointment)
    if status == Appointment.Status.CANCELLED:
        if current.status != Appointment.Status.CANCELLED:
            current = cancel_appointment(
                appointment=current, by_patient=False, now=now, actor=actor
            )
    elif current.status == Appointment.Status.CANCELLED:
        raise ValidationError(
            "A cancelled appointment cannot be reopened; book a new one.",
            code="already_cancelled",
        )
    else:
        if (
            current.starts_at != starts_at
            or current.therapist_id != therapist.pk
            or current.service_id != service.pk
        ):
            current = reschedule_appointment(
                appointment=current,
                starts_at=starts_at,
                therapist=therapist,
                service=service,
                by_patient=False,
                now=now,
                actor=actor,
            )
        if status != current.status:
            if status == Appointment.Status.BOOKED:
                was = current.get_status_display()
                current.status = status
                current.save(update_fields=["status", "updated_at"])
                _record(
                    current,
                    action=AppointmentEvent.Action.ATTENDANCE_UNDONE,
                    actor=actor,
                    detail=f"Changed from {was.lower()} back to booked",
                )
            else:
                current = mark_attendance(
                    appointment=current,
                    attended=status == Appointment.Status.ATTENDED,
                    actor=actor,
                    now=now,
                )
    patient = patient or current.patient
    changed = [
        label
        for label, differs in (
            ("reason", current.reason != reason),
            ("condition", current.condition_id != (condition.pk if condition else None)),
            ("patient", current.patient_id != patient.pk),
        )
        if differs
    ]
    if changed:
        fields = ["reason", "condition", "patient", "updated_at"]
        if current.patient_id != patient.pk:
            # Another patient's appointment now: theirs are the name and phone to call.
            current.patient_name, current.patient_phone = patient.name, patient.phone
            fields += ["patient_name", "patient_phone"]
        current.reason = reason
        current.condition = condition
        current.patient = patient
        current.save(update_fields=fields)
        _record(
            current,
            action=AppointmentEvent.Action.EDITED,
            actor=actor,
            detail="Changed " + " and ".join(changed),
        )
    return current


# --- time off -----------------------------------------------------------------------------------


@transaction.atomic
def block_time_off(
    *,
    therapist: Therapist,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
    actor: Actor = None,
    now: datetime | None = None,
) -> TimeOff:
    """Take `starts_at`..`ends_at` out of the therapist's bookable time, at once.

    Refused while it would cover an active appointment (`covers_appointments`, naming them):
    move or cancel those first. The therapist's row is locked before the check, and booking
    takes the same lock, so no booking can slip in between the check and the insert.
    """
    now = now or timezone.now()
    if ends_at <= starts_at:
        raise ValidationError("Time off must end after it starts.", code="ends_before_start")
    if ends_at <= now:
        raise ValidationError("That time is already over.", code="in_past")
    therapist = _lock_therapist(therapist)
    covered = list(
        Appointment.objects.active()
        .filter(therapist=therapist, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .select_related("patient")
        .order_by("starts_at")
    )
    if covered:
        names = "; ".join(
            f"{describe_moment(appointment.starts_at)} {appointment.patient_name}"
            for appointment in covered
        )
        count = len(covered)
        raise ValidationError(
            f"This time off would cover {count} booked appointment{'s' if count != 1 else ''} "
            f"({names}). Move or cancel {'them' if count != 1 else 'it'} first.",
            code="covers_appointments",
        )
    time_off = TimeOff.objects.create(
        therapist=therapist,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    logger.info("Time off %s blocked for therapist %s", time_off.pk, therapist.pk)
    return time_off


@transaction.atomic
def remove_time_off(*, time_off: TimeOff, actor: Actor = None, now: datetime | None = None) -> None:
    """Give the time back to booking; only time off that has not yet ended."""
    now = now or timezone.now()
    time_off = TimeOff.objects.select_for_update().get(pk=time_off.pk)
    if time_off.ends_at <= now:
        raise ValidationError("This time off is already over.", code="time_off_over")
    logger.info("Time off %s removed by user %s", time_off.pk, getattr(actor, "pk", None) or "-")
    time_off.delete()


@transaction.atomic
def regenerate_calendar_token(*, therapist: Therapist, actor: Actor) -> Therapist:
    """Give `therapist` a new calendar-feed address; the old one stops working at once."""
    from bookings.models import new_token

    therapist = Therapist.objects.select_for_update().get(pk=therapist.pk)
    therapist.calendar_token = new_token()
    therapist.save(update_fields=["calendar_token", "updated_at"])
    logger.info(
        "Calendar feed link of therapist %s regenerated by user %s",
        therapist.pk,
        getattr(actor, "pk", None),
    )
    return therapist
