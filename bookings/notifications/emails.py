"""Email to patients about their appointments: one helper, text and HTML, through the outbox.

Each email is a template triple under templates/emails/: `<name>_subject.txt`, `<name>.txt` and
`<name>.html`. `send_appointment_email` renders it and writes it to the outbox (`OutgoingEmail`)
in the caller's transaction, so the email exists exactly when the booking does; after commit it
is handed to notifications/outbox.py to send. A failure to send is logged and retried, and
never rolls back or loses the booking. Log lines name the appointment by id only: never the
patient's address, never the manage token.

Each email, its calendar file and its links are in the patient's language (`Appointment.language`),
whatever the language of the request, thread or command queueing it: a French patient's links
are /fr/... too, and so are the clinic's directions, parking and public transport notes.

Health information never goes in an email: not the reason the patient typed, not the condition
they booked from. Email crosses servers the clinic does not control, and lands in inboxes others
may read; the patient's own appointment page (behind the manage link) is where details belong.
"""

import logging
import re
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from bookings.models import Appointment, BookingRules, IntakeForm, OutgoingEmail
from bookings.notifications import calendars, outbox
from clinic.clock import clinic_zone
from clinic.models import ClinicProfile

logger = logging.getLogger("bookings.emails")  # named as before the move to notifications/

BOOKED = OutgoingEmail.Kind.BOOKED
RESCHEDULED = OutgoingEmail.Kind.RESCHEDULED
CANCELLED = OutgoingEmail.Kind.CANCELLED
REMINDER = OutgoingEmail.Kind.REMINDER
ATTEMPT = OutgoingEmail.Kind.ATTEMPT
_TEMPLATES = {
    BOOKED: "emails/appointment_booked",
    RESCHEDULED: "emails/appointment_rescheduled",
    CANCELLED: "emails/appointment_cancelled",
    REMINDER: "emails/reminder",
    ATTEMPT: "emails/booking_attempt",
}
# A reminder changes nothing in the patient's calendar: it carries no .ics, so no calendar app
# offers to "accept" the same appointment again.
_WITH_CALENDAR = {BOOKED, RESCHEDULED, CANCELLED}
_WITH_TERMS = {BOOKED, RESCHEDULED}
_ASCII_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")


def render_templated_email(*, template: str, context: dict) -> tuple[str, str, str]:
    """Render `<template>_subject.txt`, `.txt` and `.html`: the subject, text and HTML.

    Every email's HTML extends emails/_base.html (and its text emails/_base.txt): the clinic's
    name in its colours above, its address, phones and map link below. They need `clinic`, the
    ClinicProfile, which is loaded here when the caller has not passed it.
    """
    if "clinic" not in context:
        context = {**context, "clinic": ClinicProfile.load()}
    # One line. Only ASCII whitespace is collapsed: str.split() would also turn the French
    # non-breaking spaces ("Rappel\u00a0:") into breakable ones.
    subject = _ASCII_WHITESPACE.sub(" ", render_to_string(f"{template}_subject.txt", context))
    subject = subject.strip(" ")
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


# The emails that remind a patient of an unfinished intake form.
_WITH_INTAKE = {BOOKED, RESCHEDULED, REMINDER}


def _intake_url(appointment: Appointment) -> str:
    intake = IntakeForm.objects.filter(appointment=appointment, status="open").first()
    if intake is None:
        return ""
    return settings.SITE_URL + reverse("bookings:intake", args=[intake.token])


def manage_url(appointment: Appointment) -> str:
    """The patient's own page for `appointment`, in the active language (/fr/... in French)."""
    return settings.SITE_URL + reverse("bookings:manage", args=[appointment.manage_token])


def send_appointment_email(
    appointment: Appointment,
    *,
    kind: str,
    attempted_at: datetime | None = None,
    write_when_sent: bool = False,
) -> None:
    """Queue the patient's email about `appointment` with the current transaction; it is sent
    after the commit (notifications/outbox.py), and not at all if the transaction rolls back.

    `attempted_at`: for ATTEMPT, the time someone asked for with the patient's address.
    `write_when_sent`: queue the row now and write its words at the first attempt to send it
    (`write_queued_email`), after the commit: for a caller holding a lock others queue on.
    """
    if kind not in _TEMPLATES:
        raise ValueError(f"Unknown appointment email: {kind}")
    if write_when_sent and kind not in _WRITTEN_WHEN_SENT:
        raise ValueError(f"The {kind} email is written when queued")
    try:
        # A savepoint: an email that cannot even be written must not undo the booking.
        with transaction.atomic():
            if write_when_sent:
                email = _queue_unwritten(appointment, kind=kind)
            else:
                email = queue_appointment_email(appointment, kind=kind, attempted_at=attempted_at)
    except Exception as error:
        logger.error(
            "Could not queue the %s email for appointment %s (%s)",
            kind,
            appointment.pk,
            outbox.describe_error(error),
        )
        return
    transaction.on_commit(partial(outbox.dispatch, email.pk))


