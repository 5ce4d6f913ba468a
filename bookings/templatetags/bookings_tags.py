"""Times on the clinic's clock, for templates: the labels of clinic/clock.py.

    {{ moment|clinic_time }}                      10:00 AM      / 1:00 AM PST
    {{ moment|clinic_time_zoned }}                10:00 AM Pacific time / 1:00 AM PST (Pacific time)
    {% clinic_time_span start end %}              10:00 AM–10:45 AM
    {% clinic_time_span start end zoned=True %}   10:00 AM–10:45 AM Pacific time

Use these for every time a person reads, never `|date:"g:i A"` (the two 1:00 AMs of the night
the clocks go back would read the same); `|date` stays right for the day's date.
"""

from django import template

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
