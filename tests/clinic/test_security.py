"""Security behaviour: production headers, password hashing, login lockout."""

import json
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

from clinic import settings as production_settings
from tests.clinic.test_settings import PRODUCTION, ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _static_root(production_static, monkeypatch):
    monkeypatch.setenv("STATIC_ROOT", str(production_static))


def production_response(path, **request):
    """The response headers of one request, served by the production settings in a fresh process."""
    script = (
        "import django, json, sys; django.setup();"
        "from django.test import Client;"
        "kwargs = json.loads(sys.argv[2]);"
        "response = Client().get(sys.argv[1], **kwargs);"
        "print(json.dumps({'status': response.status_code, 'headers': dict(response.headers),"
        " 'cookies': {k: dict(v) for k, v in response.cookies.items()}}))"
    )
    environment = {**os.environ, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "clinic.settings"}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-c", script, path, json.dumps(request)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_plain_http_to_https():
    response = production_response("/healthz", HTTP_HOST="clinic.example.com")
    assert response["status"] == 301
    assert response["headers"]["Location"] == "https://clinic.example.com/healthz"


def test_production_sends_the_security_headers_over_https():
    response = production_response("/healthz", HTTP_HOST="clinic.example.com", secure=True)
    headers = response["headers"]
    assert response["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy


def test_production_session_and_csrf_cookies_are_secure_and_http_only():
    response = production_response("/admin/login/", HTTP_HOST="clinic.example.com", secure=True)
    csrf = response["cookies"]["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True


def test_passwords_are_hashed_with_argon2(django_user_model, settings):
    # The suite hashes with MD5 for speed (tests/conftest.py); this is what production runs.
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = django_user_model.objects.create_user("therapist", password="a-long-password-42")
    assert user.password.startswith("argon2$")
    assert user.check_password("a-long-password-42")


def test_repeated_wrong_passwords_lock_the_account_out_with_a_clear_page(client, settings):
    get_user_model().objects.create_superuser("frontdesk", "fd@example.com", "right-password-42")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/admin/login/", {"username": "frontdesk", "password": "wrong"})
        assert response.status_code == 200  # the ordinary "please enter the correct" form
    response = client.post("/admin/login/", {"username": "frontdesk", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    # Even the right password is refused while locked out.
    response = client.post(
        "/admin/login/", {"username": "frontdesk", "password": "right-password-42"}
    )
    assert response.status_code == 429


def test_a_lockout_for_one_address_does_not_lock_the_owner_out_elsewhere(client, settings):
    get_user_model().objects.create_superuser("frontdesk", "fd@example.com", "right-password-42")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/",
            {"username": "frontdesk", "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
        )
    response = client.post(
        "/admin/login/",
        {"username": "frontdesk", "password": "right-password-42"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302


@pytest.fixture
def behind_the_proxy(settings):
    """Every request comes from the proxy's address; nginx appends the client's own."""
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    get_user_model().objects.create_superuser("frontdesk", "fd@example.com", "right-password-42")


def log_in(client, password, forwarded):
    return client.post(
        "/admin/login/",
        {"username": "frontdesk", "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_the_proxy_a_lockout_is_for_the_client_not_everyone(
    client, settings, behind_the_proxy
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", "203.0.113.9")
    assert log_in(client, "right-password-42", "203.0.113.9").status_code == 429
    assert log_in(client, "right-password-42", "198.51.100.7").status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_behind_the_proxy_forging_the_left_most_address_does_not_escape_the_lockout(
    client, settings, behind_the_proxy
):
    for index in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "wrong", f"10.1.1.{index}, 203.0.113.9")
    assert response.status_code == 429
