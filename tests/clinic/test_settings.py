"""Start-up configuration: each check runs manage.py in a fresh process with its own environment."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7-production-test-key-5c1e9b2f0a4d8e6c3b7a9f1d2e4c6b8a0f3e5d7c9b1a",
    "ALLOWED_HOSTS": "clinic.example.com",
    "SITE_URL": "https://clinic.example.com",
}


def manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_deploy_check_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_malformed_debug_is_refused_by_name():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"])
def test_production_requires_secret_key_and_allowed_hosts(missing):
    env = {**PRODUCTION, missing: ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "CLINIC_TIME_ZONE",
            "Mars/Olympus",
            "CLINIC_TIME_ZONE='Mars/Olympus' is not a known time zone",
        ),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT='twenty-five' is not a whole number"),
        ("DATABASE_URL", "mysql://u@h/db", "DATABASE_URL must point to PostgreSQL"),
        ("EMAIL_USE_TLS", "sometimes", "EMAIL_USE_TLS='sometimes' is not a boolean"),
    ],
)
def test_malformed_values_stop_start_up_naming_the_variable(name, value, message):
    result = manage("check", DEBUG="true", **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_health_check_answers_503_when_the_database_does_not():
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "response = Client().get('/healthz');"
        "print(response.status_code, response.content.decode().strip())"
    )
    environment = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/none",
    }
    environment["DJANGO_SETTINGS_MODULE"] = "clinic.settings"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "503 database: unavailable\ncache: ok", result.stderr


def setting(name, **env):
    """The value of setting `name` in a fresh process started with `env`."""
    script = f"from django.conf import settings; print(settings.{name})"
    return manage("shell", "--no-imports", "-c", script, **env)


def test_in_development_site_url_follows_the_port():
    result = setting("SITE_URL", DEBUG="true", SITE_URL="", PORT="8080")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8080"


def test_in_development_site_url_defaults_to_port_8000():
    result = setting("SITE_URL", DEBUG="true", SITE_URL="", PORT="")
    assert result.stdout.strip() == "http://127.0.0.1:8000", result.stderr


def test_a_site_url_that_is_set_wins_over_the_port():
    result = setting("SITE_URL", DEBUG="true", SITE_URL="http://clinic.test:9000", PORT="8080")
    assert result.stdout.strip() == "http://clinic.test:9000", result.stderr


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("eighty", "PORT='eighty' is not a whole number"),
        ("0", "PORT='0' must be at least 1"),
        ("70000", "PORT='70000' must be at most 65535"),
    ],
)
def test_a_malformed_port_stops_start_up(value, message):
    result = manage("check", DEBUG="true", PORT=value)
    assert result.returncode != 0
    assert message in result.stderr


def start_web_process(**env):
    """Load the WSGI application as gunicorn does, in a fresh process; returns its result."""
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    environment.update(env, DJANGO_SETTINGS_MODULE="clinic.settings")
    return subprocess.run(
        [sys.executable, "-c", "import clinic.wsgi"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PER_PROCESS_WARNING = "rate limits are counted in each web process"


def test_production_without_redis_warns_once_that_limits_are_per_process():
    result = start_web_process(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(PER_PROCESS_WARNING) == 1, result.stderr
    assert "WARNING" in result.stderr


@pytest.mark.parametrize(
    "env", [{**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:1/0"}, {"DEBUG": "true"}]
)
def test_no_per_process_warning_with_redis_or_in_development(env):
    result = start_web_process(**env)
    assert result.returncode == 0, result.stderr
    assert PER_PROCESS_WARNING not in result.stderr


def test_redis_gets_timeouts_well_under_a_second():
    result = setting(
        "CACHES['default']['OPTIONS']", REDIS_URL="redis://127.0.0.1:6379/0", **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    options = ast.literal_eval(result.stdout.strip())
    assert 0 < options["socket_connect_timeout"] < 1
    assert 0 < options["socket_timeout"] < 1


@pytest.mark.django_db
def test_the_planner_knows_the_data_is_in_memory():
    # At PostgreSQL's default (4, for spinning disks) a search read every article's vector
    # instead of asking the GIN index (conditions/search.py).
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == 1.1


def test_database_connections_give_up_after_a_few_seconds():
    result = setting("DATABASES['default']['OPTIONS']['connect_timeout']", **PRODUCTION)
    assert result.stdout.strip() == "3", result.stderr
    result = setting(
        "DATABASES['default']['OPTIONS']['connect_timeout']",
        DATABASE_CONNECT_TIMEOUT="10",
        **PRODUCTION,
    )
    assert result.stdout.strip() == "10", result.stderr
