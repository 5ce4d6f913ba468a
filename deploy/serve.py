"""The production stack on loopback: nginx in front of gunicorn, DEBUG off (`make prod`).

    .venv/bin/python deploy/serve.py [--port 8080]

nginx (deploy/nginx.conf, filled in here) listens on 127.0.0.1:PORT, buffers every request and
response, serves /static/ from collectstatic's folder and the clinic's own 502 page; gunicorn
(deploy/gunicorn.conf.py) listens on a unix socket under the state folder (var/prod/), which only
nginx opens. Before starting them this migrates the database and collects the static files.

Beside them runs the outbox's watcher (`manage.py send_queued_email --watch`, at a lower CPU
priority), which sends patients' emails as their bookings commit (EMAIL_DELIVERY=process, unless
the environment names another way): gunicorn's workers spend no time on them.

It runs in the foreground: Ctrl-C (or SIGTERM) stops nginx, then gunicorn, then the watcher, each
gracefully; a second Ctrl-C stops them at once. If one exits on its own, the others are stopped.

The database is the embedded one under var/ unless DATABASE_URL is set; REDIS_URL is used when
set. The stack speaks plain HTTP on loopback, so cookies are not marked Secure, nothing redirects
to HTTPS and there is no HSTS; every other setting is production's. SECRET_KEY, unless set, is
generated once into var/prod/secret_key (mode 600) and reused.

bench/ and tests/clinic/test_prod_stack.py start the same stack through `Stack`.
"""

import argparse
import contextlib
import ctypes
import fcntl
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
DEFAULT_STATE_DIR = ROOT / "var" / "prod"
PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")
# Characters that would end or alter a quoted nginx argument.
UNSAFE_IN_NGINX = re.compile(r'["$\\;{}\n]')
# sockaddr_un holds 108 bytes on Linux, the terminating NUL included.
MAX_SOCKET_PATH = 107


class StackError(RuntimeError):
    """The stack cannot start: the message says why and what to do."""


def find_nginx() -> str:
    """The nginx binary: on PATH, or where Debian puts it (/usr/sbin, not on every user's PATH)."""
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)),
        None,
    )
    if found is None:
        raise StackError(
            "nginx is not installed. On Debian or Ubuntu: sudo apt-get install nginx-light "
            "(`make prod` installs it itself when run as root)."
        )
    return found


def secret_key(path: Path) -> str:
    """The key kept in `path`, generated there (readable by its owner only) the first time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
        key = path.read_text().strip()
        if len(key) < 50:
            raise StackError(
                f"{path} holds no usable key; delete it to have a new one made."
            ) from None
        return key
    key = secrets.token_urlsafe(64)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key


def loopback_environment(*, port: int, state_dir: Path, base: dict | None = None) -> dict:
    """Production settings for plain HTTP on 127.0.0.1:`port`, behind this stack's nginx."""
    env = dict(os.environ if base is None else base)
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = secret_key(state_dir / "secret_key")
    env["STATIC_ROOT"] = env.get("STATIC_ROOT") or str(ROOT / "staticfiles")
    env["EMAIL_DELIVERY"] = env.get("EMAIL_DELIVERY") or "process"
    env.update(
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        # nginx appends the address it saw to X-Forwarded-For; Django takes that right-most entry.
        CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
        TRUSTED_PROXY_COUNT="1",
    )
    return env


def render_nginx_conf(values: dict) -> str:
    """deploy/nginx.conf with each {{ name }} replaced by values[name]."""

    def fill(match):
        value = str(values[match.group(1)])
        if UNSAFE_IN_NGINX.search(value) and match.group(1) != "user_line":
            raise StackError(
                f"nginx cannot be given {value!r}: move the checkout to a plainer path."
            )
        return value

    return PLACEHOLDER.sub(fill, (DEPLOY / "nginx.conf").read_text())


def _die_with_parent() -> None:
    # Linux: if this launcher is killed outright, its children get SIGTERM instead of lingering
    # on the port (PR_SET_PDEATHSIG).
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def _spawn(command: list[str], *, env: dict, log) -> subprocess.Popen:
    # A process group of its own: the terminal's Ctrl-C reaches only the launcher, which then
    # stops nginx and gunicorn in order.
    return subprocess.Popen(  # noqa: S603 (our own fixed commands)
        command,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        process_group=0,
        preexec_fn=_die_with_parent,
    )


