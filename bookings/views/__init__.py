"""The bookings app's pages, one module each: the patient's booking flow (`booking`), their own
appointment's pages (`manage`), the staff schedule (`schedule`) and calendar feeds (`feeds`).
bookings/urls.py routes to them."""

from bookings.views.booking import SESSION_CONFIRMED, SESSION_DETAILS

__all__ = ["SESSION_CONFIRMED", "SESSION_DETAILS"]
