"""Fixtures shared by every test module: users with stated roles and a real headless browser."""

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


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
