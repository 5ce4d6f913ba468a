"""Email to patients about their appointments: one helper, text and HTML, sent after commit.

Each email is a template triple under templates/emails/: `<name>_subject.txt`, `<name>.txt` and
`<name>.html`. A failure to send is logged and never rolls back or loses the booking: the send runs
in `transaction.on_commit`, after the data is safe, and its errors are caught. Log lines name the
appointment by id only: never the patient's address, never the manage token.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from bookings import calendars
from bookings.availability import clinic_zone
from bookings.models import Appointment
from conditions.models import ClinicProfile

logger = logging.getLogger(__name__)

BOOKED = "booked"
RESCHEDULED = "rescheduled"
CANCELLED = "cancelled"
REMINDER = "reminder"
_TEMPLATES = {
    BOOKED: "emails/appointment_booked",
    RESCHEDULED: "emails/appointment_rescheduled",
    CANCELLED: "emails/appointment_cancelled",
    REMINDER: "emails/reminder",
}
# A reminder changes nothing in the patient's calendar: it carries no .ics, so no calendar app
# offers to "accept" the same appointment again.
_WITH_CALENDAR = {BOOKED, RESCHEDULED, CANCELLED}


def send_templated_email(
    *,
    to: list[str],
    template: str,
    context: dict,
    attachments: list[tuple] = (),
) -> None:
    """Render `<template>_subject.txt`, `.txt` and `.html` and send them now, as one email."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    message.send()


def manage_url(appointment: Appointment) -> str:
    return settings.SITE_URL + reverse("bookings:manage", args=[appointment.manage_token])


def send_appointment_email(appointment: Appointment, *, kind: str) -> None:
    """Queue the patient's email about `appointment` for after the current transaction commits."""
    if kind not in _TEMPLATES:
        raise ValueError(f"Unknown appointment email: {kind}")
    transaction.on_commit(partial(_send_appointment_email, appointment.pk, kind))


def deliver_appointment_email(
    appointment: Appointment,
    *,
    kind: str,
    profile: ClinicProfile | None = None,
) -> None:
    """Send the `kind` email about `appointment` now; raises if the mail server refuses it.

    `appointment` should come with its therapist, service and patient selected; a caller
    sending a batch (send_reminders) passes the clinic profile it loaded once.
    """
    if kind not in _TEMPLATES:
        raise ValueError(f"Unknown appointment email: {kind}")
    profile = profile or ClinicProfile.load()
    url = manage_url(appointment)
    context = {
        "appointment": appointment,
        "clinic": profile,
        "manage_url": url,
        "starts_local": appointment.starts_at.astimezone(clinic_zone()),
        "ends_local": appointment.ends_at.astimezone(clinic_zone()),
        "location": calendars.location_text(profile),
        "book_url": settings.SITE_URL + reverse("bookings:book"),
    }
    attachments = []
    if kind in _WITH_CALENDAR:
        method = calendars.CANCEL if kind == CANCELLED else calendars.REQUEST
        ics = calendars.appointment_calendar(
            appointment, method=method, manage_url=url, profile=profile
        )
        attachments.append(("appointment.ics", ics, f"text/calendar; method={method}"))
    send_templated_email(
        to=[appointment.patient.email],
        template=_TEMPLATES[kind],
        context=context,
        attachments=attachments,
    )


def log_failure(kind: str, appointment_id: int, error: BaseException) -> None:
    # No traceback: an SMTP refusal's message names the recipient's address, and the log must
    # not. The error's type (and SMTP code, when there is one) is enough to tell a mail server
    # that is down from an address it refuses.
    code = getattr(error, "smtp_code", None)
    logger.error(
        "Could not send the %s email for appointment %s (%s%s)",
        kind,
        appointment_id,
        type(error).__name__,
        f" {code}" if code else "",
    )


def _send_appointment_email(appointment_id: int, kind: str) -> None:
    try:
        appointment = Appointment.objects.select_related("therapist", "service", "patient").get(
            pk=appointment_id
        )
        deliver_appointment_email(appointment, kind=kind)
    except Exception as error:
        # The appointment is committed; a mail server that is down must not turn that into an
        # error page. The front desk can see the booking in the admin and call the patient.
        log_failure(kind, appointment_id, error)
