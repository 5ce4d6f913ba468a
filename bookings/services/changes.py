"""Changes to a booked appointment: cancel, move, and the front desk's edit form."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bookings.models import (
    Appointment,
    AppointmentEvent,
    BookingRules,
    Patient,
    Service,
    Therapist,
)
from bookings.notifications import emails
from bookings.services import resources, waitlist
from bookings.services.attendance import correct_attendance
from bookings.services.booking import _check_slot, patient_language, tell_owner_of_attempt
from bookings.services.common import (
    _lock,
    _lock_therapist,
    _record,
    _save_guarded,
    logger,
    refuse,
)
from clinic.clock import describe_moment, local
from conditions.models import Condition

if TYPE_CHECKING:
    from bookings.services.common import Actor


def _check_changeable_by_patient(appointment: Appointment, *, now: datetime) -> None:
    if appointment.status == Appointment.Status.CANCELLED:
        refuse("already_cancelled")
    if appointment.status != Appointment.Status.BOOKED:
        refuse("not_booked")
    if not can_change_online(appointment, now=now):
        refuse("cutoff_passed")


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
        refuse("already_cancelled")
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_at = now
    appointment.sequence += 1
    appointment.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
    resources.release_resources(appointment)
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
    waitlist.time_freed(
        therapist_id=appointment.therapist_id, day=local(appointment.starts_at).date()
    )
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
    language: str | None = None,
) -> Appointment:
    """Move to `starts_at` (and optionally another therapist or service) in one atomic step.

    The row is locked first, so a cancel or a second move of the same appointment waits; the new
    time is checked like a new booking and the exclusion constraint refuses a race with anyone
    else's booking (`slot_taken`), leaving the appointment where it was.

    `language`: the patient moving it on their page, in that page's language, which their
    emails are written in from then on; None keeps the appointment's.

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
            language=language,
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
    language: str | None,
) -> Appointment:
    appointment = _lock(appointment)
    if by_patient:
        _check_changeable_by_patient(appointment, now=now)
    elif appointment.status == Appointment.Status.CANCELLED:
        refuse("already_cancelled")
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
    if language is not None:
        appointment.language = patient_language(language)
    _save_guarded(
        appointment,
        update_fields=[
            "therapist",
            "service",
            "starts_at",
            "ends_at",
            "blocked_until",
            "sequence",
            "language",
            "updated_at",
        ],
    )
    resources.move_resources(appointment)
    _record(
        appointment,
        action=AppointmentEvent.Action.MOVED,
        actor=actor,
        detail=_describe_move(before, (starts_at, therapist, service)),
    )
    logger.info("Appointment %s moved", appointment.pk)
    if notify:
        emails.send_appointment_email(appointment, kind=emails.RESCHEDULED)
    waitlist.time_freed(therapist_id=before[1].pk, day=local(before[0]).date())
    return appointment


def _correct_started(
    current: Appointment, *, therapist: Therapist, service: Service, actor: Actor
) -> Appointment:
    """Staff correct the therapist or service of an appointment that has already started."""
    corrected = []
    if current.therapist_id != therapist.pk:
        corrected.append(f"therapist {current.therapist.display_name} to {therapist.display_name}")
    if current.service_id != service.pk:
        corrected.append(f"service {current.service.name} to {service.name}")
    current.therapist = therapist
    current.service = service
    current.ends_at = current.starts_at + service.duration
    current.blocked_until = current.ends_at + service.buffer
    current.sequence += 1
    _save_guarded(
        current,
        update_fields=[
            "therapist",
            "service",
            "ends_at",
            "blocked_until",
            "sequence",
            "updated_at",
        ],
    )
    _record(
        current,
        action=AppointmentEvent.Action.EDITED,
        actor=actor,
        detail="Corrected " + " and ".join(corrected),
    )
    return current


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
        refuse("reopen_cancelled")
    else:
        if (
            current.starts_at == starts_at
            and current.starts_at <= now
            and (current.therapist_id != therapist.pk or current.service_id != service.pk)
        ):
            # The record of a visit that has begun: who saw the patient, for what. No booking
            # rule about new times applies; the exclusion constraints still refuse overlaps.
            current = _correct_started(current, therapist=therapist, service=service, actor=actor)
        elif (
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
        current = correct_attendance(appointment=current, status=status, actor=actor, now=now)
    return _edit_details(
        current, reason=reason, condition=condition, patient=patient or current.patient, actor=actor
    )


def _edit_details(
    current: Appointment,
    *,
    reason: str,
    condition: Condition | None,
    patient: Patient,
    actor: Actor,
) -> Appointment:
    """The edit form's reason, condition and patient: one EDITED event naming what changed."""
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
        # Another patient may already be booked at this time: the patient constraint refuses
        # that, and the guarded save turns it into the form's patient_busy error, not a 500.
        _save_guarded(current, update_fields=fields)
        _record(
            current,
            action=AppointmentEvent.Action.EDITED,
            actor=actor,
            detail="Changed " + " and ".join(changed),
        )
    return current
