"""What the booking pages and patients' emails say the same way: phone numbers and the
cancellation terms. Each renders what it is given; none queries."""

from django import template
from django.utils.translation import gettext, ngettext

from clinic.phones import format_phone, tel_href

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """A stored phone in its country's international format ("+33 6 12 34 56 78"); a number
    stored before phones were kept in E.164 is shown as it was typed."""
    return format_phone(value) if value else ""


@register.filter
def phone_href(value: str) -> str:
    """The tel: link for a stored phone: E.164, or the old text without its spaces."""
    return tel_href("".join(value.split())) if value else ""


def cancellation_terms_text(hours: int) -> str:
    """The cancellation policy in plain words, from BookingRules.cancellation_cutoff_hours."""
    if not hours:
        return gettext("Free to cancel or move until your appointment starts.")
    return ngettext(
        "Free to cancel or move until %(hours)s hour before your appointment.",
        "Free to cancel or move until %(hours)s hours before your appointment.",
        hours,
    ) % {"hours": hours}


@register.simple_tag
def cancellation_terms(hours) -> str:
    """{% cancellation_terms rules.cancellation_cutoff_hours %}"""
    return cancellation_terms_text(int(hours or 0))
