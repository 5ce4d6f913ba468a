"""Staff log in, log out and password reset, in the site's own style."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from clinic.accounts import PASSWORD_RESET_ACCOUNT_LIMIT, PASSWORD_RESET_CLIENT_LIMIT

pytestmark = pytest.mark.django_db


@pytest.fixture
def therapist(django_user_model):
    return django_user_model.objects.create_user(
        "therapist", "therapist@example.com", "old-password-42"
    )


def test_login_page_is_in_the_site_style(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Staff log in" in page
    assert "Sports Medicine" in page
    assert 'for="id_username"' in page  # a labelled field


def test_right_password_logs_in_and_goes_where_asked(client, therapist):
    response = client.post(
        "/accounts/login/",
        {"username": "therapist", "password": "old-password-42", "next": "/conditions/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/conditions/"


def test_wrong_password_is_a_message_not_a_login(client, therapist):
    response = client.post("/accounts/login/", {"username": "therapist", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_login_redirect_never_leaves_the_site(client, therapist):
    response = client.post(
        "/accounts/login/",
        {"username": "therapist", "password": "old-password-42", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/schedule/start/"


def test_repeated_failures_on_the_site_login_show_the_lockout_page(client, therapist, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": "therapist", "password": "x"})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()


def test_logout_is_a_post_and_shows_the_logged_out_page(client, therapist):
    client.force_login(therapist)
    response = client.post("/accounts/logout/")
    assert response.status_code == 200
    assert "You are logged out" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_emails_a_link_that_sets_a_new_password(client, therapist):
    response = client.post("/accounts/password_reset/", {"email": "therapist@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "brand-new-password-77", "new_password2": "brand-new-password-77"},
    )
    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.check_password("brand-new-password-77")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(
        "/accounts/password_reset/", {"email": "nobody@example.com"}, follow=True
    )
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_a_logged_in_user_sees_schedule_and_log_out_in_the_header(client, therapist):
    client.force_login(therapist)
    page = client.get("/").content.decode()
    assert 'href="/schedule/start/"' in page
    assert 'action="/accounts/logout/"' in page


def test_anonymous_visitors_see_no_staff_links(client):
    page = client.get("/").content.decode()
    assert "/schedule/start/" not in page
    assert "/accounts/logout/" not in page


@pytest.fixture
def limits_on(settings, monkeypatch):
    settings.RATELIMIT_DISABLED = False
    monkeypatch.setattr("clinic.ratelimit.current_window", lambda period: 1)
    cache.clear()
    yield
    cache.clear()


def ask_for_reset(client, email, address="198.51.100.20"):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_password_resets_for_one_account_send_at_most_the_limit_of_emails(
    client, therapist, limits_on
):
    # From a different address each time: the per-client limit never applies.
    responses = [
        ask_for_reset(client, "Therapist@Example.com", f"198.51.100.{index}") for index in range(40)
    ]
    assert len(mail.outbox) == PASSWORD_RESET_ACCOUNT_LIMIT
    # Over the account's limit the page is the usual one: it says nothing about the account.
    assert {response.status_code for response in responses} == {302}
    assert {response["Location"] for response in responses} == {"/accounts/password_reset/done/"}


def test_password_resets_from_one_client_are_limited_with_the_friendly_page(client, limits_on):
    statuses = [
        ask_for_reset(client, f"nobody{index}@example.com").status_code for index in range(40)
    ]
    assert statuses.count(302) == PASSWORD_RESET_CLIENT_LIMIT
    response = ask_for_reset(client, "nobody@example.com")
    assert response.status_code == 429
    assert "Please wait a moment" in response.content.decode()
    # Another client is not held up by this one.
    assert ask_for_reset(client, "nobody@example.com", "203.0.113.99").status_code == 302


def test_password_resets_from_one_client_send_at_most_its_limit_of_emails(
    client, django_user_model, limits_on
):
    for index in range(40):
        django_user_model.objects.create_user(f"staff{index}", f"staff{index}@example.com", "x")
        ask_for_reset(client, f"staff{index}@example.com")
    assert len(mail.outbox) == PASSWORD_RESET_CLIENT_LIMIT
