"""Booking: a new appointment, online or by the front desk, and the checks a time must pass."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bookings import availability
from bookings.models import (
    Appointment,
    AppointmentEvent,
    BookingRules,
    OutgoingEmail,
    Patient,
    Service,
    Therapist,
)
from bookings.notifications import emails
from bookings.services import intake, resources
from bookings.services.common import (
    _lock,
    _record,
    _save_guarded,
    _share_therapist_lock,
    _share_therapists_lock,
    logger,
    refusal,
    refuse,
)
from clinic.clock import describe_moment
from conditions.models import Condition

if TYPE_CHECKING:
    from bookings.services.common import Actor

# How often the owner of an email may be told that someone tried to book their time with it.
ATTEMPT_NOTICE_INTERVAL = timedelta(hours=1)


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
        refuse("inactive_service")
    if not therapist.active:
        refuse("inactive_therapist")
    if not therapist.services.filter(pk=service.pk).exists():
        refuse("service_not_offered", therapist=therapist.display_name, service=service.name)
    if starts_at <= now:
        refuse("in_past")
    if enforce_booking_window:
        if starts_at < now + rules.minimum_notice:
            refuse("too_soon")
        if starts_at > now + rules.horizon:
            refuse("past_horizon", days=rules.horizon_days)
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
        ) or not resources.resources_free_at(
            service=service, starts_at=starts_at, ignore=ignore_appointment
        ):
            refuse("slot_taken")
        refuse("outside_hours")


def patient_language(language: str | None) -> str:
    """`language` if the site has it (get_language() may name a variant, "fr-ch"), else the
    site's default."""
    codes = {code for code, _name in settings.LANGUAGES}
    if language in codes:
        return language
    base = (language or "").split("-")[0].lower()
    return base if base in codes else settings.LANGUAGE_CODE


def _last_language(patient: Patient) -> str:
    """The language of the patient's most recent appointment, for one the front desk books."""
    latest = patient.appointments.order_by("-created_at", "-pk").values_list("language", flat=True)
    return latest.first() or settings.LANGUAGE_CODE


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
    language: str | None = None,
    privacy_version: int | None = None,
    privacy_agreed_at: datetime | None = None,
    rules: BookingRules | None = None,
) -> Appointment:
    """Book `service` with `therapist` at `starts_at`; the confirmation email goes after commit.

    Online bookings keep to the minimum notice and the horizon; the front desk may book any
    future free time. `actor` is the staff member booking (None: the patient online).
    `submission_key` is the online confirm form's one-time key: a second booking with the same
    key is refused (`already_submitted`), so a repeated click can find the first.

    `language` is the patient's, for every email about the appointment: online, the booking
    page's. Without it (the front desk), it is that of the patient's most recent appointment,
    else the site's default.

    Online, `patient_busy` means whoever typed that email asked for a time its owner already
    holds: the owner is emailed about their appointment (`tell_owner_of_attempt`), and the
    visitor should be told nothing that names it.

    `privacy_version` and `privacy_agreed_at`: online, the version of the privacy notice
    (clinic.Page "privacy") the patient agreed to by ticking the review page's box (None when
    none was published: they agreed to the words on the page), and when. The front desk books
    for a caller without them.

    `rules`: the booking rules the caller has loaded (one query less a booking); else read here.
    """
    now = now or timezone.now()
    with _telling_the_owner_of_attempts(
        source=source, patient=patient, service=service, starts_at=starts_at, key=submission_key
    ):
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
            language=language,
            privacy_version=privacy_version,
            privacy_agreed_at=privacy_agreed_at,
            rules=rules or BookingRules.load(),
        )


