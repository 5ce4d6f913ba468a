"""HTTP throughput and latency of the site's pages: the `make prod` stack on loopback.

Run with `make bench`, or `DEBUG=true .venv/bin/python bench/http_load.py [--duration 10]`.

It creates a throwaway database on the project's PostgreSQL (embedded or DATABASE_URL), migrates
it and loads the demo content, serves it as `make prod` does (nginx in front of gunicorn, DEBUG
off, deploy/), and measures:
- with wrk, each page's requests per second, p50 and p99 latency, and its ratio to the minimal
  view (`/livez`: no database, no template; the framework's ceiling on this machine);
- with locust, patients completing the booking flow, 50 at once: the confirming POST's rate and
  latency ("time just taken" answers count as correct outcomes);
- the submissions alone: 300 patients walked to the review page beforehand, then 50 at a time
  pressing "Confirm booking" (50 threads of requests).
Traffic goes only to 127.0.0.1, every run stops by itself, and the database is dropped at the end.

Targets (issue 18); a miss exits non-zero, so `make bench` names this script: the slot page and a
repeated search at half `/livez`'s rate or more; 60 confirmations a second with 50 patients,
p99 under 500 ms, no failed request and no double booking.
"""

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import date, timedelta
from functools import partial
from html import unescape
from pathlib import Path
from urllib.parse import quote

from loopback import (
    BIN,
    DAY_LINKS,
    FIRST_BOOKING_STEP,
    ROOT,
    TIME_LINKS,
    prepare_database,
    production_environment,
    start_prod_stack,
)

sys.path.insert(0, str(ROOT))