def unix_socket_status(path: Path, url: str = "/livez") -> int | None:
    """The HTTP status gunicorn answers at `url` through its socket; None if it does not."""
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(path))
            sock.sendall(f"GET {url} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
            return int(sock.recv(64).split()[1])
    except (OSError, ValueError, IndexError):
        return None


def port_accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class Stack:
    """nginx on 127.0.0.1:`port` in front of gunicorn, their files under `state_dir`.

    `client_timeout` is nginx's client_header_timeout, client_body_timeout and send_timeout;
    `log` a file for both servers' output (the terminal by default).
    """

    def __init__(
        self,
        *,
        port: int,
        state_dir: Path,
        env: dict,
        client_timeout: int = 10,
        keepalive_timeout: int = 15,
        nginx_workers: str = "auto",
        log=None,
    ):
        self.port = port
        self.state_dir = Path(state_dir).resolve()
        self.env = env
        self.client_timeout = client_timeout
        self.keepalive_timeout = keepalive_timeout
        self.nginx_workers = nginx_workers
        self.log = log
        self.url = f"http://127.0.0.1:{port}"
        self.socket_path = self.state_dir / "gunicorn.sock"
        self.static_root = Path(env["STATIC_ROOT"]).resolve()
        self.nginx_binary = find_nginx()
        self.gunicorn: subprocess.Popen | None = None
        self.nginx: subprocess.Popen | None = None
        self.watcher: subprocess.Popen | None = None
        self.cancelled = False  # set by a signal: stop waiting for a server to come up
        self.hurry = False  # set by a second signal: stop the servers at once
        if len(str(self.socket_path)) > MAX_SOCKET_PATH:
            raise StackError(f"{self.socket_path} is too long for a unix socket; use --state-dir.")
        for folder in ("logs", "tmp"):
            (self.state_dir / folder).mkdir(parents=True, exist_ok=True)

    def prepare(self, *, verbosity: int = 0) -> None:
        """compile the translations, migrate and collectstatic, with the stack's settings."""
        for command in (
            ["compile_translations"],
            ["migrate", "--noinput"],
            ["collectstatic", "--noinput"],
        ):
            done = subprocess.run(  # noqa: S603 (our own fixed commands)
                [sys.executable, "manage.py", *command, f"-v{verbosity}"],
                cwd=ROOT,
                env=self.env,
                stdout=self.log,
                stderr=self.log,
            )
            if done.returncode:
                raise StackError(f"manage.py {command[0]} failed (status {done.returncode}).")

    def start(self) -> None:
        self.start_gunicorn()
        self.start_watcher()
        self.start_nginx()

    def start_watcher(self) -> None:
        """The outbox's watcher, when the web processes leave the emails to it."""
        if self.env.get("EMAIL_DELIVERY", "").lower() != "process":
            return
        self.watcher = _spawn(
            [sys.executable, "manage.py", "send_queued_email", "--watch"],
            env=self.env,
            log=self.log,
        )

    def start_gunicorn(self) -> None:
        env = {**self.env, "GUNICORN_BIND": f"unix:{self.socket_path}"}
        self.gunicorn = _spawn(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                str(DEPLOY / "gunicorn.conf.py"),
                "--pid",
                str(self.state_dir / "gunicorn.pid"),
                "clinic.wsgi",
            ],
            env=env,
            log=self.log,
        )
        self._wait_for(
            lambda: unix_socket_status(self.socket_path) == 200, self.gunicorn, "gunicorn", 60
        )

    def start_nginx(self) -> None:
        conf = self.state_dir / "nginx.conf"
        conf.write_text(
            render_nginx_conf(
                {
                    # As root, nginx would hand its workers to "nobody", who may not reach a
                    # private checkout; they stay with the launching user (no-op otherwise).
                    "user_line": "user root;" if os.geteuid() == 0 else "",
                    "worker_processes": self.nginx_workers,
                    "state_dir": self.state_dir,
                    "listen": f"127.0.0.1:{self.port}",
                    "upstream": f"unix:{self.socket_path}",
                    "static_root": self.static_root,
                    "error_pages": DEPLOY / "errors",
                    "client_timeout": self.client_timeout,
                    "keepalive_timeout": self.keepalive_timeout,
                }
            )
        )
        self.nginx = _spawn(
            [
                self.nginx_binary,
                "-p",
                str(self.state_dir),
                "-c",
                str(conf),
                "-e",
                str(self.state_dir / "logs" / "nginx-error.log"),
                "-g",
                "daemon off;",
            ],
            env=self.env,
            log=self.log,
        )
        self._wait_for(lambda: port_accepts(self.port), self.nginx, "nginx", 15)

    def _wait_for(self, ready, process: subprocess.Popen, name: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if process.poll() is not None:
                raise StackError(f"{name} exited with status {process.returncode}; {self._logs()}")
            if self.cancelled:
                raise StackError(f"stopped while {name} was starting")
            if time.monotonic() > deadline:
                raise StackError(f"{name} did not come up within {timeout:.0f} s; {self._logs()}")
            time.sleep(0.1)

    def _logs(self) -> str:
        return f"see the output above and {self.state_dir / 'logs'}/"

    def exited(self) -> str | None:
        """The name of a server that has exited on its own, if one has."""
        for name, process in (
            ("gunicorn", self.gunicorn),
            ("nginx", self.nginx),
            ("the outbox's watcher", self.watcher),
        ):
            if process is not None and process.poll() is not None:
                return f"{name} (status {process.returncode})"
        return None

    def stop_nginx(self) -> None:
        # SIGQUIT: stop accepting, finish the requests in hand, then exit.
        self._stop(self.nginx, signal.SIGQUIT, grace=5)
        self.nginx = None

    def stop_gunicorn(self) -> None:
        # SIGTERM: each worker finishes its request (graceful_timeout, 10 s), then exits.
        self._stop(self.gunicorn, signal.SIGTERM, grace=15)
        self.gunicorn = None

    def stop_watcher(self) -> None:
        # SIGTERM: it finishes the email in hand (EMAIL_TIMEOUT bounds a hanging mail server).
        timeout = self.env.get("EMAIL_TIMEOUT", "")
        grace = (int(timeout) if timeout.isdigit() else 10) + 5
        self._stop(self.watcher, signal.SIGTERM, grace=grace)
        self.watcher = None

    def stop(self) -> None:
        """nginx first, so that no request reaches a gunicorn on its way out; the watcher last,
        to send what gunicorn's last bookings queued."""
        self.stop_nginx()
        self.stop_gunicorn()
        self.stop_watcher()

    def _stop(self, process: subprocess.Popen | None, first: signal.Signals, *, grace: float):
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(first)
        deadline = time.monotonic() + grace
        while process.poll() is None and time.monotonic() < deadline and not self.hurry:
            time.sleep(0.05)
        if process.poll() is None:
            # Still there: the whole group (master and workers) goes at once.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


@contextlib.contextmanager
def state_lock(state_dir: Path):
    """One stack per state folder: a second would take over the first one's socket."""
    state_dir.mkdir(parents=True, exist_ok=True)
    with open(state_dir / "lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StackError(
                f"Another `make prod` is running from {state_dir}; stop it first "
                "(or give this one --state-dir)."
            ) from None
        yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8080))
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)
    parser.add_argument("--client-timeout", type=int, default=10, help="seconds (nginx)")
    parser.add_argument("--keepalive-timeout", type=int, default=15, help="seconds (nginx)")
    parser.add_argument("--no-prepare", action="store_true", help="skip migrate and collectstatic")
    args = parser.parse_args(argv)

    find_nginx()
    if not port_is_free(args.port):
        raise StackError(f"127.0.0.1:{args.port} is in use; choose another: PORT=8081 make prod")
    state_dir = args.state_dir.resolve()
    with state_lock(state_dir):
        env = loopback_environment(port=args.port, state_dir=state_dir)
        stack = Stack(
            port=args.port,
            state_dir=state_dir,
            env=env,
            client_timeout=args.client_timeout,
            keepalive_timeout=args.keepalive_timeout,
        )
        if not args.no_prepare:
            stack.prepare(verbosity=1)
        signals = []

        def on_signal(signum, frame):
            signals.append(signum)
            stack.cancelled = True
            stack.hurry = len(signals) > 1

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        status = 0
        try:
            stack.start()
            print(
                f"\nThe clinic's production stack is serving {stack.url}/ "
                f"(nginx -> gunicorn, DEBUG off; logs in {state_dir / 'logs'}/). "
                "Ctrl-C stops it.\n",
                flush=True,
            )
            while not signals:
                exited = stack.exited()
                if exited:
                    print(f"{exited} exited on its own; stopping the rest.", file=sys.stderr)
                    status = 1
                    break
                time.sleep(0.2)
        finally:
            if signals:
                print("\nStopping nginx, then gunicorn, then the outbox's watcher ...", flush=True)
            stack.stop()
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except StackError as error:
        sys.exit(f"make prod: {error}")
