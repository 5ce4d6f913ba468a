"""Calendar files (.ics) for a patient's appointment, made with the icalendar package.

One event per appointment with a stable UID (the appointment's calendar_uid) and a SEQUENCE raised
on every change, so a calendar app replaces its copy when the time moves and drops it on a cancel.
"""

from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from bookings.models import Appointment
from conditions.models import ClinicProfile

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def _organizer_address() -> str:
    # DEFAULT_FROM_EMAIL may be "Name <address>"; a calendar wants the bare address.
    sender = settings.DEFAULT_FROM_EMAIL
    if "<" in sender and sender.endswith(">"):
        sender = sender.rsplit("<", 1)[1][:-1]
    return sender


def location_text(profile: ClinicProfile) -> str:
    parts = [profile.name]
    if profile.address.strip():
        parts.append(
            ", ".join(line.strip() for line in profile.address.splitlines() if line.strip())
        )
    return ", ".join(parts)


def phones_text(profile: ClinicProfile) -> str:
    return " / ".join(
        f"{phone['label']} {phone['number']}".strip() if phone["label"] else phone["number"]
        for phone in profile.phones
    )


def appointment_calendar(
    appointment: Appointment,
    *,
    method: str,
    manage_url: str = "",
    profile: ClinicProfile | None = None,
) -> bytes:
    """The .ics for `appointment`: METHOD:REQUEST for a booking or a move, CANCEL to withdraw it."""
    profile = profile or ClinicProfile.load()
    calendar = Calendar()
    calendar.add("prodid", "-//Clinic//Online booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)

    event = Event()
    event.add("uid", f"{appointment.calendar_uid}@clinic-bookings")
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", timezone.now())
    # UTC instants: every calendar app shows them in its user's zone without a VTIMEZONE block.
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    event.add("summary", f"{appointment.service.name} with {appointment.therapist.display_name}")
    event.add("location", location_text(profile))
    description = [
        f"{appointment.service.name} with {appointment.therapist.full_name} at {profile.name}.",
    ]
    if profile.address.strip():
        description.append(f"Address: {location_text(profile)}")
    if profile.phones:
        description.append(f"Phone: {phones_text(profile)}")
    if manage_url:
        description.append(f"View, move or cancel: {manage_url}")
    event.add("description", "\n".join(description))
    if method == CANCEL:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    organizer = vCalAddress(f"mailto:{_organizer_address()}")
    organizer.params["cn"] = vText(profile.name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{appointment.patient.email}")
    attendee.params["cn"] = vText(appointment.patient.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()
