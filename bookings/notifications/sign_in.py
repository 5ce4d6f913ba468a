"""The sign-in link email: through the outbox, after commit, in the page's language."""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from bookings.models import OutgoingEmail
from bookings.notifications import outbox
from bookings.notifications.emails import logger, render_templated_email
from clinic.models import ClinicProfile


def send_sign_in_email(*, email: str, token: str, language: str) -> None:
    try:
        with transaction.atomic():
            with translation.override(language or settings.LANGUAGE_CODE):
                url = settings.SITE_URL + reverse("bookings:my_sign_in", args=[token])
                context = {
                    "clinic": ClinicProfile.load(),
                    "url": url,
                    "minutes": settings.PATIENT_SIGN_IN_LINK_MINUTES,
                }
                subject, text, html = render_templated_email(
                    template="emails/sign_in", context=context
                )
            queued = OutgoingEmail.objects.create(
                kind=OutgoingEmail.Kind.SIGN_IN,
                recipient=email,
                subject=subject,
                text=text,
                html=html,
                next_attempt_at=timezone.now(),
            )
    except Exception as error:
        logger.error("Could not queue a sign-in email (%s)", outbox.describe_error(error))
        return
    transaction.on_commit(partial(outbox.dispatch, queued.pk))
