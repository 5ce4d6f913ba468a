"""HTTP throughput and latency of the site's pages: gunicorn (DEBUG off) on loopback, driven by wrk.

Run with `make bench` (which loads the demo data first) or
`DEBUG=true .venv/bin/python bench/http_load.py [--duration 10] [--connections 16]`.

Prints, for each page, requests per second, p50 and p99 latency and the ratio to the minimal view
(`/livez`: no database, no template, the framework's ceiling on this machine). Traffic goes only to
127.0.0.1, and every wrk run stops by itself after --duration seconds.
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

PAGES = [
    ("minimal view (/livez)", "/livez"),
    ("home page", "/"),
    ("condition page", "/conditions/calf-cramps/"),
    ("A-Z index", "/conditions/"),
    ("search", "/search/?q=cramp"),
    ("booking: first step", "/book/"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment() -> dict:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="http://127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        RATELIMIT_DISABLED="true",  # the benchmark is one client hammering on purpose
        LOG_LEVEL="WARNING",
    )
    return env


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer at {url} within {seconds} s")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")

    env = production_environment()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "clinic.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers)],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(base + "/livez")
        print(
            f"gunicorn {args.workers} workers, wrk 2 threads x {args.connections} connections, "
            f"{args.duration} s per page, {os.cpu_count()} cores"
        )
        print(f"{'page':<26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs min':>7} {'errors':>7}")
        ceiling = None
        for label, path in PAGES:
            run_wrk(base + path, duration=1, connections=args.connections)  # warm-up
            result = run_wrk(base + path, duration=args.duration, connections=args.connections)
            ceiling = ceiling or result["rps"]
            print(
                f"{label:<26} {result['rps']:>9.0f} {result['p50']:>8.1f} {result['p99']:>8.1f} "
                f"{result['rps'] / ceiling:>7.0%} {result['errors']:>7}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
