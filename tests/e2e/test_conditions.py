"""Condition pages in real headless Chromium, at phone and desktop widths, and in print."""

import json
from io import StringIO

import pytest

from conditions import demo
from tests.conftest import has_horizontal_overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class _Command:
    stdout = StringIO()


@pytest.fixture
def library(db):
    demo.load(_Command())


@pytest.mark.parametrize("width", [360, 1280])
def test_the_condition_page_reads_well_on_phones_and_desktops(open_page, library, width):
    page = open_page("/conditions/calf-cramps/", width=width)
    screenshot(page, f"condition-calf-cramps-{width}")
    assert page.locator("h1").inner_text() == "Calf Cramps"
    book = page.get_by_role("link", name="Book an appointment about Calf Cramps")
    assert book.is_visible()
    assert book.get_attribute("href") == "/book/?condition=calf-cramps"
    assert page.locator(".risk-factor-list li").count() == 15
    assert page.locator(".treatment-list li").count() == 11
    data = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert data["about"]["name"] == "Calf Cramps"
    assert not has_horizontal_overflow(page)
    assert page.console_errors == []


@pytest.mark.parametrize("width", [360, 1280])
def test_the_index_and_search_fit_a_phone(open_page, library, width):
    for path, name in [
        ("/conditions/", "conditions-index"),
        ("/search/?q=cramp", "search-cramp"),
        ("/search/?q=charly+hors", "search-miss"),
        ("/conditions/achilles-tendinopathy/", "condition-sample"),
        ("/risk-factors/dehydration/", "risk-factor"),
        ("/", "home-with-library"),
    ]:
        page = open_page(path, width=width)
        screenshot(page, f"{name}-{width}")
        assert not has_horizontal_overflow(page), path
        assert page.console_errors == [], path


def test_the_region_filter_and_letter_jump_work(open_page, library):
    page = open_page("/conditions/")
    page.get_by_role("link", name="Knee", exact=True).click()
    page.wait_for_url("**/conditions/?region=knee")
    assert page.locator(".condition-link").all_inner_texts() == ["Patellofemoral Pain Syndrome"]
    page.get_by_role("link", name="All regions").click()
    page.get_by_role("navigation", name="Jump to letter").get_by_role("link", name="S").click()
    assert page.evaluate("location.hash") == "#letter-S"


def test_searching_from_the_header_finds_the_lay_term(open_page, library):
    page = open_page("/", width=360)
    page.get_by_label("Search conditions").fill("charley horse")
    page.get_by_label("Search conditions").press("Enter")
    page.wait_for_url("**/search/?q=charley+horse")
    assert page.locator(".search-result h2").all_inner_texts() == ["Calf Cramps"]
    assert page.locator(".alternate-names mark").all_inner_texts() == ["charley", "horse"]
    assert page.get_by_label("Search conditions").input_value() == "charley horse"


def test_the_printed_article_has_no_site_chrome(open_page, library):
    page = open_page("/conditions/calf-cramps/")
    page.emulate_media(media="print")
    screenshot(page, "condition-calf-cramps-print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".book-card").is_visible()
    assert not page.locator(".book-cta").is_visible()
    assert page.locator("#causes").is_visible()
    assert page.locator(".review-line").is_visible()
