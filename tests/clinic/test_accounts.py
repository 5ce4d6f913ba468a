"""Staff log in, log out and password reset, in the site's own style."""

import re

import pytest
from django.core import mail

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
