"""Fixtures for the site-wide tests: a throwaway Redis of their own, a database to stop."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.core.cache import caches
from django.db import connection

from bench.loopback import HangingMailServer
from clinic import shared_cache
from tests.clinic.test_settings import PRODUCTION, ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayRedis:
    """A redis-server on a free loopback port, started by the test: never the shared one."""

    def __init__(self, executable: str):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._executable = executable
        self._process = None
        self.start()

    def start(self):
        self._process = subprocess.Popen(
            [self._executable, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(7) == b"+PONG\r\n":
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self):
        """Redis is down: connections are refused."""
        self.resume()
        self._process.terminate()
        self._process.wait(timeout=10)

    def pause(self):
        """Redis hangs: connections are accepted and never answered."""
        os.kill(self._process.pid, signal.SIGSTOP)

    def resume(self):
        if self._process.poll() is None:
            os.kill(self._process.pid, signal.SIGCONT)


@pytest.fixture
def redis_server():
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = ThrowawayRedis(executable)
    yield server
    server.stop()


@pytest.fixture
def shared_redis(settings, redis_server):
    """The default cache on the throwaway Redis, with the options production uses."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": settings.REDIS_OPTIONS,
        },
    }
    shared_cache.outage.reset()
    yield redis_server
    shared_cache.outage.reset()


class UnreachableDatabase:
    """Points this process's connection at a closed loopback port, as if PostgreSQL were stopped.

    `stop()` and `start()` switch it; the test's database itself is never touched.
    """

    def __init__(self):
        self._saved = None
        self._hanging = None

    def stop(self):
        self._point_at(free_port())

    def hang(self):
        """The host answers nothing, as when it is gone from the network."""
        self._hanging = HangingMailServer()  # accepts connections and never says a word
        self._point_at(self._hanging.port)

    def _point_at(self, port: int):
        connection.close()
        self._saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(port))

    def start(self):
        if self._saved is not None:
            connection.close()
            connection.settings_dict.update(self._saved)
            self._saved = None
        if self._hanging is not None:
            self._hanging.release()
            self._hanging = None


@pytest.fixture
def database(transactional_db):
    """The database, to stop and start again; pages cached by earlier tests are forgotten."""
    caches["pages"].clear()
    switch = UnreachableDatabase()
    yield switch
    switch.start()


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """collectstatic's output, which the production storage (hashed names) needs to render."""
    root = tmp_path_factory.mktemp("static")
    environment = {**os.environ, **PRODUCTION, "STATIC_ROOT": str(root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=300,
    )
    return root
