"""`{% front_desk_dashboard as dashboard %}`: the figures on the admin index, for the front desk."""

from django import template

from bookings import dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def front_desk_dashboard(context) -> dict | None:
    """The dashboard for users who may see appointments (front desk, superusers), else None.

    Content editors are staff too, but patients' names are none of their business.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("bookings.view_appointment"):
        return None
    return dashboard.front_desk_dashboard()


@register.simple_tag(takes_context=True)
def undelivered_emails(context) -> int:
    """Failed emails to patients not yet handled, for users who may see the outbox; else 0."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("bookings.view_outgoingemail"):
        return 0
    return dashboard.undelivered_emails()
