"""The bookings app's pages, one module each: the patient's booking flow (`booking`, with `flow`
for what its steps share and `confirm` for the one write), their own appointment's pages
(`manage`), the staff schedule (`schedule`) and calendar feeds (`feeds`).
bookings/urls.py routes to them."""

from bookings.views.flow import SESSION_CONFIRMED, SESSION_DETAILS

__all__ = ["SESSION_CONFIRMED", "SESSION_DETAILS"]
