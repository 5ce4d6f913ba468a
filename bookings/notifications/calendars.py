"""Calendar files (.ics), made with icalendar: a patient's appointment and a therapist's feed.

One event per appointment with a stable UID (the appointment's calendar_uid) and a SEQUENCE raised
on every change, so a calendar app replaces its copy when the time moves and drops it on a cancel.
The same UID is used in the patient's file and the therapist's feed.

Times are UTC instants throughout: every calendar app shows them in its user's zone without a
VTIMEZONE block, and no DST rule can be misread.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vDuration, vText

from bookings.models import Appointment
from clinic.models import ClinicProfile

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"

# How often a subscribed calendar app should fetch the feed again. Google and Outlook decide for
# themselves (every few hours); Apple Calendar and others honour this.
FEED_REFRESH = timedelta(minutes=15)


def _organizer_address() -> str:
    # DEFAULT_FROM_EMAIL may be "Name <address>"; a calendar wants the bare address.
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL


def event_uid(appointment: Appointment) -> str:
    return f"{appointment.calendar_uid}@clinic-bookings"


def location_text(profile: ClinicProfile) -> str:
    """An event's LOCATION: the clinic's name and address on one line, which calendar apps hand
    to their maps; "" while no address is set (a bare name would send them nowhere)."""
    return profile.address_text


def _add_location(event: Event, profile: ClinicProfile) -> None:
    location = location_text(profile)
    if location:
        event.add("location", location)
    if profile.latitude is not None and profile.longitude is not None:
        event.add("geo", (float(profile.latitude), float(profile.longitude)))


def find_us_lines(profile: ClinicProfile) -> list[str]:
    """The address, map link and how to find the clinic, in the active language; only what is
    set, never an empty label."""
    lines = []
    if profile.address_lines:
        lines.append(_("Address: %(address)s") % {"address": location_text(profile)})
    if profile.map_url:
        lines.append(_("Map: %(url)s") % {"url": profile.map_url})
    for words, text in (
        (_("Directions: %(text)s"), profile.directions),
        (_("Parking: %(text)s"), profile.parking),
        (_("Public transport: %(text)s"), profile.public_transport),
    ):
        if text.strip():
            lines.append(words % {"text": " ".join(text.split())})
    return lines


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
    """The .ics for `appointment`: METHOD:REQUEST for a booking or a move, CANCEL to withdraw it.

    Its words are in the patient's language (`appointment.language`); `manage_url` should be
    that language's link.
    """
    profile = profile or ClinicProfile.load()
    with translation.override(appointment.language or settings.LANGUAGE_CODE):
        summary, description = _patient_event_text(appointment, manage_url, profile)
    calendar = Calendar()
    calendar.add("prodid", "-//Clinic//Online booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)

    event = Event()
    event.add("uid", event_uid(appointment))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", timezone.now())
    # UTC instants: every calendar app shows them in its user's zone without a VTIMEZONE block.
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    event.add("summary", summary)
    _add_location(event, profile)
    event.add("description", description)
    if method == CANCEL:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    organizer = vCalAddress(f"mailto:{_organizer_address()}")
    organizer.params["cn"] = vText(profile.name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{appointment.patient.email}")
    attendee.params["cn"] = vText(appointment.patient_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def _patient_event_text(
    appointment: Appointment, manage_url: str, profile: ClinicProfile
) -> tuple[str, str]:
    """The patient's event's SUMMARY and DESCRIPTION, in the active language."""
    service = appointment.service.name
    summary = _("%(service)s with %(therapist)s") % {
        "service": service,
        "therapist": appointment.therapist.display_name,
    }
    description = [
        _("%(service)s with %(therapist)s at %(clinic)s.")
        % {"service": service, "therapist": appointment.therapist.full_name, "clinic": profile.name}
    ]
    description.extend(find_us_lines(profile))
    if profile.phones:
        description.append(_("Phone: %(phones)s") % {"phones": phones_text(profile)})
    if manage_url:
        description.append(_("View, move or cancel: %(url)s") % {"url": manage_url})
    return summary, "\n".join(description)


def short_patient_name(name: str) -> str:
    """First name and last initial ("Jane D."): enough to tell patients apart in a calendar."""
    words = name.split()
    if not words:
        return "Patient"
    if len(words) == 1:
        return words[0]
    return f"{words[0]} {words[-1][0]}."


def therapist_feed(
    *,
    name: str,
    appointments: Iterable[Appointment],
    profile: ClinicProfile,
    now: datetime,
) -> bytes:
    """A therapist's subscribed calendar: one event per appointment, patient data kept minimal.

    Each event carries the service and the patient's first name and initial, and nothing else
    about the patient (no email, phone or reason): the feed's link is a bearer token that ends
    up in calendar apps and their sync services. `appointments` need their service and patient.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Clinic//Therapist schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", PUBLISH)
    calendar.calendar_name = name  # NAME and X-WR-CALNAME, which Google and Outlook read
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))  # Outlook's spelling of the same
    for appointment in appointments:
        event = Event()
        event.add("uid", event_uid(appointment))
        event.add("sequence", appointment.sequence)
        event.add("dtstamp", now.astimezone(UTC))
        event.add("created", appointment.created_at.astimezone(UTC))
        event.add("last-modified", appointment.updated_at.astimezone(UTC))
        event.add("dtstart", appointment.starts_at.astimezone(UTC))
        event.add("dtend", appointment.ends_at.astimezone(UTC))
        event.add(
            "summary",
            f"{appointment.service.name} — {short_patient_name(appointment.patient_name)}",
        )
        _add_location(event, profile)
        event.add(
            "description",
            f"{appointment.service.name}, {appointment.service.duration_minutes} minutes. "
            f"{appointment.get_status_display()}.",
        )
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    return calendar.to_ical()
