"""Patients sign in with an emailed link and see only their own appointments.

Three people: Pat (signed in), Quinn (another patient, whose data Pat must never see) and a
stranger typing addresses."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from bookings.models import Appointment, Patient, SignInLink
from bookings.services import patients as patient_services
from tests.bookings.conftest import make_appointment, next_weekday_after

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits(monkeypatch, settings):
    settings.RATELIMIT_DISABLED = False
    monkeypatch.setattr("clinic.ratelimit.current_window", lambda period: 1)
    cache.clear()


@pytest.fixture
def booked(alex, follow_up):
    from datetime import datetime, time

    from tests.bookings.conftest import LA

    day = next_weekday_after(10, weekday=1)
    pat = make_appointment(
        therapist=alex,
        service=follow_up,
        starts_at=datetime.combine(day, time(10), tzinfo=LA),
        email="pat@example.com",
        now=timezone.now(),
    )
    quinn = make_appointment(
        therapist=alex,
        service=follow_up,
        starts_at=datetime.combine(day, time(11), tzinfo=LA),
        email="quinn@example.com",
        now=timezone.now(),
    )
    Patient.objects.filter(pk=quinn.patient_id).update(name="Quinn Private")
    return pat, quinn


def link_from_email() -> str:
    body = mail.outbox[-1].body
    return (
        re.search(r"https?://[^\s]+/my/sign-in/[^\s]+/", body)[0]
        .split("://", 1)[1]
        .split("/", 1)[1]
    )


def sign_in(client, capture, email="pat@example.com"):
    mail.outbox.clear()
    with capture(execute=True):
        with_link = client.post("/my/", {"email": email})
    assert with_link.status_code == 200
    path = "/" + link_from_email()
    return client.post(path, follow=True)


def test_the_page_says_the_same_for_known_and_unknown_addresses(
    client, booked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/my/", {"email": "pat@example.com"})
        unknown = client.post("/my/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200

    def without_csrf(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert without_csrf(known) == without_csrf(unknown)
    assert [message.to for message in mail.outbox] == [["pat@example.com"]]


def test_the_link_signs_in_once(client, booked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/my/", {"email": "PAT@example.com"})
    path = "/" + link_from_email()
    # Opening the link (a mail scanner, a preview) does not use it up.
    assert client.get(path).status_code == 200
    page = client.post(path, follow=True)
    assert "Signed in as" in page.content.decode()
    other = type(client)()
    assert other.post(path).status_code == 400
    assert "no longer works" in other.post(path).content.decode()


def test_an_expired_link_does_not_sign_in(booked):
    patient_services.request_sign_in(email="pat@example.com", language="en")
    link = SignInLink.objects.get()
    assert link.expires_at - link.created_at == timedelta(minutes=30)
    token = "x" * 43
    SignInLink.objects.filter(pk=link.pk).update(
        digest=__import__("hashlib").sha256(token.encode()).hexdigest()
    )
    assert patient_services.use_sign_in_link(token=token, now=link.expires_at) is None
    assert patient_services.use_sign_in_link(
        token=token, now=link.expires_at - timedelta(seconds=1)
    )


def test_the_token_is_long_and_only_its_digest_is_stored(
    client, booked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/my/", {"email": "pat@example.com"})
    token = link_from_email().rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes, base64: 256 bits
    assert not SignInLink.objects.filter(digest=token).exists()
    assert SignInLink.objects.get().digest != token


def test_an_address_gets_at_most_five_links_an_hour(
    client, booked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(7):
            client.post("/my/", {"email": "pat@example.com"}, REMOTE_ADDR=f"198.51.100.{index}")
    assert len(mail.outbox) == 5


def test_a_client_asking_too_often_is_refused(client, booked):
    for _ in range(10):
        client.post("/my/", {"email": "nobody@example.com"})
    assert client.post("/my/", {"email": "nobody@example.com"}).status_code == 429


def test_a_signed_in_patient_sees_only_their_own_appointments(
    client, booked, django_capture_on_commit_callbacks
):
    pat, quinn = booked
    page = sign_in(client, django_capture_on_commit_callbacks)
    body = page.content.decode()
    assert pat.manage_token in body
    assert quinn.manage_token not in body
    assert "Quinn Private" not in body
    data = json.loads(client.get("/my/data.json").content)
    assert [row["name_given"] for row in data["appointments"]] == [pat.patient_name]
    assert data["patient"]["email"] == "pat@example.com"


def test_without_signing_in_the_pages_send_you_to_sign_in(client, booked):
    assert client.get("/my/").status_code == 200
    assert "Email me a sign-in link" in client.get("/my/").content.decode()
    for path in ["/my/details/", "/my/data.json", "/my/delete/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/my/"


def test_the_patient_updates_their_own_name_and_phone(
    client, booked, django_capture_on_commit_callbacks
):
    pat, _quinn = booked
    sign_in(client, django_capture_on_commit_callbacks)
    refused = client.post("/my/details/", {"name": "Pat New", "phone": "12"})
    assert refused.status_code == 200 and "phone number" in refused.content.decode()
    client.post("/my/details/", {"name": "Pat New", "phone": "06 12 34 56 78"})
    patient = Patient.objects.get(pk=pat.patient_id)
    assert (patient.name, patient.phone) == ("Pat New", "+33612345678")


def test_deleting_the_account_removes_personal_details(
    client, booked, django_capture_on_commit_callbacks
):
    pat, quinn = booked
    sign_in(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/my/delete/")
    patient = Patient.objects.get(pk=pat.patient_id)
    assert patient.email.endswith("@invalid") and patient.phone == ""
    appointment = Appointment.objects.get(pk=pat.pk)
    assert appointment.status == "cancelled" and appointment.patient_name == ""
    assert Appointment.objects.get(pk=quinn.pk).status == "booked"
    assert client.get("/my/data.json").status_code == 302  # signed out


def test_the_booking_form_is_filled_in_for_a_signed_in_patient(
    client, booked, alex, follow_up, django_capture_on_commit_callbacks
):
    sign_in(client, django_capture_on_commit_callbacks)
    pat, _quinn = booked
    start = pat.starts_at + timedelta(days=7)
    from bookings.forms import format_start

    page = client.get(
        f"/book/details/?service={follow_up.slug}&therapist={alex.pk}&start={format_start(start)}"
    ).content.decode()
    assert 'value="pat@example.com"' in page
    assert 'value="Pat Example"' in page
