import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from clinic import shared_cache
from clinic.ratelimit import client_address

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


def address(settings, header="", count=1, **meta):
    settings.CLIENT_IP_HEADER = header
    settings.TRUSTED_PROXY_COUNT = count
    return client_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **meta))


def test_without_a_configured_header_the_connection_address_is_the_client(settings):
    assert address(settings, HTTP_X_FORWARDED_FOR="198.51.100.1") == "10.0.0.2"


def test_the_proxy_appended_address_is_the_client_not_the_forged_one(settings):
    # nginx's $proxy_add_x_forwarded_for: whatever the client sent, then the address nginx saw.
    forwarded = "198.51.100.1, 192.0.2.44, 203.0.113.7"
    assert address(settings, "HTTP_X_FORWARDED_FOR", HTTP_X_FORWARDED_FOR=forwarded) == (
        "203.0.113.7"
    )


def test_with_two_trusted_proxies_the_client_is_second_from_the_right(settings):
    forwarded = "198.51.100.1, 203.0.113.7, 10.0.0.9"
    assert address(settings, "HTTP_X_FORWARDED_FOR", 2, HTTP_X_FORWARDED_FOR=forwarded) == (
        "203.0.113.7"
    )


@pytest.mark.parametrize(
    "forwarded",
    [
        "",  # the request did not come through the proxy
        "203.0.113.7",  # fewer entries than trusted proxies
        "not-an-address, 10.0.0.9",
    ],
)
def test_an_unusable_forwarding_header_falls_back_to_the_connection(settings, forwarded):
    assert address(settings, "HTTP_X_FORWARDED_FOR", 2, HTTP_X_FORWARDED_FOR=forwarded) == (
        "10.0.0.2"
    )


def test_a_real_ip_header_set_by_the_proxy_is_the_client(settings):
    assert address(settings, "HTTP_X_REAL_IP", HTTP_X_REAL_IP="2001:db8::7") == "2001:db8::7"


def test_a_client_forging_the_left_most_forwarded_address_is_still_limited(client, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for index in range(4):
        response = client.get("/limited/", HTTP_X_FORWARDED_FOR=f"198.51.100.{index}, 203.0.113.7")
    assert response.status_code == 429
    other = client.get("/limited/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.8")
    assert other.content == b"ran"


def test_head_counts_like_get(client):
    # /limited/ is declared for GET and POST; a HEAD is a GET without the body.
    for _ in range(3):
        assert client.head("/limited/").status_code == 200
    assert client.get("/limited/").status_code == 429


def test_a_head_of_a_get_only_limit_is_refused_too(client):
    for _ in range(2):
        assert client.head("/limited-get/").status_code == 200
    assert client.head("/limited-get/").status_code == 429


def outage_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "clinic.shared_cache"]


def test_limits_count_in_redis_when_it_answers(client, shared_redis):
    for _ in range(3):
        assert client.get("/limited/").content == b"ran"
    assert client.get("/limited/").status_code == 429


def test_with_redis_down_limited_requests_go_through_and_it_is_logged_once(
    client, shared_redis, caplog
):
    shared_redis.stop()
    for _ in range(10):
        assert client.get("/limited/").content == b"ran"
        assert client.post("/limited/").content == b"ran"
    lines = outage_lines(caplog)
    assert len(lines) == 1
    assert "rate limits are not enforced" in lines[0]


def test_with_redis_down_search_still_answers(client, shared_redis, settings):
    settings.ROOT_URLCONF = "clinic.urls"
    shared_redis.stop()
    assert client.get("/search/", {"q": "cramp"}).status_code == 200
    assert client.post("/appointments/no-such-token/cancel/").status_code == 404


def test_a_hanging_redis_holds_a_request_well_under_a_second(client, shared_redis, caplog):
    shared_redis.pause()
    for _ in range(5):
        started = time.monotonic()
        assert client.get("/limited/").content == b"ran"
        assert time.monotonic() - started < 0.6
    assert len(outage_lines(caplog)) == 1


def test_while_redis_hangs_only_one_request_in_a_while_waits_for_it(client, shared_redis):
    shared_redis.pause()
    client.get("/limited/")  # waits for the timeout
    started = time.monotonic()
    for _ in range(20):
        assert client.get("/limited/").content == b"ran"
    assert time.monotonic() - started < 1


def test_once_redis_is_back_the_limits_apply_again(client, shared_redis, caplog, monkeypatch):
    # The limiter asks Redis again a few seconds after it failed; here at once.
    monkeypatch.setattr(shared_cache, "RETRY_SECONDS", 0)
    shared_redis.pause()
    for _ in range(5):
        assert client.get("/limited/").content == b"ran"
    shared_redis.resume()
    for _ in range(3):
        assert client.get("/limited/").content == b"ran"
    assert client.get("/limited/").status_code == 429
    assert len(outage_lines(caplog)) == 2
    assert "answers again" in outage_lines(caplog)[1]


def test_each_outage_is_logged_once(client, shared_redis, caplog, monkeypatch):
    monkeypatch.setattr(shared_cache, "RETRY_SECONDS", 0)
    for _ in range(2):
        shared_redis.pause()
        client.get("/limited/")
        client.get("/limited/")
        shared_redis.resume()
        client.get("/limited/")
    assert len(outage_lines(caplog)) == 4  # down, back, down, back
