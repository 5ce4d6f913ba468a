"""Emails to waiting patients: on joining (with the link to leave) and when a freed time is
offered (with the link to claim it). Through the outbox, after commit, in their language."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from bookings.models import OutgoingEmail, SlotOffer, WaitlistEntry
from bookings.notifications import outbox
from bookings.notifications.emails import render_templated_email
from clinic.clock import local
from clinic.models import ClinicProfile

JOINED = OutgoingEmail.Kind.WAITLIST
OFFER = OutgoingEmail.Kind.OFFER
_TEMPLATES = {JOINED: "emails/waitlist_joined", OFFER: "emails/slot_offer"}


def entry_url(entry: WaitlistEntry) -> str:
    return settings.SITE_URL + reverse("bookings:waitlist_entry", args=[entry.token])


def offer_url(offer: SlotOffer) -> str:
    return settings.SITE_URL + reverse("bookings:offer", args=[offer.token])


def send_waitlist_email(entry: WaitlistEntry, *, kind: str, offer: SlotOffer | None = None) -> None:
    """Queue the email with the current transaction; sent after commit."""
    outbox.queue_then_send(
        lambda: _queue(entry, kind=kind, offer=offer),
        about=f"waiting-list entry {entry.pk} ({kind})",
    )


def _queue(entry: WaitlistEntry, *, kind: str, offer: SlotOffer | None) -> OutgoingEmail:
    with translation.override(entry.language or settings.LANGUAGE_CODE):
        context = {
            "entry": entry,
            "clinic": ClinicProfile.load(),
            "entry_url": entry_url(entry),
            "offer": offer,
            "offer_url": offer_url(offer) if offer else "",
            "starts_local": local(offer.starts_at) if offer else None,
            "expires_local": local(offer.expires_at) if offer else None,
        }
        subject, text, html = render_templated_email(template=_TEMPLATES[kind], context=context)
    return OutgoingEmail.objects.create(
        waitlist_entry=entry,
        kind=kind,
        recipient=entry.email,
        subject=subject,
        text=text,
        html=html,
        next_attempt_at=timezone.now(),
    )
