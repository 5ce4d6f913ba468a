"""Patients' emails come from the clinic by name, in its colours, and say where it is and how to
find it (text, HTML and the .ics alike), in the patient's language, never with health details."""

from datetime import datetime, time, timedelta
from email import message_from_bytes, policy
from email.utils import parseaddr

import pytest
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.template.loader import get_template
from icalendar import Calendar

from bookings import services
from bookings.forms import format_start
from bookings.models import Appointment
from bookings.notifications import calendars, reminders
from bookings.notifications.outbox import sender
from clinic.models import ClinicProfile, Page
from conditions.models import Condition
from tests.bookings.conftest import LA, confirm_form, local, next_weekday_after

pytestmark = pytest.mark.django_db

NOW = local(2027, 1, 1, 12)
TEN = local(2027, 1, 4, 10)
ADDRESS = "Sports & Spine, 12 Harbor Street, San Mateo, CA 94401"
MAP = "https://maps.example/?q=12+Harbor+Street"
REASON = "Sharp pain in my left knee since the marathon"


@pytest.fixture
def profile(db):
    profile = ClinicProfile.load()
    profile.name = "Sports & Spine"
    profile.street_address = "12 Harbor Street"
    profile.city, profile.region, profile.postal_code = "San Mateo", "CA", "94401"
    profile.map_url = MAP
    profile.directions_en = "Second floor, the lift is on the left."
    profile.directions_fr = "Deuxième étage, l’ascenseur est à gauche."
    profile.parking_en = "Free parking behind the building."
    profile.parking_fr = "Parking gratuit derrière le bâtiment."
    profile.public_transport_en = "Caltrain San Mateo, five minutes on foot."
    profile.save()
    return profile


@pytest.fixture(autouse=True)
def from_address(settings):
    settings.DEFAULT_FROM_EMAIL = "Clinic <appointments@clinic.example>"
    settings.SITE_URL = "https://clinic.example"


def book(therapist, service, *, starts_at=TEN, language="en", **extra):
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=services.PatientDetails(
            name="Pat Example", email="pat@example.com", phone="+16505550100"
        ),
        now=NOW,
        language=language,
        **extra,
    )