def next_weekday(after_days: int = 2) -> date:
    day = date.today() + timedelta(days=after_days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


SLOT_PAGE = "booking: slot page"
SEARCH = "search"
PAGES = [
    ("minimal view (/livez)", "/livez"),
    ("home page", "/"),
    ("condition page", "/conditions/calf-cramps/"),
    ("A-Z index", "/conditions/"),
    (SEARCH, "/search/?q=cramp"),
    (SLOT_PAGE, f"/book/?service=follow-up&therapist=any&day={next_weekday()}"),
]
CACHED_SHARE = 0.5  # the slot page and search, of /livez's rate
CONFIRMATIONS = 60  # a second, with USERS patients
CONFIRM_P99_MS = 500
USERS = 50
BURST_EACH = 6  # reviewed bookings each patient confirms in the submissions-alone run
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def throwaway_database() -> tuple[str, callable]:
    """A new database on the project's server; returns its URL and a function that drops it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    import django

    django.setup()
    import psycopg2
    from django.conf import settings

    server = settings.DATABASES["default"]
    name = f"bench_http_{os.getpid()}"
    connect = {
        "host": server["HOST"],
        "port": server["PORT"] or 5432,
        "user": server["USER"],
        "password": server.get("PASSWORD") or None,
    }
    admin = psycopg2.connect(dbname="postgres", **connect)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = quote(connect["user"], safe="")
    if connect["password"]:
        auth += ":" + quote(connect["password"], safe="")
    url = f"postgres://{auth}@{quote(str(connect['host']), safe='')}:{connect['port']}/{name}"

    def drop():
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return url, drop


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, *, duration: int, connections: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def run_locust(base: str, *, users: int, duration: int, folder: Path) -> dict:
    prefix = folder / "locust"
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locust_booking.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{duration}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        check=False,  # locust exits 1 when any request failed; the figures say so
        capture_output=True,
        timeout=duration + 60,
    )
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    row = rows.get("booking submission")
    if row is None:
        raise SystemExit("locust made no booking submission; see bench/locust_booking.py")
    print("  each step of the flow under that load (locust):")
    for name, step in rows.items():
        if name != "Aggregated":
            print(
                f"    {name:<22} {float(step['Requests/s']):6.1f}/s  p50 {step['50%']:>5} ms  "
                f"p99 {step['99%']:>5} ms  failures {step['Failure Count']}"
            )
    return {
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p99": float(row["99%"]),
        "errors": int(row["Failure Count"]),
        "count": int(row["Request Count"]),
    }


def reviewed_booking(base: str, index: int):
    """A new patient's session walked to the review page of a random free time; returns the
    session, the confirm POST's URL and its form (the privacy box ticked), or None."""
    import random

    import requests

    rng = random.Random(index)
    session = requests.Session()
    # A week of the coming twelve: the locust run has just booked up the first ones.
    monday = date.today() - timedelta(days=date.today().weekday())
    week = monday + timedelta(weeks=rng.randrange(1, 13))
    days = DAY_LINKS.findall(
        session.get(f"{base}{FIRST_BOOKING_STEP}&week={week}", timeout=30).text
    )
    if not days:
        return None
    times = TIME_LINKS.findall(session.get(base + unescape(rng.choice(days)), timeout=30).text)
    if not times:
        return None
    details = base + unescape(rng.choice(times))
    token = CSRF.search(session.get(details, timeout=30).text)
    if token is None:
        return None
    review = session.post(
        details,
        {
            "csrfmiddlewaretoken": token.group(1),
            "name": "Bench Patient",
            "email": f"bench+burst{index}@example.com",
            "phone": "+1 650 555 0100",
            "reason": "Benchmark booking",
        },
        timeout=30,
    )
    token = CSRF.search(review.text)
    if token is None:
        return None
    form = {name: unescape(value) for name, value in HIDDEN.findall(review.text)}
    form.update(csrfmiddlewaretoken=token.group(1), consent="on")
    return session, review.url, form


def confirm_burst(base: str, *, users: int, each: int, database_url: str | None = None) -> dict:
    """`users` patients at once, each already on the review page of `each` times in turn, press
    "Confirm booking": the submissions alone, their rate and latency (302 booked and 409 just
    taken are both correct answers).

    With `database_url`, it starts once the outbox is empty and, after the burst, waits for the
    outbox's watcher to send the burst's emails: "emails_after" is how long after the burst's end
    the last one went, "cpu_with_emails" the CPU by program until then."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        reviewed = [
            found
            for found in pool.map(partial(reviewed_booking, base), range(users * each))
            if found
        ]

    # Each press as the bytes a browser sends, on a connection of its own: writing them with
    # `requests` took 2.5 ms of CPU a submission on the cores the server needs (a browser's
    # costs the server nothing), these raw sockets a fraction of that.
    presses = [raw_form_post(*found) for found in reviewed]

    def submit(press):
        address, request = press
        started = time.perf_counter()
        status = send_raw(address, request)
        return time.perf_counter() - started, status

    def cpu_since(before):
        return {
            program: seconds - before.get(program, 0.0)
            for program, seconds in cpu_seconds_by_program().items()
        }

    if database_url:
        outbox_emptied(database_url)
    cpu_before = cpu_seconds_by_program()
    started = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        answers = list(pool.map(submit, presses))
    elapsed = time.perf_counter() - started
    cpu = cpu_since(cpu_before)
    emails_after = outbox_emptied(database_url) if database_url else None
    cpu_with_emails = cpu_since(cpu_before)
    latencies = sorted(seconds * 1000 for seconds, _ in answers)
    statuses = Counter(status for _, status in answers)
    return {
        "rps": len(answers) / elapsed,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "errors": sum(count for status, count in statuses.items() if status not in (302, 409)),
        "count": len(answers),
        "booked": statuses[302],
        "taken": statuses[409],
        "cpu": cpu,
        "elapsed": elapsed,
        "emails_after": emails_after,
        "cpu_with_emails": cpu_with_emails,
    }


def raw_form_post(session, url: str, form: dict) -> tuple[tuple[str, int], bytes]:
    """Where to, and the bytes of, a browser's POST of `form` to `url` with `session`'s cookies."""
    from urllib.parse import urlencode, urlsplit

    parts = urlsplit(url)
    body = urlencode(form).encode()
    cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)
    head = (
        f"POST {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Cookie: {cookies}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Accept-Encoding: gzip\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return (parts.hostname, parts.port), head.encode() + body


def send_raw(address: tuple[str, int], request: bytes) -> int:
    """Send `request` on a new connection, read the whole answer; its status code."""
    import socket

    answer = bytearray()
    with socket.create_connection(address, timeout=60) as sock:
        sock.sendall(request)
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def outbox_emptied(database_url: str, *, timeout: float = 300) -> float | None:
    """Waits until no email is pending; returns the seconds from the call to the last send."""
    import time

    import psycopg2

    called = time.time()
    deadline = time.monotonic() + timeout
    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT count(*) FILTER (WHERE status = 'pending'), "
                    "extract(epoch FROM max(sent_at)) FROM bookings_outgoingemail"
                )
                pending, last_sent = cursor.fetchone()
                if not pending or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
    finally:
        connection.close()
    if pending:
        return None
    return max(0.0, float(last_sent or called) - called)


def cpu_seconds_by_program() -> dict[str, float]:
    """CPU seconds used so far by the stack's programs on this machine (Linux's /proc): the
    gunicorn workers, PostgreSQL's processes, nginx, the outbox's watcher (which sends the
    emails), and this script (the patients' threads).
    Empty where there is no /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: dict[str, float] = Counter()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(entry.name) == os.getpid():
            program = "the patients (this script)"
        elif "gunicorn" in command:
            program = "gunicorn"
        elif command.startswith("postgres") or "/postgres " in command:
            program = "PostgreSQL"
        elif command.startswith("nginx"):
            program = "nginx"
        elif "send_queued_email" in command:
            program = "the outbox's watcher"
        else:
            continue
        # utime and stime, the 14th and 15th fields of stat (after the command's parentheses).
        found[program] += (int(fields[11]) + int(fields[12])) / ticks
    return dict(found)


def double_bookings(database_url: str) -> tuple[int, int]:
    """Active appointments, and pairs of them that overlap for one therapist (must be 0)."""
    import psycopg2

    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bookings_appointment WHERE status <> 'cancelled'")
        (active,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM bookings_appointment a JOIN bookings_appointment b "
            "ON a.therapist_id = b.therapist_id AND a.id < b.id "
            "AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until "
            "WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'"
        )
        (overlapping,) = cursor.fetchone()
    connection.close()
    return active, overlapping


def print_row(label, result, ceiling):
    ratio = f"{result['rps'] / ceiling:>7.0%}" if ceiling else f"{'':>7}"
    print(
        f"{label:<30} {result['rps']:>9.0f} {result['p50']:>8.1f} {result['p99']:>8.1f} "
        f"{ratio} {result['errors']:>7}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections per page")
    parser.add_argument("--users", type=int, default=USERS, help="concurrent patients booking")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    for tool in ("wrk", "locust"):
        if shutil.which(tool) is None and not (BIN / tool).exists():
            hint = (
                "apt-get install wrk" if tool == "wrk" else "pip install -r requirements-bench.txt"
            )
            raise SystemExit(f"{tool} is not installed: {hint}")

    database_url, drop_database = throwaway_database()
    folder = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    # ERROR: each 409 ("that time has just been booked") is a correct answer under load, and
    # Django would log every one as a warning between the figures.
    env = production_environment(
        database_url=database_url, static_root=str(folder / "static"), LOG_LEVEL="ERROR"
    )
    stack = None
    misses = []
    log = (folder / "servers.log").open("w")
    try:
        prepare_database(env, demo=True)
        stack, base = start_prod_stack(
            env, state_dir=folder / "prod", workers=args.workers, log=log
        )
        print(
            f"\nnginx -> gunicorn {args.workers} sync workers (make prod), DEBUG off, "
            f"{os.cpu_count()} cores; wrk 2 threads x {args.connections} connections, "
            f"{args.duration} s a page"
        )
        print(f"{'page':<30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs min':>7} {'errors':>7}")
        ceiling = None
        for label, path in PAGES:
            run_wrk(base + path, duration=1, connections=args.connections)  # warm-up
            result = run_wrk(base + path, duration=args.duration, connections=args.connections)
            ceiling = ceiling or result["rps"]
            print_row(label, result, ceiling)
            if label in (SLOT_PAGE, SEARCH) and result["rps"] < CACHED_SHARE * ceiling:
                misses.append(f"{label} under {CACHED_SHARE:.0%} of /livez")
            if result["errors"]:
                misses.append(f"{label}: {result['errors']} errors")
        booking = run_locust(base, users=args.users, duration=args.duration * 2, folder=folder)
        print_row(f"whole booking flow ({args.users} users)", booking, ceiling)
        print(f"  ({booking['count']} confirmations sent, each a 302 booked or a 409 just taken)")
        burst = confirm_burst(base, users=args.users, each=BURST_EACH, database_url=database_url)
        print_row(f"booking submission ({args.users} at once)", burst, ceiling)
        print(
            f"  ({burst['count']} patients on the review page pressed Confirm, {args.users} at a "
            f"time: {burst['booked']} booked, {burst['taken']} told the time was just taken)"
        )
        if burst["cpu"]:
            # Where the submissions' time went, on the machine's cores.
            shares = ", ".join(
                f"{program} {seconds / burst['count'] * 1000:.1f} ms"
                for program, seconds in sorted(burst["cpu"].items(), key=lambda item: -item[1])
            )
            busy = sum(burst["cpu"].values()) / burst["elapsed"]
            print(
                f"  CPU a submission: {shares}; {busy:.1f} of {os.cpu_count()} cores busy "
                f"during the burst"
            )
        if burst["emails_after"] is None:
            misses.append("the burst's emails were still pending after five minutes")
        else:
            watcher = burst["cpu_with_emails"].get("the outbox's watcher", 0.0)
            print(
                f"  their emails: the last sent {burst['emails_after']:.1f} s after the burst; "
                f"the outbox's watcher spent {watcher / burst['count'] * 1000:.1f} ms of CPU "
                "a submission on them in all"
            )
        active, overlapping = double_bookings(database_url)
        print(f"  {active} active appointments afterwards, {overlapping} double bookings")
        if overlapping:
            misses.append("a therapist was double-booked")
        if booking["errors"] or burst["errors"] or not active:
            failed = booking["errors"] + burst["errors"]
            misses.append(f"{failed} booking requests failed, {active} booked")
        for label, result in (("whole flow", booking), ("submissions alone", burst)):
            if result["rps"] < CONFIRMATIONS:
                misses.append(f"{label}: {result['rps']:.0f} confirmations a second")
            if result["p99"] >= CONFIRM_P99_MS:
                misses.append(f"{label}: confirmation p99 {result['p99']:.0f} ms")
    finally:
        if stack is not None:
            stack.stop()
        log.close()
        drop_database()
        shutil.rmtree(folder, ignore_errors=True)
    if misses:
        raise SystemExit("missed: " + "; ".join(misses))
    print("all targets met")


if __name__ == "__main__":
    main()
