from django import template

from bookings.availability import clinic_zone_name

register = template.Library()


@register.simple_tag
def zone_name() -> str:
    """The clinic's zone as a person says it, e.g. "Pacific time"."""
    return clinic_zone_name()
