import os
import subprocess
import sys
import time

import pytest

from clinic.models import ClinicProfile
from tests.clinic.conftest import free_port
from tests.clinic.test_settings import PRODUCTION, ROOT

pytestmark = pytest.mark.django_db


def test_home_shows_the_clinic_header_and_footer_from_the_profile(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sports Medicine" in page
    assert "Sports Injury Prevention &amp; Rehabilitation" in page
    assert 'href="tel:+16508156552"' in page
    assert 'href="tel:+33784264352"' in page
    assert "Voted Best Sports Therapy Clinic in the San Francisco Bay Area 2010-2018!" in page
    assert 'href="#main"' in page  # skip link
    assert 'href="/book/"' in page and 'href="/conditions/"' in page
    assert 'action="/search/"' in page


def test_staff_edits_to_the_profile_show_on_every_page(client):
    profile = ClinicProfile.objects.get()
    profile.name = "Bayside Sports Clinic"
    profile.second_phone = ""
    profile.save()
    page = client.get("/").content.decode()
    assert "Bayside Sports Clinic" in page
    assert "tel:+33784264352" not in page


def test_the_frame_still_renders_when_the_profile_row_is_missing(client):
    ClinicProfile.objects.all().delete()
    response = client.get("/")
    assert response.status_code == 200
    assert "Sports Medicine" in response.content.decode()


def test_health_check_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"database: ok\ncache: ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_health_check_asks_redis_when_it_is_the_cache(client, shared_redis):
    assert client.get("/healthz").content == b"database: ok\ncache: ok\n"


@pytest.mark.parametrize("fault", ["stop", "pause"])
def test_health_check_names_the_cache_as_degraded_and_stays_up(client, shared_redis, fault):
    getattr(shared_redis, fault)()
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 1
    # The site still serves every page without the cache: not a reason to take it out of a pool.
    assert response.status_code == 200
    assert response.content == b"database: ok\ncache: unavailable\n"


def test_liveness_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_unknown_page_is_a_404_in_the_site_style(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find that page" in page
    assert "Sports Medicine" in page


def test_a_failure_is_a_500_in_the_site_style(client, settings):
    settings.ROOT_URLCONF = "tests.clinic.urls_raising"
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "something went wrong on our side" in page
    assert 'href="tel:+16508156552"' in page


def test_pages_send_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy


def test_staff_can_edit_the_clinic_profile_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    profile = ClinicProfile.objects.get()
    response = client.get(f"/admin/clinic/clinicprofile/{profile.pk}/change/")
    assert response.status_code == 200
    assert "Voted Best Sports Therapy Clinic" in response.content.decode()


def test_anonymous_visitors_cannot_reach_the_admin(client):
    response = client.get("/admin/clinic/clinicprofile/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_nul_byte_in_a_query_is_a_clear_400_not_a_crash(client):
    response = client.get("/search/", {"q": "calf\x00cramp"})
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()


def test_a_nul_byte_in_a_form_field_is_a_clear_400(client):
    response = client.post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400


def test_a_nul_byte_in_the_path_is_a_clear_400(client):
    assert client.get("/appointments/abc%00def/").status_code == 400


@pytest.mark.parametrize(
    "cookie",
    [
        'sessionid="\\000abcdefghij"',  # an escape the cookie parser turns into a NUL
        "sessionid=abc\x00defghij",
        "csrftoken=abc\x00def",
        "other=\x00",
    ],
)
def test_a_nul_byte_in_a_cookie_is_a_clear_400(client, cookie):
    client.raise_request_exception = False
    for path in ["/", "/book/", "/accounts/login/"]:
        response = client.get(path, HTTP_COOKIE=cookie)
        assert response.status_code == 400, path
        assert "We could not read that request" in response.content.decode()


def test_a_nul_byte_in_a_header_is_a_clear_400(client):
    # django-axes stores a failed login's User-Agent and Accept headers.
    client.raise_request_exception = False
    response = client.post(
        "/accounts/login/", {"username": "a", "password": "x"}, HTTP_USER_AGENT="bot\x00"
    )
    assert response.status_code == 400
    assert client.get("/", HTTP_ACCEPT="text/html\x00").status_code == 400


@pytest.fixture
def patient_browser(client):
    client.raise_request_exception = False
    return client


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    page = response.content.decode()
    assert "unavailable for a moment" in page
    assert 'href="tel:+16508156552"' in page
    assert 'href="tel:+33784264352"' in page
    assert "Sports Medicine" in page


def test_with_the_database_down_pages_are_the_503_page_with_the_phone_numbers(
    patient_browser, database
):
    database.stop()
    for path in ["/book/", "/search/?q=cramp", "/conditions/", "/accounts/login/"]:
        assert_unavailable_page(patient_browser.get(path))
    assert_unavailable_page(patient_browser.post("/book/details/", {"name": "A"}, follow=True))


def test_when_the_database_is_back_pages_are_normal_again(patient_browser, database):
    database.stop()
    assert patient_browser.get("/book/").status_code == 503
    database.start()
    assert patient_browser.get("/book/").status_code == 200
    assert patient_browser.get("/healthz").status_code == 200


def test_the_health_check_names_the_database_when_it_is_down(patient_browser, database):
    database.stop()
    response = patient_browser.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database: unavailable\ncache: ok\n"


def test_a_failure_that_is_not_the_database_is_still_the_500_page(patient_browser, settings):
    settings.ROOT_URLCONF = "tests.clinic.urls_raising"
    response = patient_browser.get("/broken/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_in_production_a_database_outage_is_the_designed_503_page(production_static):
    # DEBUG off in a fresh process, the hashed static files and the real settings: what
    # gunicorn serves when PostgreSQL does not answer.
    script = (
        "import django, sys; django.setup();"
        "from django.test import Client;"
        "client = Client(raise_request_exception=False);"
        "response = client.get(sys.argv[1], HTTP_HOST='clinic.example.com', secure=True);"
        "print(response.status_code, response.get('Retry-After'));"
        "print(response.content.decode())"
    )
    environment = {
        **os.environ,
        **PRODUCTION,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/none",
        "STATIC_ROOT": str(production_static),
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "LOG_LEVEL": "CRITICAL",
    }
    for path in ["/book/", "/", "/conditions/calf-cramps/"]:
        result = subprocess.run(
            [sys.executable, "-c", script, path],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        status, page = result.stdout.split("\n", 1)
        assert status == "503 30", path
        assert "unavailable for a moment" in page
        assert 'href="tel:+16508156552"' in page
