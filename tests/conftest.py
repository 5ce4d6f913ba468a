"""Fixtures shared by every test module: users with stated roles and a real headless browser."""

import json
import os
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
VNU = ROOT / "var" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def pytest_configure(config):
    # Argon2 is deliberately slow (about 0.1 s and 100 MB a hash): with it, creating and logging in
    # test users was most of the suite's time. Production keeps Argon2; test_security.py checks it.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _compile_translations()


def _compile_translations():
    """`make test` compiles the French in `make setup`; a plain `pytest` gets it here too."""
    for po_path in (ROOT / "locale").glob("*/LC_MESSAGES/django.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            call_command("compile_translations", verbosity=0)
            return


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a request to a /fr/ page leaves French active in the thread
    (as in a real worker until its next request)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _nothing_kept_from_an_earlier_test():
    """Rows kept between requests (clinic/versioned.py) are keyed by the versions, which a
    transactional test's flush sets back to numbers an earlier test has seen."""
    from clinic import versioned

    versioned.forget()
    yield
    versioned.forget()


@pytest.fixture
def admin_user(django_user_model):
    """A superuser: every permission, for admin pages."""
    return django_user_model.objects.create_superuser(
        "admin", "admin@example.com", "admin-pass-123"
    )


@pytest.fixture
def demo_data(db):
    """The same demo content `make run` loads: the seed article, sample conditions, therapists."""
    call_command("load_demo", allow_production=True, stdout=StringIO())


@pytest.fixture
def migrate_to():
    """migrate_to(targets) -> the historical apps there; migrate_to() is the latest schema, as is
    the database afterwards."""

    def migrate(targets=None):
        executor = MigrationExecutor(connection)
        targets = targets or executor.loader.graph.leaf_nodes()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield migrate
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright. Skips where it is missing, except in CI."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("CLINIC_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed but CLINIC_REQUIRE_BROWSER is set")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page(path, width=1280) -> a Playwright page at live_server + path, that wide.

    Console errors (a CSP violation, a failed script) are collected on page.console_errors.
    """
    contexts = []

    def open_(path, *, width=1280, height=900, bypass_csp=False):
        context = browser.new_context(
            viewport={"width": width, "height": height}, bypass_csp=bypass_csp
        )
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        page.goto(live_server.url + path)
        return page

    yield open_
    for context in contexts:
        context.close()


def screenshot(page, name):
    """Save a full-page screenshot under test-artifacts/ to look at after the run."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def has_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.fixture
def html_errors(tmp_path):
    """html_errors({name: response}) -> the Nu HTML Checker's errors, each naming its page.

    Skips where the checker (npm vnu-jar, run on Java) is missing, except in CI.
    """
    if not VNU.exists() or shutil.which("java") is None:
        if os.environ.get("CLINIC_REQUIRE_BROWSER"):
            pytest.fail(f"the Nu HTML Checker is missing at {VNU} (see .ci/run)")
        pytest.skip("vnu-jar not installed: npm install --prefix var/tools vnu-jar")

    def check(responses: dict) -> list[str]:
        files = {}
        for index, (name, response) in enumerate(responses.items()):
            document = tmp_path / f"page{index}.html"
            document.write_bytes(response.content)
            files[f"file:{document}"] = name  # how the checker names a file it was given
        # Paths, not file:// URLs: given a URL the checker fetches nothing and reports nothing.
        paths = [url.removeprefix("file:") for url in files]
        result = subprocess.run(
            ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *paths],
            capture_output=True,
            text=True,
            timeout=300,
        )
        messages = json.loads(result.stderr)["messages"]
        if len(files) and result.returncode == 0 and not messages:
            return []
        return [
            f"{files.get(message.get('url'), message.get('url'))} line {message.get('lastLine')}: "
            f"{message['message']}"
            for message in messages
        ] or [f"the checker failed without a message (exit {result.returncode})"]

    return check
