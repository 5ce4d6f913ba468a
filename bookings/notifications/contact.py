"""The clinic's email about a message from the contact page, through the outbox.

Written in the transaction that stores the message, sent after commit like every other email
(notifications/outbox.py), and retried until it goes. It goes to the clinic's public address
(`ClinicProfile.email`), or to DEFAULT_FROM_EMAIL while that is not set, so no message waits
unseen; the admin lists every message either way. Replying to it answers the sender (Reply-To).
The email is for staff, in English, whatever the page's language. The sender gets no email.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from bookings.models import ContactMessage, OutgoingEmail
from bookings.notifications import outbox
from bookings.notifications.emails import render_templated_email
from clinic.clock import local
from clinic.models import ClinicProfile

TEMPLATE = "emails/contact_message"


def clinic_recipient(profile: ClinicProfile) -> str:
    return profile.email or settings.DEFAULT_FROM_EMAIL


def notify_clinic(message: ContactMessage) -> OutgoingEmail | None:
    """Queue the clinic's email about `message` with the current transaction; None if it could
    not even be written (logged: the message itself is stored and listed in the admin)."""
    return outbox.queue_then_send(
        lambda: queue_contact_email(message), about=f"contact message {message.pk}"
    )


def queue_contact_email(message: ContactMessage) -> OutgoingEmail:
    """Write the email about `message` to the outbox, rendered now; nothing is sent."""
    profile = ClinicProfile.load()
    context = {
        "message": message,
        "clinic": profile,
        "written_at": local(message.created_at or timezone.now()),
        "language": dict(settings.LANGUAGES).get(message.language, message.language),
        "admin_url": settings.SITE_URL
        + reverse("admin:bookings_contactmessage_change", args=[message.pk]),
    }
    with translation.override("en"):
        subject, text, html = render_templated_email(template=TEMPLATE, context=context)
    return OutgoingEmail.objects.create(
        contact_message=message,
        kind=OutgoingEmail.Kind.CONTACT,
        recipient=clinic_recipient(profile),
        subject=subject,
        text=text,
        html=html,
        next_attempt_at=timezone.now(),
    )
