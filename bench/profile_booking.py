"""Where a booking submission's time goes: the booking flow in-process, the confirm POST profiled.

    DEBUG=true .venv/bin/python bench/profile_booking.py [--bookings 40]

In a throwaway database with the demo data, one patient after another walks the flow (day list,
slot page, details, review) with Django's test client and confirms; only the confirming POST runs
under cProfile. Its email is left to the outbox's watcher, as under `make prod`
(EMAIL_DELIVERY=process); the watcher's work (writing and sending them all) is profiled apart
afterwards. Prints the POST's median time, its queries (counted and the commonest kinds), the
email's time, and the functions that took most of the POST's time. Figures, not a test: `make
bench` runs it.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from collections import Counter
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ["TEST_DATABASE_NAME"] = "bench_clinic_profile_booking"
os.environ["RATELIMIT_DISABLED"] = "true"
# As make prod: the web process only announces each email after the commit; the watcher process
# writes and sends it (bookings/notifications/outbox.py).
os.environ["EMAIL_DELIVERY"] = "PROCESS"

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

DAY_LINKS = re.compile(r'<a class="booking-day" href="([^"]+)"')
TIME_LINKS = re.compile(r'href="(/book/details/\?[^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


STEPS: dict[str, list[tuple[float, int]]] = {}


def timed(step: str, request):
    """`request()`, its time and query count noted under `step`; returns its response."""
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = request()
        elapsed = time.perf_counter() - started
    STEPS.setdefault(step, []).append((elapsed, len(queries)))
    return response


def walk_to_review(client, index: int):
    """The flow up to the review page, each step timed; returns the confirm POST's URL and form,
    or None."""
    first = "/book/?service=follow-up&therapist=any"
    days = DAY_LINKS.findall(timed("day list", lambda: client.get(first)).content.decode())
    for day in days:
        times = TIME_LINKS.findall(
            timed("slot page", lambda day=day: client.get(unescape(day))).content.decode()
        )
        if times:
            break
    else:
        return None
    details_url = unescape(times[index % len(times)])
    timed("details form", lambda: client.get(details_url))
    details = {
        "name": "Bench Patient",
        "email": f"bench+{index}@example.com",
        "phone": "+1 650 555 0100",
        "reason": "Benchmark booking",
    }
    submitted = timed("details submission", lambda: client.post(details_url, details))
    review_url = submitted["Location"]
    review = timed("review page", lambda: client.get(review_url))
    form = {name: unescape(value) for name, value in HIDDEN.findall(review.content.decode())}
    form["consent"] = "on"
    return review_url, form


def query_kind(sql: str) -> str:
    words = sql.split()
    verb = words[0].upper() if words else "?"
    match = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql, re.IGNORECASE)
    table = match.group(1) if match else ""
    return f"{verb} {table}".strip()


def main() -> None:
    from django.core.management import call_command
    from django.test import Client

    from bookings.models import Appointment

    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=40)
    args = parser.parse_args()

    setup_test_environment()
    creation = connection.creation
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        call_command("load_demo", verbosity=0)
        profile = cProfile.Profile()
        timings, counts, kinds = [], [], Counter()
        for index in range(args.bookings):
            client = Client()
            walked = walk_to_review(client, index)
            if walked is None:
                break
            url, form = walked
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                profile.enable()
                response = client.post(url, form)
                profile.disable()
                timings.append(time.perf_counter() - started)
            if response.status_code != 302:
                print(f"booking {index}: {response.status_code}, not booked")
            counts.append(len(queries))
            kinds.update(query_kind(query["sql"]) for query in queries.captured_queries)
        booked = Appointment.objects.filter(patient__email__startswith="bench+").count()
        print(
            f"{len(timings)} confirm POSTs ({booked} booked): median "
            f"{statistics.median(timings) * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms, "
            f"median {statistics.median(counts)} queries"
        )
        # The watcher's share, as `send_queued_email --watch` does it: every email written and
        # sent (Django's test mail backend), each in its own claiming transaction.
        from bookings.notifications import outbox

        started = time.perf_counter()
        email_profile = cProfile.Profile()
        email_profile.enable()
        run = outbox.send_due_emails()
        email_profile.disable()
        emails_took = time.perf_counter() - started
        print(
            f"  their {len(run.sent)} confirmation emails, written and sent by the outbox's "
            f"watcher (under cProfile): {emails_took / max(1, len(run.sent)) * 1000:.1f} ms each"
        )
        print("each step before it (median, a new patient each time; the two first steps come")
        print("from the page cache for a visitor without a session):")
        for step, runs in STEPS.items():
            print(
                f"  {step:<20} {statistics.median(t for t, _ in runs) * 1000:6.1f} ms  "
                f"{statistics.median(q for _, q in runs):4.0f} queries"
            )
        print("queries per confirm POST, by kind:")
        for kind, count in kinds.most_common(15):
            print(f"  {count / len(timings):5.1f}  {kind}")
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
        stats.print_stats(r"clinic|bookings|conditions|django/(db|template|core/mail|contrib)", 35)
        print(out.getvalue())
    finally:
        creation.destroy_test_db(creation.connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
