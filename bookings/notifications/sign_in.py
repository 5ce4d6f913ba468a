"""The sign-in link email: through the outbox, after commit, in the page's language."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from bookings.models import OutgoingEmail
from bookings.notifications import outbox
from bookings.notifications.emails import render_templated_email
from clinic.models import ClinicProfile


def send_sign_in_email(*, email: str, token: str, language: str) -> None:
    outbox.queue_then_send(
        lambda: _queue(email=email, token=token, language=language), about="a sign-in link"
    )


def _queue(*, email: str, token: str, language: str) -> OutgoingEmail:
    with translation.override(language or settings.LANGUAGE_CODE):
        url = settings.SITE_URL + reverse("bookings:my_sign_in", args=[token])
        context = {
            "clinic": ClinicProfile.load(),
            "url": url,
            "minutes": settings.PATIENT_SIGN_IN_LINK_MINUTES,
        }
        subject, text, html = render_templated_email(template="emails/sign_in", context=context)
    return OutgoingEmail.objects.create(
        kind=OutgoingEmail.Kind.SIGN_IN,
        recipient=email,
        subject=subject,
        text=text,
        html=html,
        next_attempt_at=timezone.now(),
    )
