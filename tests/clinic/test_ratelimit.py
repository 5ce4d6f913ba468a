import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limited_urls(settings, monkeypatch):
    settings.ROOT_URLCONF = "tests.clinic.urls_ratelimited"
    settings.RATELIMIT_DISABLED = False
    # One fixed window for the whole test: a window boundary mid-test would reset the count.
    monkeypatch.setattr("clinic.ratelimit.current_window", lambda period: 1)
    cache.clear()


def test_a_client_over_the_limit_gets_the_friendly_429_page(client):
    for _ in range(3):
        assert client.get("/limited/").content == b"ran"
    response = client.get("/limited/")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Please wait a moment" in response.content.decode()
    assert "tel:+16508156552" in response.content.decode()


def test_the_limit_is_per_client(client):
    for _ in range(4):
        client.get("/limited/", REMOTE_ADDR="203.0.113.1")
    assert client.get("/limited/", REMOTE_ADDR="203.0.113.2").content == b"ran"


def test_a_forged_forwarding_header_is_ignored_unless_configured(client, settings):
    for index in range(4):
        response = client.get("/limited/", HTTP_X_REAL_IP=f"198.51.100.{index}")
    assert response.status_code == 429
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    cache.clear()
    for index in range(4):
        response = client.get("/limited/", HTTP_X_REAL_IP=f"198.51.100.{index}")
    assert response.content == b"ran"


def test_search_is_rate_limited_per_client(client, settings):
    settings.ROOT_URLCONF = "clinic.urls"
    for _ in range(60):
        assert client.get("/search/", {"q": "cramp"}).status_code == 200
    response = client.get("/search/", {"q": "cramp"})
    assert response.status_code == 429
    assert "Please wait a moment" in response.content.decode()
    assert client.get("/search/", {"q": "cramp"}, REMOTE_ADDR="203.0.113.50").status_code == 200
