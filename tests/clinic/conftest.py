"""Fixtures for the site-wide tests: a throwaway Redis of the test's own."""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

from clinic import shared_cache


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
