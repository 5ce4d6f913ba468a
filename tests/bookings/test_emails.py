"""Confirmation, move and cancellation emails: text, HTML and an .ics parsed with icalendar."""

from datetime import UTC, timedelta

import pytest
from django.db import transaction
from icalendar import Calendar

from bookings import services
from bookings.models import OutgoingEmail
from clinic.models import ClinicProfile
from tests.bookings.conftest import local

pytestmark = pytest.mark.django_db

NOW = local(2027, 1, 1, 12)
TEN = local(2027, 1, 4, 10)


def book(therapist, service, starts_at=TEN):
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=services.PatientDetails(
            name="Pat Example", email="pat@example.com", phone="6505550100"
        ),
        now=NOW,
    )


def calendar_of(message):
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename == "appointment.ics"
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def event_of(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def test_booking_sends_text_html_and_a_calendar_file_after_commit(
    alex, massage, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://clinic.example"
    profile = ClinicProfile.load()
    profile.name = "Sports & Spine"
    profile.street_address, profile.city, profile.region = "12 Harbor Street", "San Mateo", "CA"
    profile.postal_code = "94401"
    profile.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        appointment = book(alex, massage)
        assert mailoutbox == []  # not before the commit
    assert len(callbacks) == 1
    (message,) = mailoutbox
    assert message.to == ["pat@example.com"]
    assert (
        message.subject == "Your Sports massage on Mon 4 Jan, 10:00 AM is booked — Sports & Spine"
    )
    manage = f"https://clinic.example/appointments/{appointment.manage_token}/"
    assert manage in message.body
    assert "Monday 4 January 2027, 10:00 AM–10:45 AM Pacific time\n" in message.body
    assert "PST" not in message.body and "()" not in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html" and f'href="{manage}"' in html

    calendar = calendar_of(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    event = event_of(calendar)
    assert str(event["UID"]) == f"{appointment.calendar_uid}@clinic-bookings"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == TEN.astimezone(UTC)
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert "DTSTART:20270104T180000Z" in calendar.to_ical().decode()
    assert event.decoded("DTEND") == (TEN + timedelta(minutes=45)).astimezone(UTC)
    assert str(event["LOCATION"]) == "Sports & Spine, 12 Harbor Street, San Mateo, CA 94401"
    description = str(event["DESCRIPTION"])
    assert "+1 650-815-6552" in description and "+33 7 84 26 43 52" in description
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_move_sends_the_same_uid_with_a_higher_sequence_and_a_cancel_withdraws_it(
    alex, follow_up, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(alex, follow_up)
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_appointment(
            appointment=appointment, starts_at=TEN + timedelta(hours=1), now=NOW
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=appointment, now=NOW)
    booked, moved, cancelled = (calendar_of(message) for message in mailoutbox)
    uids = {str(event_of(calendar)["UID"]) for calendar in (booked, moved, cancelled)}
    assert len(uids) == 1
    assert [event_of(c)["SEQUENCE"] for c in (booked, moved, cancelled)] == [0, 1, 2]
    assert str(moved["METHOD"]) == "REQUEST"
    assert event_of(moved).decoded("DTSTART") == (TEN + timedelta(hours=1)).astimezone(UTC)
    assert str(cancelled["METHOD"]) == "CANCEL"
    assert str(event_of(cancelled)["STATUS"]) == "CANCELLED"
    assert "has moved" in mailoutbox[1].subject and "cancelled" in mailoutbox[2].subject


def test_a_failed_send_is_logged_and_the_booking_stands(
    alex, follow_up, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "tests.bookings.failing_backend.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(alex, follow_up)
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    assert "Could not send the booked email" in caplog.text


def test_nothing_is_sent_when_the_booking_rolls_back(
    alex, follow_up, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        book(alex, follow_up)
        raise RuntimeError("something later failed")
    assert mailoutbox == []
    assert not OutgoingEmail.objects.exists()  # not even queued


def test_the_email_greets_the_patient_by_the_name_typed_for_that_booking(
    alex, follow_up, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = book(alex, follow_up)
        services.book_appointment(
            service=follow_up,
            therapist=alex,
            starts_at=TEN + timedelta(hours=1),
            patient=services.PatientDetails(
                name="Someone Else", email="PAT@example.com", phone="+1 900 555 0666"
            ),
            now=NOW,
        )
    assert mailoutbox[0].body.startswith("Hello Pat Example,")
    assert mailoutbox[1].body.startswith("Hello Someone Else,")
    assert "Hello Someone Else," in mailoutbox[1].alternatives[0][0]
    # The first booking's emails still greet the name typed for it.
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=first, now=NOW)
    assert mailoutbox[2].body.startswith("Hello Pat Example,")
    assert "Someone Else" not in mailoutbox[2].body
