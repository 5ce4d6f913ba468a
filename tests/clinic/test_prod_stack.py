"""The production stack `make prod` serves: Debian's nginx in front of gunicorn (deploy/).

Each test talks to real servers on loopback, started through deploy/serve.py against this run's
test database. Without nginx they are skipped, except in CI (CLINIC_REQUIRE_BROWSER), which
installs it (.ci/run) and fails instead.
"""

import http.client
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from deploy.serve import ROOT, Stack, find_nginx, loopback_environment, secret_key

CLIENT_TIMEOUT = 2  # seconds: nginx's header, body and send timeouts in these tests


def nginx_or_skip():
    try:
        return find_nginx()
    except RuntimeError as missing:
        if os.environ.get("CLINIC_REQUIRE_BROWSER"):
            pytest.fail(f"{missing} (CLINIC_REQUIRE_BROWSER is set: .ci/run installs it)")
        pytest.skip(str(missing))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port, method, path, *, headers=None, body=None):
    """(status, headers, body text) of one request to 127.0.0.1:`port`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


def wait_until_served(port, process, log_path, *, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            if request(port, "GET", "/livez")[0] == 200:
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the stack did not come up:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def stack_env(django_db_setup, tmp_path_factory):
    """Settings for a stack on this run's (migrated) test database, rate limits on."""
    nginx_or_skip()
    from django.db import connection

    database = connection.settings_dict
    auth = quote(database["USER"], safe="")
    if database.get("PASSWORD"):
        auth += ":" + quote(database["PASSWORD"], safe="")
    host = quote(str(database["HOST"] or "127.0.0.1"), safe="")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "SECRET_KEY", "PORT"}
    }
    env.update(
        DATABASE_URL=f"postgres://{auth}@{host}:{database['PORT'] or 5432}/{database['NAME']}",
        STATIC_ROOT=str(tmp_path_factory.mktemp("static")),
        RATELIMIT_DISABLED="false",
        WEB_CONCURRENCY="1",  # one process: its local-memory cache holds every count
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    return env


def start_launcher(env, state_dir, *extra):
    port = free_port()
    log_path = state_dir.parent / f"{state_dir.name}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "deploy/serve.py",
                "--port",
                str(port),
                "--state-dir",
                str(state_dir),
                "--client-timeout",
                str(CLIENT_TIMEOUT),
                "--keepalive-timeout",
                str(CLIENT_TIMEOUT),
                *extra,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    wait_until_served(port, process, log_path)
    return process, port


def stop_launcher(process):
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def served(stack_env, tmp_path_factory):
    """The port of a stack started as `make prod` starts it: migrate, collectstatic, servers."""
    process, port = start_launcher(stack_env, tmp_path_factory.mktemp("prod") / "state")
    yield port
    stop_launcher(process)


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_it_serves_pages_through_nginx_with_the_security_headers(served):
    status, headers, body = request(served, "GET", "/", headers={"Host": f"127.0.0.1:{served}"})

    assert status == 200
    assert headers["Server"] == "nginx"  # no version: server_tokens off
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Sports Medicine" in body


def test_nginx_serves_the_collected_static_files_cached_for_a_year(served):
    page = request(served, "GET", "/")[2]
    stylesheet = re.search(r'href="(/static/css/clinic\.[0-9a-f]{12}\.css)"', page).group(1)

    status, headers, body = request(served, "GET", stylesheet)

    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert ".site-header" in body


def test_a_body_over_the_limit_is_refused_before_gunicorn_sees_it(served):
    with socket.create_connection(("127.0.0.1", served), timeout=10) as sock:
        sock.sendall(
            b"POST /book/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 2000000\r\n\r\n"
        )
        status_line = sock.recv(200).split(b"\r\n")[0]

    assert status_line == b"HTTP/1.1 413 Request Entity Too Large"


def test_a_forged_x_forwarded_for_does_not_escape_the_rate_limit(served):
    # Search allows 60 requests a minute per client. A client that could pick its address by
    # sending X-Forwarded-For (or X_Forwarded_For, which WSGI would read as the same header)
    # would never be limited; behind nginx, Django takes the address nginx saw.
    statuses = []
    for attempt in range(125):  # two windows at most, should a minute turn meanwhile
        forged = {"X-Forwarded-For": f"203.0.113.{attempt}", "X_Forwarded_For": "198.51.100.7"}
        statuses.append(request(served, "GET", "/search/?q=knee", headers=forged)[0])
        if statuses[-1] != 200:
            break

    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {200}
    assert 1 < len(statuses) <= 121


def test_nginx_closes_an_idle_connection_after_its_timeout(served):
    with socket.create_connection(("127.0.0.1", served), timeout=CLIENT_TIMEOUT + 5) as sock:
        started = time.monotonic()
        closed = sock.recv(100)  # sends nothing; waits for nginx to hang up
        waited = time.monotonic() - started

    assert closed == b""
    assert CLIENT_TIMEOUT - 0.5 < waited < CLIENT_TIMEOUT + 3


def test_gunicorn_down_shows_the_clinics_own_502_page(stack_env, tmp_path, served):
    # `served` has collected the static files this stack's nginx serves.
    port = free_port()
    state_dir = tmp_path / "state"
    env = loopback_environment(port=port, state_dir=state_dir, base=stack_env)
    with (tmp_path / "servers.log").open("w") as log:
        stack = Stack(port=port, state_dir=state_dir, env=env, nginx_workers="1", log=log)
        with stack:
            stack.start()
            assert request(port, "GET", "/")[0] == 200

            stack.stop_gunicorn()
            status, headers, body = request(port, "GET", "/book/")
            stylesheet = request(port, "GET", "/static/css/clinic.css")[0]

    assert status == 502
    assert "Sports Medicine" in body
    assert 'href="tel:+16508156552"' in body
    assert "Bad Gateway" not in body  # nginx's own page
    assert headers["Cache-Control"] == "no-store"
    assert stylesheet == 200  # the page keeps its styles while gunicorn is away


def test_ctrl_c_stops_nginx_and_gunicorn(stack_env, tmp_path, served):
    state_dir = tmp_path / "state"
    process, port = start_launcher(stack_env, state_dir, "--no-prepare")
    gunicorn = int((state_dir / "gunicorn.pid").read_text())
    nginx = int((state_dir / "nginx.pid").read_text())

    process.send_signal(signal.SIGINT)
    status = process.wait(timeout=30)

    assert status == 0
    assert not is_running(gunicorn)
    assert not is_running(nginx)
    assert not (state_dir / "gunicorn.sock").exists()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


@pytest.mark.django_db(transaction=True)
def test_the_outbox_watcher_runs_beside_gunicorn_and_sends_what_commits(
    stack_env, tmp_path, served
):
    from django.utils import timezone

    from bookings.models import OutgoingEmail
    from bookings.notifications import outbox

    port = free_port()
    state_dir = tmp_path / "state"
    env = loopback_environment(
        port=port, state_dir=state_dir, base={**stack_env, "EMAIL_DELIVERY": ""}
    )
    assert env["EMAIL_DELIVERY"] == "process"  # make prod's way, unless told another
    with (tmp_path / "servers.log").open("w") as log:
        stack = Stack(port=port, state_dir=state_dir, env=env, nginx_workers="1", log=log)
        with stack:
            stack.start()
            watcher = stack.watcher
            assert watcher is not None and stack.exited() is None
            email = OutgoingEmail.objects.create(
                kind="sign_in",
                recipient="demo-patient@example.com",
                subject="Sign in",
                text="A link",
                html="<p>A link</p>",
                next_attempt_at=timezone.now(),
            )
            outbox.announce()  # as the web process does after the commit
            deadline = time.monotonic() + 20
            while email.status != "sent" and time.monotonic() < deadline:
                time.sleep(0.1)
                email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 1
    assert watcher.returncode == 0  # stopped by SIGTERM, gracefully
    assert "Stopped." in (tmp_path / "servers.log").read_text()


def test_it_keeps_one_secret_key_readable_by_its_owner_only(tmp_path):
    key = secret_key(tmp_path / "var" / "secret_key")

    assert len(key) >= 50
    assert secret_key(tmp_path / "var" / "secret_key") == key
    assert stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode) == 0o600


def test_the_loopback_stack_runs_production_settings_over_plain_http(tmp_path):
    env = loopback_environment(port=8123, state_dir=tmp_path, base={"DEBUG": "true"})

    assert env["DEBUG"] == "false"
    assert env["SITE_URL"] == "http://127.0.0.1:8123"
    assert env["ALLOWED_HOSTS"] == "127.0.0.1,localhost"
    assert env["CLIENT_IP_HEADER"] == "HTTP_X_FORWARDED_FOR"
    assert env["TRUSTED_PROXY_COUNT"] == "1"
    assert env["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()
    assert Path(env["STATIC_ROOT"]) == ROOT / "staticfiles"
    assert env["EMAIL_DELIVERY"] == "process"  # the outbox's watcher sends the emails
    kept = loopback_environment(port=8123, state_dir=tmp_path, base={"EMAIL_DELIVERY": "inline"})
    assert kept["EMAIL_DELIVERY"] == "inline"
