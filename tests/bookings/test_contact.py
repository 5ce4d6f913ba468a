"""The contact form on /find-us/: stored, emailed once to the clinic through the outbox, never to
the sender; a bot's honeypot, the rate limit and a too-long message each stop it."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from bookings import permissions
from bookings.models import ContactMessage, OutgoingEmail
from bookings.notifications import outbox
from clinic import shared_cache
from clinic.models import ClinicProfile
from tests.clinic.conftest import redis_server, shared_redis  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

MESSAGE = {
    "name": "Pat Example",
    "email": "pat@example.com",
    "message": "Do you have parking for a van?\r\nThanks.",
}


@pytest.fixture
def clinic_email():
    ClinicProfile.objects.update(email="frontdesk@clinic.example")
    return "frontdesk@clinic.example"


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """post(data, path="/find-us/") with after-commit callbacks run, as in a real request."""

    def send(data, path="/find-us/", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data, **kwargs)

    return send


@pytest.fixture
def limits_on(settings, monkeypatch):
    settings.RATELIMIT_DISABLED = False
    monkeypatch.setattr("clinic.ratelimit.current_window", lambda period: 1)  # one window
    cache.clear()
    yield
    cache.clear()


def test_it_stores_the_message_and_emails_the_clinic_once(post, clinic_email, mailoutbox):
    response = post(MESSAGE)
    assert response.status_code == 302 and response["Location"] == "/find-us/sent/"
    (message,) = ContactMessage.objects.all()
    assert (message.name, message.email, message.language) == (
        "Pat Example",
        MESSAGE["email"],
        "en",
    )
    assert message.message == "Do you have parking for a van?\nThanks."
    assert message.answered_at is None
    (email,) = OutgoingEmail.objects.all()
    assert (email.kind, email.contact_message, email.appointment) == ("contact", message, None)
    assert (email.recipient, email.status) == (clinic_email, "sent")
    (sent,) = mailoutbox  # to the clinic only: nothing goes to the address someone typed
    assert sent.to == [clinic_email]
    assert sent.reply_to == ["pat@example.com"]
    assert sent.subject == "Message from the contact page: Pat Example"
    assert "Pat Example <pat@example.com> wrote on the contact page" in sent.body
    assert "Do you have parking for a van?\nThanks." in sent.body
    assert f"/admin/bookings/contactmessage/{message.pk}/change/" in sent.body
    html = sent.alternatives[0][0]
    assert "Do you have parking for a van?<br>Thanks." in html


def test_the_thank_you_page_says_when_we_reply(client, post, clinic_email):
    response = client.get(post(MESSAGE)["Location"])
    assert response.status_code == 200
    body = response.content.decode()
    assert "Thank you, your message is on its way" in body
    assert "We’ll reply by email within one working day." in body
    assert 'href="tel:+16508156552"' in body


def test_without_a_clinic_address_it_goes_to_the_sites_sender(post, settings, mailoutbox):
    ClinicProfile.objects.update(email="")
    post(MESSAGE)
    (sent,) = mailoutbox
    assert sent.to == [settings.DEFAULT_FROM_EMAIL]


def test_a_french_message_is_marked_french_and_thanked_in_french(client, post, clinic_email):
    response = post(MESSAGE, path="/fr/find-us/")
    assert response["Location"] == "/fr/find-us/sent/"
    assert ContactMessage.objects.get().language == "fr"
    email = OutgoingEmail.objects.get()
    assert "(Français)" in email.text and email.subject.startswith("Message from the contact page")
    body = client.get("/fr/find-us/sent/").content.decode()
    assert "Merci, votre message est bien parti" in body
    assert "Nous vous répondrons par e-mail sous un jour ouvré." in body


def test_the_french_form_is_in_french(client):
    body = client.get("/fr/find-us/").content.decode()
    assert "Nous trouver et nous contacter" in body
    assert "Merci de ne pas indiquer de détails médicaux dans votre message." in body
    assert "Envoyer le message" in body and 'action="/fr/find-us/#contact-form"' in body


def test_a_filled_honeypot_gets_the_same_thank_you_and_nothing_is_kept(
    post, clinic_email, mailoutbox
):
    response = post({**MESSAGE, "website": "http://spam.example"})
    assert response.status_code == 302 and response["Location"] == "/find-us/sent/"
    assert not ContactMessage.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert mailoutbox == []


def test_the_honeypot_is_hidden_from_people(client):
    body = client.get("/find-us/").content.decode()
    assert '<div class="contact-extra" aria-hidden="true">' in body
    assert 'name="website" value="" tabindex="-1" autocomplete="off"' in body


def test_a_message_over_5000_characters_is_refused_with_what_was_typed_kept(post, mailoutbox):
    response = post({**MESSAGE, "message": "a" * 5001})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Your message was not sent." in body
    assert "Please shorten your message to 5000 characters or fewer (it has 5001)." in body
    assert 'value="Pat Example"' in body and 'value="pat@example.com"' in body
    assert "a" * 5001 in body
    assert not ContactMessage.objects.exists() and mailoutbox == []


def test_line_breaks_count_as_one_character_as_in_the_browser(post):
    text = "a" * 2500 + "\r\n" + "a" * 2499  # 5000 characters as the browser counts them
    assert post({**MESSAGE, "message": text}).status_code == 302
    assert len(ContactMessage.objects.get().message) == 5000


def test_missing_fields_are_named_and_nothing_is_stored(post):
    response = post({"name": "  ", "email": "not-an-address", "message": " "})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid email address." in body
    assert 'href="#id_name"' in body and 'href="#id_message"' in body
    assert not ContactMessage.objects.exists()


def test_over_the_limit_a_client_gets_the_429_page_and_nothing_is_stored(
    post, limits_on, clinic_email
):
    for _ in range(5):
        assert post(MESSAGE).status_code == 302
    response = post(MESSAGE)
    assert response.status_code == 429
    assert "Please wait a moment" in response.content.decode()
    assert ContactMessage.objects.count() == 5
    assert OutgoingEmail.objects.count() == 5


def test_reading_the_page_is_not_limited(client, limits_on):
    assert all(client.get("/find-us/").status_code == 200 for _ in range(20))


def test_with_redis_down_the_form_still_works(post, settings, shared_redis):  # noqa: F811
    settings.RATELIMIT_DISABLED = False
    shared_redis.stop()
    for _ in range(7):
        assert post(MESSAGE).status_code == 302
    assert ContactMessage.objects.count() == 7
    shared_cache.outage.reset()


def test_a_mail_server_that_is_down_keeps_the_message_and_retries(
    post, clinic_email, settings, caplog, monkeypatch, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.bookings.failing_backend.FailingBackend"
    caplog.set_level(logging.ERROR, logger="bookings.outbox")
    assert post(MESSAGE).status_code == 302
    message = ContactMessage.objects.get()
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == ("pending", 1)
    assert f"email for contact message {message.pk} (ConnectionRefusedError)" in caplog.text
    assert "pat@example.com" not in caplog.text
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=2))
    run = outbox.send_due_emails()
    assert run.sent == [email.pk]
    (sent,) = mailoutbox
    assert sent.reply_to == ["pat@example.com"]


# --- the front desk answers them in the admin -------------------------------------------------


@pytest.fixture
def front_desk(django_user_model):
    permissions.ensure_staff_groups()
    user = django_user_model.objects.create_user("desk", "desk@example.com", "pass-12345")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=permissions.FRONT_DESK))
    return user


def test_the_front_desk_lists_searches_and_marks_messages_answered(
    client, post, front_desk, clinic_email
):
    post(MESSAGE)
    post({**MESSAGE, "name": "Sam Other", "email": "sam@example.com", "message": "Hours?"})
    pat = ContactMessage.objects.get(name="Pat Example")
    client.force_login(front_desk)
    listing = client.get("/admin/bookings/contactmessage/").content.decode()
    assert "Pat Example" in listing and 'href="mailto:sam@example.com"' in listing
    found = client.get("/admin/bookings/contactmessage/?q=parking").context["cl"].result_list
    assert list(found) == [pat]
    response = client.post(
        "/admin/bookings/contactmessage/",
        {"action": "mark_answered", "_selected_action": [pat.pk]},
    )
    assert response.status_code == 302
    pat.refresh_from_db()
    assert pat.answered_by == front_desk and pat.answered_at is not None
    assert ContactMessage.objects.get(name="Sam Other").answered_at is None
    unanswered = client.get("/admin/bookings/contactmessage/?answered_at__isempty=1")
    assert [m.name for m in unanswered.context["cl"].result_list] == ["Sam Other"]


def test_the_outbox_lists_the_clinics_email_with_a_link_to_its_message(
    client, post, admin_user, clinic_email
):
    post(MESSAGE)
    message = ContactMessage.objects.get()
    client.force_login(admin_user)
    body = client.get("/admin/bookings/outgoingemail/").content.decode()
    assert f'href="/admin/bookings/contactmessage/{message.pk}/change/"' in body


def test_a_therapist_cannot_read_the_messages(client, post, django_user_model):
    post(MESSAGE)
    permissions.ensure_staff_groups()
    user = django_user_model.objects.create_user("therapist", "t@example.com", "pass-12345")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=permissions.THERAPISTS))
    client.force_login(user)
    assert client.get("/admin/bookings/contactmessage/").status_code == 403