def queue_appointment_email(
    appointment: Appointment,
    *,
    kind: str,
    profile: ClinicProfile | None = None,
    attempted_at: datetime | None = None,
) -> OutgoingEmail:
    """Write the `kind` email about `appointment` to the outbox, rendered now; nothing is sent.

    `appointment` should come with its therapist, service and patient selected; a caller
    queueing a batch (send_reminders) passes the clinic profile it loaded once.
    """
    if kind not in _TEMPLATES:
        raise ValueError(f"Unknown appointment email: {kind}")
    return OutgoingEmail.objects.create(
        appointment=appointment,
        kind=kind,
        recipient=appointment.patient.email,
        **_words(appointment, kind=kind, profile=profile, attempted_at=attempted_at),
        appointment_starts_at=appointment.starts_at,
        next_attempt_at=timezone.now(),
    )


# The emails whose words may wait for the first attempt to send them: those that say nothing
# but what the appointment itself holds (an ATTEMPT names a time that is not the appointment's).
_WRITTEN_WHEN_SENT = {BOOKED}


def _queue_unwritten(appointment: Appointment, *, kind: str) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        appointment=appointment,
        kind=kind,
        recipient=appointment.patient.email,
        written=False,
        appointment_starts_at=appointment.starts_at,
        next_attempt_at=timezone.now(),
    )


def write_queued_email(email: OutgoingEmail) -> None:
    """Write the words of a queued `email` left to be written when sent, from its appointment
    as it is now (a time moved meanwhile reads as moved; its own email follows); the caller holds
    the row's lock."""
    appointment = Appointment.objects.select_related("therapist", "service", "patient").get(
        pk=email.appointment_id
    )
    for name, value in _words(appointment, kind=email.kind).items():
        setattr(email, name, value)
    email.written = True
    email.save(update_fields=["subject", "text", "html", "ics", "written"])


def _words(
    appointment: Appointment,
    *,
    kind: str,
    profile: ClinicProfile | None = None,
    attempted_at: datetime | None = None,
) -> dict[str, str]:
    """The subject, text, HTML and .ics of the `kind` email, in the patient's language."""
    profile = profile or ClinicProfile.load()
    # The patient's language for the words, dates, times and links alike: the reminder command,
    # the outbox thread and a staff page all queue emails in a language not the patient's.
    with translation.override(appointment.language or settings.LANGUAGE_CODE):
        subject, text, html, ics = _render(
            appointment, kind=kind, profile=profile, attempted_at=attempted_at
        )
    return {"subject": subject, "text": text, "html": html, "ics": ics}


def _render(
    appointment: Appointment,
    *,
    kind: str,
    profile: ClinicProfile,
    attempted_at: datetime | None,
) -> tuple[str, str, str, str]:
    """The subject, text, HTML and .ics of the `kind` email, in the active language."""
    url = manage_url(appointment)
    context = {
        "appointment": appointment,
        "clinic": profile,
        "manage_url": url,
        "starts_local": appointment.starts_at.astimezone(clinic_zone()),
        "ends_local": appointment.ends_at.astimezone(clinic_zone()),
        "location": calendars.location_text(profile),
        "book_url": settings.SITE_URL + reverse("bookings:book"),
        # The terms the patient can still move or cancel by, said where they can act on them.
        "cancellation_hours": (
            BookingRules.load().cancellation_cutoff_hours if kind in _WITH_TERMS else None
        ),
        "attempted_local": attempted_at.astimezone(clinic_zone()) if attempted_at else None,
        # The questionnaire's link, while it is still to fill in: a link, never its answers.
        "intake_url": _intake_url(appointment) if kind in _WITH_INTAKE else "",
    }
    ics = ""
    if kind in _WITH_CALENDAR:
        method = calendars.CANCEL if kind == CANCELLED else calendars.REQUEST
        ics = calendars.appointment_calendar(
            appointment, method=method, manage_url=url, profile=profile
        ).decode()
    subject, text, html = render_templated_email(template=_TEMPLATES[kind], context=context)
    return subject, text, html, ics