@contextmanager
def _telling_the_owner_of_attempts(*, source, patient, service, starts_at, key):
    """Online, `patient_busy` means whoever typed that email asked for a time its owner already
    holds: the owner is emailed (`tell_owner_of_attempt`) once the booking's transaction has
    rolled back, so the email is not undone with it; the refusal goes on to the caller."""
    try:
        yield
    except ValidationError as error:
        if (
            error.code == "patient_busy"
            and source == Appointment.Source.ONLINE
            and isinstance(patient, PatientDetails)
        ):
            tell_owner_of_attempt(
                email=patient.email,
                starts_at=starts_at,
                ends_at=starts_at + service.duration,
                submission_key=key,
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
    language: str | None,
    privacy_version: int | None,
    privacy_agreed_at: datetime | None,
    rules: BookingRules,
    found_free: bool = False,
) -> Appointment:
    """`found_free`: the caller found `therapist` free at `starts_at` under the locks it holds
    (`_book_whoever_is_free`); otherwise it is checked here, under the therapist's."""
    if not found_free:
        _share_therapist_lock(therapist)
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
    if language is None:
        language = _last_language(patient)
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
        language=patient_language(language),
        privacy_version=privacy_version,
        privacy_agreed_at=privacy_agreed_at,
    )
    _save_guarded(appointment)
    resources.hold_resources(appointment)
    # A first visit's questionnaire exists from the booking on: its email links it.
    intake.ensure_intake(appointment)
    how = {
        Appointment.Source.ONLINE: "online",
        Appointment.Source.PHONE: "by phone",
    }.get(source, "by the front desk")
    _record(
        appointment,
        action=AppointmentEvent.Action.BOOKED,
        actor=actor,
        detail=f"Booked {how} for {describe_moment(starts_at)} with {therapist.display_name}",
    )
    logger.info("Appointment %s booked (%s)", appointment.pk, source)
    if notify:
        # Written when sent, after the commit: not under the therapist's lock, which every
        # booking with them queues on.
        emails.send_appointment_email(appointment, kind=emails.BOOKED, write_when_sent=True)
    return appointment


def book_first_free(
    *,
    service: Service,
    starts_at: datetime,
    patient: PatientDetails,
    therapists: Sequence[Therapist] | None = None,
    reason: str = "",
    condition: Condition | None = None,
    now: datetime | None = None,
    submission_key: str = "",
    language: str | None = None,
    privacy_version: int | None = None,
    privacy_agreed_at: datetime | None = None,
    rules: BookingRules | None = None,
) -> Appointment:
    """ "No preference": book the first of `therapists` still free at `starts_at`.

    Without `therapists`, the candidates are those availability finds free then, in the order the
    booking flow showed them (`_book_whoever_is_free`). Raises the last therapist's error
    (usually `slot_taken`) when none is free.
    """
    rules = rules or BookingRules.load()
    booking = {
        "service": service,
        "starts_at": starts_at,
        "patient": patient,
        "reason": reason,
        "condition": condition,
        "now": now,
        "submission_key": submission_key,
        "language": language,
        "privacy_version": privacy_version,
        "privacy_agreed_at": privacy_agreed_at,
        "rules": rules,
    }
    if therapists is None:
        with _telling_the_owner_of_attempts(
            source=Appointment.Source.ONLINE,
            patient=patient,
            service=service,
            starts_at=starts_at,
            key=submission_key,
        ):
            return _book_whoever_is_free(**{**booking, "now": now or timezone.now()})
    if not therapists:
        refuse("slot_taken")
    last_error: ValidationError | None = None
    for therapist in therapists:
        try:
            return book_appointment(therapist=therapist, **booking)
        except ValidationError as error:
            if error.code not in {"slot_taken", "outside_hours"}:
                raise
            last_error = error
    raise refusal("slot_taken") from last_error


@transaction.atomic
def _book_whoever_is_free(*, service: Service, starts_at: datetime, now: datetime, **booking):
    """Book the first therapist free at `starts_at`, free times worked out once, under locks.

    Every therapist offering the service is held in share mode first (as `_book` holds one),
    so no time off or move for them can commit before this booking does; then whoever is free
    is found (availability: hours, time off, appointments, rooms, the booking window) and tried
    in order, each in a savepoint: one booked by someone else meanwhile is `slot_taken` by the
    exclusion constraint, and the next is tried. Not "find who is free, then lock and check
    them again": that worked the day's free times out twice a booking.
    """
    _share_therapists_lock(Therapist.objects.offering(service))
    therapists = availability.free_therapists_at(
        service=service, therapist=None, starts_at=starts_at, now=now, rules=booking["rules"]
    )
    last_error: ValidationError | None = None
    for therapist in therapists:
        try:
            return _book(
                service=service,
                therapist=therapist,
                starts_at=starts_at,
                now=now,
                source=Appointment.Source.ONLINE,
                notify=True,
                actor=None,
                found_free=True,
                **booking,
            )
        except ValidationError as error:
            if error.code != "slot_taken":
                raise
            last_error = error
    raise refusal("slot_taken") from last_error


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
