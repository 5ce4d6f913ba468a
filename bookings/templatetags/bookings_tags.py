"""Times on the clinic's clock, for templates: the labels of clinic/clock.py.

    {{ moment|clinic_time }}                      10:00 AM      / 1:00 AM PST
    {{ moment|clinic_time_zoned }}                10:00 AM Pacific time / 1:00 AM PST (Pacific time)
    {% clinic_time_span start end %}              10:00 AM–10:45 AM
    {% clinic_time_span start end zoned=True %}   10:00 AM–10:45 AM Pacific time

Use these for every time a person reads, never `|date:"g:i A"` (the two 1:00 AMs of the night
the clocks go back would read the same); `|date` stays right for the day's date.

    {% phone_links clinic.phones as phones %}     <a href="tel:…">…</a> or <a href="tel:…">…</a>
"""

from django import template
from django.utils.dates import WEEKDAYS
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import pgettext

from bookings.models import WaitlistEntry
from clinic import clock
from clinic.clock import clinic_zone_name

register = template.Library()


@register.simple_tag
def zone_name() -> str:
    """The clinic's zone as a person says it, e.g. "Pacific time"."""
    return clinic_zone_name()


@register.filter
def clinic_time(moment) -> str:
    return clock.time_label(moment) if moment else ""


@register.filter
def clinic_time_zoned(moment) -> str:
    return clock.zoned_time_label(moment) if moment else ""


@register.simple_tag
def clinic_time_span(start, end, zoned=False) -> str:
    if not start or not end:
        return ""
    return clock.zoned_span_label(start, end) if zoned else clock.span_label(start, end)


@register.simple_tag
def phone_links(phones) -> SafeString:
    """The clinic's phones (ClinicProfile.phones) as tel: links, "A or B", for a sentence that
    a translation may word around them."""
    return format_html_join(
        pgettext("between two phone numbers", " or "),
        '<a href="{}">{}</a>',
        ((phone["href"], phone["number"]) for phone in phones),
    )


@register.filter
def clinic_moment(moment) -> str:
    """ "Tue 5 Jan, 9:00 AM" on the clinic's clock."""
    return clock.moment_label(moment) if moment else ""


@register.filter
def clinic_moment_zoned(moment) -> str:
    """ "Tue 5 Jan, 9:00 AM Pacific time"."""
    if not moment:
        return ""
    return f"{clock.moment_label(moment)} {clinic_zone_name()}"


@register.filter
def weekday_name(number) -> str:
    """0 -> "Monday", in the active language."""
    return str(WEEKDAYS.get(number, ""))


@register.filter
def time_of_day_name(value) -> str:
    """A waiting-list time of day ("morning") as its label."""
    try:
        return str(WaitlistEntry.TimeOfDay(value).label)
    except ValueError:
        return ""
