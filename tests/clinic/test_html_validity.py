"""The Nu HTML Checker (npm package vnu-jar, run on Java) finds no error on the public pages."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.pages import PUBLIC_PAGES

pytestmark = pytest.mark.django_db


def test_public_pages_are_valid_html(client, demo_data, html_errors):
    assert html_errors({path: client.get(path) for path in PUBLIC_PAGES}) == []


def test_the_checker_reports_invalid_html(html_errors):
    # Guards the guard: a checker that reads nothing would pass every page.
    class Page:
        content = b"<!doctype html><html lang=en><title>x</title><p><div id=a id=a></div>"

    errors = html_errors({"broken page": Page()})
    assert errors and errors[0].startswith("broken page line 1: Duplicate attribute")


def test_staff_pages_are_valid_html(client, demo_data, html_errors):
    pages = {
        "/accounts/login/": client.get("/accounts/login/"),
        "/accounts/password_reset/": client.get("/accounts/password_reset/"),
    }
    users = get_user_model().objects
    client.force_login(users.get(username="demo-therapist-alex"))
    for path in [
        "/schedule/",
        "/schedule/?view=week",
        "/schedule/time-off/",
        "/schedule/calendar/",
        "/schedule/day-sheet/",
    ]:
        pages[f"therapist {path}"] = client.get(path)
    client.force_login(users.get(username="demo-frontdesk"))
    for path in [
        "/schedule/clinic/",
        "/schedule/clinic/?by=rooms",
        "/schedule/?view=week",
        "/schedule/calendar/",
    ]:
        pages[f"front desk {path}"] = client.get(path)
    # The time grid's booking form, from the first free gap of a day ahead.
    day = (timezone.now() + timedelta(days=7)).date()
    grid = client.get(f"/schedule/clinic/?date={day}").content.decode()
    book = html.unescape(re.search(r'href="(/schedule/book/\?[^"]+)"', grid)[1])
    pages["front desk book a caller"] = client.get(book + "&q=demo")
    assert {name: response.status_code for name, response in pages.items()} == dict.fromkeys(
        pages, 200
    )
    assert html_errors(pages) == []


def test_error_pages_are_valid_html(client, settings, html_errors):
    settings.ROOT_URLCONF = "tests.clinic.urls_raising"
    client.raise_request_exception = False
    pages = {"500": client.get("/broken/"), "503": client.get("/database-gone/")}
    assert {name: response.status_code for name, response in pages.items()} == {
        "500": 500,
        "503": 503,
    }
    assert html_errors(pages) == []
