"""The reminder email: text and HTML, the manage link, the time on the clinic's clock."""

import pytest

from bookings.notifications import reminders
from clinic.models import ClinicProfile
from tests.bookings.conftest import local, make_appointment

pytestmark = pytest.mark.django_db


def remind(therapist, service, starts_at, now):
    appointment = make_appointment(therapist=therapist, service=service, starts_at=starts_at)
    assert reminders.send_due_reminders(now=now).sent == [appointment.pk]
    return appointment


def test_the_reminder_has_the_time_service_therapist_phones_and_manage_link(
    alex, massage, mailoutbox, settings
):
    settings.SITE_URL = "https://clinic.example"
    profile = ClinicProfile.load()
    profile.name = "Sports & Spine"
    profile.street_address, profile.city, profile.region = "12 Harbor Street", "San Mateo", "CA"
    profile.postal_code = "94401"
    profile.save()

    appointment = remind(alex, massage, local(2027, 1, 5, 10), now=local(2027, 1, 4, 10))

    (message,) = mailoutbox
    assert message.to == ["pat@example.com"]
    assert (
        message.subject == "Reminder: your Sports massage on Tue 5 Jan, 10:00 AM — Sports & Spine"
    )
    manage = f"https://clinic.example/appointments/{appointment.manage_token}/"
    body = message.body
    assert "Hello Pat Example," in body
    assert manage in body
    assert "Tuesday 5 January 2027, 10:00 AM–10:45 AM Pacific time\n" in body
    assert "Sports massage (45 minutes)" in body
    assert "Alex Rivera, DPT" in body
    assert "+1 650-815-6552" in body and "+33 7 84 26 43 52" in body
    assert "Sports & Spine, 12 Harbor Street, San Mateo, CA 94401" in body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert f'href="{manage}"' in html
    assert "Sports &amp; Spine" in html
    assert 'href="tel:+16508156552"' in html
    # A reminder changes nothing in the patient's calendar: no .ics to accept again.
    assert message.attachments == []


def test_the_reminder_reads_summer_time_in_summer(alex, follow_up, mailoutbox):
    remind(alex, follow_up, local(2027, 7, 6, 9), now=local(2027, 7, 5, 12))

    (message,) = mailoutbox
    assert "Tuesday 6 July 2027, 9:00 AM–9:30 AM Pacific time\n" in message.body
    assert message.subject.startswith("Reminder: your Follow up on Tue 6 Jul, 9:00 AM")


def test_the_reminder_escapes_what_a_patient_typed_in_the_html(alex, follow_up, mailoutbox):
    appointment = make_appointment(
        therapist=alex, service=follow_up, starts_at=local(2027, 1, 5, 10)
    )
    appointment.patient_name = "<b>Pat</b>"  # as typed for the booking
    appointment.save(update_fields=["patient_name"])

    reminders.send_due_reminders(now=local(2027, 1, 4, 12))

    (message,) = mailoutbox
    ((html, _),) = message.alternatives
    assert "<b>Pat</b>" not in html and "&lt;b&gt;Pat&lt;/b&gt;" in html
    assert "Hello <b>Pat</b>," in message.body  # plain text is not HTML