def html_of(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


def event_of(message):
    (attachment,) = message.attachments
    (event,) = Calendar.from_ical(attachment[1]).walk("VEVENT")
    return event


def test_it_sends_from_the_clinic_by_name_on_the_configured_address(
    alex, massage, profile, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(alex, massage)
    (message,) = mailoutbox
    header = message.message()["From"]
    assert parseaddr(str(header)) == ("Sports & Spine", "appointments@clinic.example")


def test_a_name_with_accents_and_commas_is_a_well_formed_from_header(profile, settings):
    settings.DEFAULT_FROM_EMAIL = "appointments@clinic.example"
    for name in ("Kiné, Sport & Santé", "Smith, Jones Physio"):
        profile.name = name
        raw = EmailMessage("s", "b", sender(profile), ["pat@example.com"]).message().as_bytes()
        (address,) = message_from_bytes(raw, policy=policy.default)["From"].addresses
        assert (address.display_name, address.addr_spec) == (name, "appointments@clinic.example")


def test_the_booked_email_says_where_and_how_to_find_the_clinic(
    alex, massage, profile, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(alex, massage)
    (message,) = mailoutbox
    text, html = message.body, html_of(message)
    assert f"Where:     {ADDRESS}\n" in text
    assert f"Map:       {MAP}\n" in text
    for words in (
        "How to find us",
        "Second floor, the lift is on the left.",
        "Free parking behind the building.",
        "Caltrain San Mateo, five minutes on foot.",
        "Free to cancel or move until 24 hours before your appointment.",
    ):
        assert words in text and words in html
    assert "12 Harbor Street<br>San Mateo, CA 94401" in html
    assert f'href="{MAP}"' in html
    # The branded frame: the clinic's name over its colour, its address and phones below.
    assert "background-color:#12355b" in html
    assert html.count("Sports &amp; Spine</") >= 1
    assert 'href="tel:+16508156552"' in html and "+1 650-815-6552" in html

    event = event_of(message)
    assert str(event["LOCATION"]) == ADDRESS
    description = str(event["DESCRIPTION"])
    assert f"Address: {ADDRESS}" in description
    assert f"Map: {MAP}" in description
    assert "Directions: Second floor, the lift is on the left." in description
    assert "Parking: Free parking behind the building." in description
    assert "Public transport: Caltrain San Mateo, five minutes on foot." in description


def test_every_patient_email_has_the_address_in_its_branded_frame(
    alex, massage, profile, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(alex, massage)
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_appointment(
            appointment=appointment, starts_at=TEN + timedelta(hours=1), now=NOW
        )
    reminders.send_due_reminders(now=TEN - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=appointment, now=NOW)
    assert len(mailoutbox) == 4  # booked, moved, reminder, cancelled
    for message in mailoutbox:
        html = html_of(message)
        assert "San Mateo, CA 94401" in message.body, message.subject
        assert "12 Harbor Street" in html and "background-color:#12355b" in html
        assert parseaddr(message.from_email)[0] == "Sports & Spine"


def test_every_email_template_extends_the_shared_base():
    from pathlib import Path

    folder = Path(get_template("emails/_base.html").origin.name).parent
    patient_emails = [
        "appointment_booked",
        "appointment_rescheduled",
        "appointment_cancelled",
        "booking_attempt",
        "reminder",
        "course_booked",
        "waitlist_joined",
        "slot_offer",
        "sign_in",
        "contact_message",  # to the clinic itself
    ]
    for name in patient_emails:
        html = (folder / f"{name}.html").read_text()
        text = (folder / f"{name}.txt").read_text()
        assert html.startswith('{% extends "emails/_base.html" %}'), name
        assert text.startswith('{% extends "emails/_base.txt" %}'), name


def test_no_health_information_goes_in_any_email(
    alex, sam, massage, profile, mailoutbox, django_capture_on_commit_callbacks
):
    condition = Condition.objects.create(
        title="Runner’s knee", slug="runners-knee", status="published"
    )
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(alex, massage, reason=REASON, condition=condition)
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_appointment(
            appointment=appointment, starts_at=TEN + timedelta(hours=1), now=NOW
        )
    reminders.send_due_reminders(now=TEN - timedelta(hours=2))
    # Someone tries the same time with the patient's address, with another therapist: the owner
    # is told about their own appointment.
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as refused,
    ):
        book(sam, massage, starts_at=TEN + timedelta(hours=1), submission_key="x" * 32)
    assert refused.value.code == "patient_busy"
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=appointment, now=NOW)
    kinds = [message.subject for message in mailoutbox]
    assert len(mailoutbox) == 5, kinds  # booked, moved, reminder, the attempt, cancelled
    assert any("tried" in message.body for message in mailoutbox)
    for message in mailoutbox:
        parts = [message.subject, message.body, html_of(message)]
        parts += [str(content) for _name, content, _type in message.attachments]
        for part in parts:
            assert "marathon" not in part and "left knee" not in part, message.subject
            assert "Runner" not in part and "runners-knee" not in part, message.subject


def test_the_french_email_gives_the_french_directions(
    alex, massage, profile, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(alex, massage, language="fr")
    (message,) = mailoutbox
    text, html = message.body, html_of(message)
    for words in (
        "Comment venir",
        "Deuxième étage, l’ascenseur est à gauche.",
        "Parking gratuit derrière le bâtiment.",
        "Annulation ou changement gratuits jusqu’à 24 heures avant votre rendez-vous.",
    ):
        assert words in text, words
    assert "Deuxième étage, l’ascenseur est à gauche." in html
    assert "Ouvrir le plan" in html
    assert "Second floor" not in text
    # Public transport has no French: the English stands in rather than nothing.
    assert "Caltrain San Mateo" in text
    description = str(event_of(message)["DESCRIPTION"])
    assert "Accès\u00a0: Deuxième étage" in description
    assert f"Plan\u00a0: {MAP}" in description


def test_without_an_address_nothing_is_said_of_where(
    alex, massage, mailoutbox, django_capture_on_commit_callbacks
):
    profile = ClinicProfile.load()
    profile.street_address = profile.city = profile.postal_code = profile.region = ""
    profile.map_url = ""
    profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        book(alex, massage)
    (message,) = mailoutbox
    assert "Where:" not in message.body and "Map:" not in message.body
    assert ">Where<" not in html_of(message)
    assert "How to find us" not in message.body
    event = event_of(message)
    assert "LOCATION" not in event
    assert "Address:" not in str(event["DESCRIPTION"])


def test_the_therapist_feed_locates_each_event_at_the_address(alex, massage, profile):
    appointment = book(alex, massage, notify=False)
    feed = calendars.therapist_feed(
        name="Alex", appointments=[appointment], profile=profile, now=NOW
    )
    (event,) = Calendar.from_ical(feed).walk("VEVENT")
    assert str(event["LOCATION"]) == ADDRESS
    assert "Pat Example" not in feed.decode()  # still first name and initial only


@pytest.fixture
def start():
    return datetime.combine(next_weekday_after(5, weekday=1), time(10), tzinfo=LA)


def test_the_confirmation_and_manage_pages_say_where_and_how_to_find_us(
    client, alex, follow_up, profile, start
):
    Page.objects.filter(slug=Page.PRIVACY).delete()
    query = f"?service=follow-up&therapist={alex.pk}&start={format_start(start)}"
    client.post(
        f"/book/details/{query}",
        {"name": "Pat", "email": "pat@example.com", "phone": "6505550100", "reason": REASON},
    )
    review = client.get(f"/book/review/{query}").content.decode()
    client.post(f"/book/review/{query}", confirm_form(review))
    appointment = Appointment.objects.get()
    pages = {
        "confirmed": client.get("/book/confirmed/").content.decode(),
        "manage": client.get(f"/appointments/{appointment.manage_token}/").content.decode(),
    }
    for name, body in pages.items():
        assert "Sports &amp; Spine<br>12 Harbor Street<br>San Mateo, CA 94401" in body, name
        assert f'href="{MAP}"' in body, name
        assert "How to find us" in body and "Free parking behind the building." in body, name
        assert REASON not in body, name
    assert "Free to cancel or move until 24 hours before your appointment." in pages["confirmed"]
