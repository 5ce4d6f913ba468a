"""gunicorn behind nginx (deploy/nginx.conf): `gunicorn -c deploy/gunicorn.conf.py clinic.wsgi`.

Sync workers are right behind a buffering proxy: nginx hands gunicorn each request whole and takes
each response whole, so a worker is busy only while Django works, never while a client is slow.
Never put these workers on a public port without nginx in front: four slow clients would hold them.

PostgreSQL connection budget (README, "Running in production"): each worker process holds at most
one connection per thread plus one for its email thread (bookings/notifications/outbox.py), so
one host needs WEB_CONCURRENCY x (GUNICORN_THREADS + 1) connections: 5 x (1 + 1) = 10 on two
cores with the defaults. Every host's budget, plus one per cron command running, must stay below
the server's max_connections (100 by default, 3 of them kept for superusers).
"""

import os


def _count(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise RuntimeError(f"{name}={raw!r} must be a whole number of at least 1.")
    return int(raw)


# A unix socket that only nginx's user (or group) can open; deploy/serve.py passes its path.
bind = os.environ.get("GUNICORN_BIND", "unix:var/prod/gunicorn.sock")
umask = 0o117
workers = _count("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
# More than one thread turns the workers into gthread ones; each thread is one more connection.
threads = _count("GUNICORN_THREADS", 1)
# A request Django has not answered in 30 s is abandoned and its worker replaced; nginx waits
# longer (proxy_read_timeout 60 s), so the visitor gets the clinic's 502 page, not a hang.
timeout = 30
graceful_timeout = 10
# nginx logs each request; gunicorn logs its own errors to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The workers' heartbeat files in memory (gunicorn's advice): a slow disk must not get workers
# killed as unresponsive.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
proc_name = "clinic"
# gunicorn's runtime control socket lives in $HOME by default, one per user: two stacks (a test
# and `make prod`) would take it from each other. Nothing here uses it.
control_socket_disable = True
