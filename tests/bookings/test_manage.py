"""The patient's own appointment page: view, cancel, move, the cut-off, and guessed tokens."""

import secrets
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from bookings.forms import format_start
from bookings.models import Appointment, Patient
from tests.bookings.conftest import LA, make_appointment, next_weekday_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def start():
    return datetime.combine(next_weekday_after(5, weekday=1), time(10), tzinfo=LA)


@pytest.fixture
def appointment(alex, follow_up, start):
    return make_appointment(therapist=alex, service=follow_up, starts_at=start)


def url(appointment, suffix=""):
    return f"/appointments/{appointment.manage_token}/{suffix}"


def soon_appointment(therapist, service, hours=5):
    """A booked appointment inside the 24-hour cut-off (created directly: it is test data)."""
    starts_at = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=hours)
    patient = Patient.objects.create(name="Soon", email="soon@example.com", phone="6505550100")
    return Appointment.objects.create(
        therapist=therapist,
        service=service,
        patient=patient,
        patient_name=patient.name,
        patient_phone=patient.phone,
        starts_at=starts_at,
        ends_at=starts_at + service.duration,
        blocked_until=starts_at + service.duration,
    )


def test_the_page_shows_the_appointment_and_is_never_cached_or_referred(client, appointment):
    response = client.get(url(appointment))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Follow up" in body and "Alex Rivera, DPT" in body and "Pacific time" in body
    assert "Cancel this appointment" in body and "Move to another time" in body
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    "token",
    ["nope", secrets.token_urlsafe(32), "a" * 43, "x" * 300, "..%2F..%2Fadmin"],
)
def test_a_wrong_token_is_a_plain_404(client, appointment, token):
    assert "Alex Rivera" in client.get(url(appointment)).content.decode()  # the right one works
    response = client.get(f"/appointments/{token}/")
    assert response.status_code == 404 and "Alex Rivera" not in response.content.decode()
    assert client.post(f"/appointments/{token}/cancel/").status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_a_token_one_character_off_is_a_404(client, appointment):
    token = appointment.manage_token
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/appointments/{token}/").status_code == 200
    assert client.get(f"/appointments/{wrong}/").status_code == 404


def test_the_patient_cancels_and_gets_an_email(
    client, appointment, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(appointment, "cancel/"))
    assert response.status_code == 302 and response["Location"] == url(appointment)
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert len(mailoutbox) == 1 and "cancelled" in mailoutbox[0].subject
    body = client.get(url(appointment)).content.decode()
    assert "This appointment is cancelled." in body and "Book another time" in body
    assert "Cancel this appointment" not in body
    response = client.post(url(appointment, "cancel/"), follow=True)
    assert "already cancelled" in response.content.decode()


def test_cancel_asks_first_and_only_a_post_cancels(client, appointment):
    response = client.get(url(appointment, "cancel/"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cancel this appointment?" in body and "Yes, cancel it" in body
    assert f'action="{url(appointment, "cancel/")}"' in body
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_the_patient_moves_it_to_another_free_time(
    client, appointment, start, mailoutbox, django_capture_on_commit_callbacks
):
    week = client.get(url(appointment, "reschedule/"))
    assert week.status_code == 200 and "Choose a day" in week.content.decode()
    assert week["Referrer-Policy"] == "no-referrer"
    times = client.get(url(appointment, f"reschedule/?day={start.date()}")).content.decode()
    new_start = start + timedelta(hours=4)  # 14:00
    assert f"start={format_start(new_start)}" in times
    assert f"start={format_start(start)}" not in times  # its own current time is not offered
    confirm = client.get(url(appointment, f"reschedule/?start={format_start(new_start)}"))
    assert "Confirm the new time" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(appointment, "reschedule/"), {"start": format_start(new_start)})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == new_start and appointment.sequence == 1
    assert "has moved" in mailoutbox[0].subject
    assert Appointment.objects.count() == 1


def test_moving_to_a_time_just_taken_says_so_and_keeps_the_old_time(
    client, appointment, alex, follow_up, start
):
    taken = start + timedelta(hours=4)
    make_appointment(therapist=alex, service=follow_up, starts_at=taken, email="b@example.com")
    response = client.post(url(appointment, "reschedule/"), {"start": format_start(taken)})
    assert response.status_code == 409
    assert "That time has just been booked" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.starts_at == start


@pytest.mark.parametrize("value", ["", "garbage", "20200101T1000Z"])
def test_moving_to_a_bad_time_is_a_message(client, appointment, start, value):
    response = client.post(url(appointment, "reschedule/"), {"start": value})
    assert response.status_code in {400, 409}
    appointment.refresh_from_db()
    assert appointment.starts_at == start and appointment.sequence == 0


def test_after_the_cut_off_the_page_says_to_call_and_shows_both_numbers(client, alex, follow_up):
    appointment = soon_appointment(alex, follow_up)
    response = client.get(url(appointment))
    body = response.content.decode()
    assert "can no longer be changed online" in body
    assert "Please call the clinic" in body
    assert 'href="tel:+16508156552"' in body and 'href="tel:+33784264352"' in body
    assert "Cancel this appointment" not in body and "Move to another time" not in body
    assert client.get(url(appointment, "cancel/")).status_code == 302
    client.post(url(appointment, "cancel/"))
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    response = client.get(url(appointment, "reschedule/"))
    assert response.status_code == 302


def test_the_cut_off_follows_the_staff_setting(client, alex, follow_up, rules):
    appointment = soon_appointment(alex, follow_up, hours=5)
    rules.cancellation_cutoff_hours = 2
    rules.save()
    assert "Cancel this appointment" in client.get(url(appointment)).content.decode()


def test_the_forms_work_when_the_browser_sends_origin_null(appointment, start):
    # Under Referrer-Policy: no-referrer, browsers send "Origin: null" with a form POST.
    from django.test import Client

    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="null")
    new_start = start + timedelta(hours=4)
    response = browser.post(url(appointment, "reschedule/"), {"start": format_start(new_start)})
    assert response.status_code == 302
    assert browser.post(url(appointment, "cancel/")).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.starts_at == new_start


def test_guessing_tokens_is_rate_limited_per_client(client, appointment, settings, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr("clinic.ratelimit.current_window", lambda period: 1)  # one window
    cache.clear()
    settings.RATELIMIT_DISABLED = False
    statuses = [
        client.get(f"/appointments/{secrets.token_urlsafe(32)}/").status_code for _ in range(61)
    ]
    assert statuses[:60] == [404] * 60
    assert statuses[60] == 429
    cache.clear()


def test_moving_onto_the_patients_other_appointment_names_it_only_in_an_email(
    client, appointment, sam, start, mailoutbox, django_capture_on_commit_callbacks
):
    later = start + timedelta(hours=4)
    other = make_appointment(
        therapist=sam, service=appointment.service, starts_at=later, reason="Private trouble"
    )  # the same email
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(appointment, "reschedule/"), {"start": format_start(later)})
    assert response.status_code == 409
    body = response.content.decode()
    assert (
        "We could not move your appointment to that time. Please choose another time. If you "
        "already have an appointment then, we have emailed its details to you."
    ) in body
    assert "another appointment at that time" not in body and "Sam Okafor" not in body
    appointment.refresh_from_db()
    assert appointment.starts_at == start and appointment.sequence == 0
    (notice,) = mailoutbox
    assert notice.to == ["pat@example.com"]
    assert f"/appointments/{other.manage_token}/" in notice.body
    assert "Sam Okafor" in notice.body and "Private trouble" not in notice.body
