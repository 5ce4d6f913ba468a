"""Patients' own access: sign-in links, their details, their data export and deleting their account.

A sign-in link is emailed to whoever types an address that has appointments or waiting-list
requests; the page answers the same whether or not it has (no one learns who is a patient).
The link is single use, expires after settings.PATIENT_SIGN_IN_LINK_MINUTES and carries 256
random bits; only its SHA-256 digest is stored.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bookings.models import (
    Appointment,
    AppointmentEvent,
    CareCourse,
    IntakeForm,
    Patient,
    SignInLink,
    WaitlistEntry,
)
from bookings.models.sign_in import token_digest
from bookings.notifications import sign_in as sign_in_emails
from bookings.services.changes import cancel_appointment
from bookings.services.common import _record, logger
from bookings.services.intake import decrypt_answers
from clinic.ratelimit import is_over_limit

# Sign-in emails one address may be sent per hour, whoever asks: a stranger cannot flood it.
LINKS_PER_EMAIL_PER_HOUR = 5


def link_lifetime() -> timedelta:
    return timedelta(minutes=settings.PATIENT_SIGN_IN_LINK_MINUTES)


def _known(email: str) -> bool:
    return (
        Patient.objects.filter(email__iexact=email).exists()
        or WaitlistEntry.objects.filter(email__iexact=email).exists()
    )


def request_sign_in(*, email: str, language: str, now: datetime | None = None) -> bool:
    """Email a sign-in link to `email` if it is a patient's; True when one was queued. Callers
    must answer the same either way."""
    now = now or timezone.now()
    email = email.strip()
    if not email or not _known(email):
        return False
    if is_over_limit("sign-in-email", email.lower(), limit=LINKS_PER_EMAIL_PER_HOUR, period=3600):
        logger.info("Sign-in link not sent: the per-address limit is reached")
        return False
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        SignInLink.objects.create(
            email=email.lower(),
            digest=token_digest(token),
            created_at=now,
            expires_at=now + link_lifetime(),
        )
        sign_in_emails.send_sign_in_email(email=email, token=token, language=language)
    return True


def use_sign_in_link(*, token: str, now: datetime | None = None) -> Patient | None:
    """The patient the link signs in, once: a used, expired or unknown link gives None."""
    now = now or timezone.now()
    if not token or len(token) > 64:
        return None
    with transaction.atomic():
        link = (
            SignInLink.objects.select_for_update()
            .filter(digest=token_digest(token), used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if link is None:
            return None
        link.used_at = now
        link.save(update_fields=["used_at"])
        patient = Patient.objects.filter(email__iexact=link.email).first()
        if patient is None:
            # Only waiting-list requests so far: the patient record they will book under.
            entry = WaitlistEntry.objects.filter(email__iexact=link.email).order_by("pk").first()
            if entry is None:
                return None
            patient = Patient.objects.create(name=entry.name, email=entry.email, phone=entry.phone)
    logger.info("Patient %s signed in", patient.pk)
    return patient


@transaction.atomic
def update_patient_details(*, patient: Patient, name: str, phone: str) -> Patient:
    """The verified way to change the patient's own record: signed in by their email."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    patient.name = name.strip()
    patient.phone = phone.strip()
    patient.save(update_fields=["name", "phone", "updated_at"])
    return patient


def patient_data(patient: Patient) -> dict:
    """Everything stored about the patient, for their download."""

    def moment(value):
        return value.isoformat() if value else None

    appointments = (
        Appointment.objects.filter(patient=patient)
        .select_related("service", "therapist")
        .order_by("starts_at")
    )
    return {
        "patient": {
            "name": patient.name,
            "email": patient.email,
            "phone": patient.phone,
            "created_at": moment(patient.created_at),
        },
        "appointments": [
            {
                "service": appointment.service.name,
                "therapist": appointment.therapist.display_name,
                "starts_at": moment(appointment.starts_at),
                "ends_at": moment(appointment.ends_at),
                "status": appointment.status,
                "name_given": appointment.patient_name,
                "phone_given": appointment.patient_phone,
                "reason": appointment.reason,
                "booked": appointment.source,
                "language": appointment.language,
                "privacy_notice_version": appointment.privacy_version,
                "privacy_agreed_at": moment(appointment.privacy_agreed_at),
                "created_at": moment(appointment.created_at),
            }
            for appointment in appointments
        ],
        "courses_of_care": [
            {
                "service": course.service.name,
                "therapist": course.therapist.display_name,
                "visits_planned": course.visits_planned,
                "created_at": moment(course.created_at),
            }
            for course in CareCourse.objects.filter(patient=patient).select_related(
                "service", "therapist"
            )
        ],
        "intake_answers": [
            {
                "appointment_starts_at": moment(form.appointment.starts_at),
                "status": form.status,
                "answers": decrypt_answers(form),
                "consented_at": moment(form.consented_at),
            }
            for form in IntakeForm.objects.filter(appointment__patient=patient).select_related(
                "appointment"
            )
        ],
        "waiting_list": [
            {
                "service": entry.service.name,
                "first_day": entry.first_day.isoformat(),
                "last_day": entry.last_day.isoformat(),
                "status": entry.status,
                "name": entry.name,
                "email": entry.email,
                "phone": entry.phone,
                "created_at": moment(entry.created_at),
            }
            for entry in WaitlistEntry.objects.filter(
                Q(patient=patient) | Q(email__iexact=patient.email)
            ).select_related("service")
        ],
    }


DELETED_NAME = "Deleted patient"


@transaction.atomic
def delete_patient_account(*, patient: Patient, now: datetime | None = None) -> None:
    """Remove the patient's personal details, keeping the appointments staff need (their times,
    services and attendance, for the clinic's records) without name, contact, reason or intake
    answers.

    Upcoming appointments are cancelled first (the patient is emailed the cancellations, to the
    address they had), then waiting-list requests are deleted and every copy of their name,
    email, phone and reason is blanked.
    """
    now = now or timezone.now()
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    upcoming = Appointment.objects.filter(
        patient=patient, status=Appointment.Status.BOOKED, starts_at__gt=now
    )
    for appointment in upcoming:
        cancel_appointment(appointment=appointment, by_patient=False, now=now)
    WaitlistEntry.objects.filter(Q(patient=patient) | Q(email__iexact=patient.email)).delete()
    IntakeForm.objects.filter(appointment__patient=patient).delete()
    SignInLink.objects.filter(email__iexact=patient.email).delete()
    for appointment in Appointment.objects.filter(patient=patient):
        _record(
            appointment,
            action=AppointmentEvent.Action.EDITED,
            actor=None,
            detail="Patient's personal details removed at their request",
        )
    Appointment.objects.filter(patient=patient).update(
        patient_name="", patient_phone="", reason="", condition=None
    )
    patient.name = DELETED_NAME
    patient.email = f"deleted-{patient.pk}@invalid"
    patient.phone = ""
    patient.save(update_fields=["name", "email", "phone", "updated_at"])
    logger.info("Patient %s deleted their account", patient.pk)
