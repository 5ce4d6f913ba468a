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
    # The lay term, and the words the vocabulary says mean the same (a cramp).
    marks = page.locator(".alternate-names mark").all_inner_texts()
    assert marks[:2] == ["charley", "horse"] and set(marks[2:]) == {"cramp"}
    # The results page has one search box, its own, with the query in it.
    assert page.locator('input[type="search"]').count() == 1
    assert page.get_by_label("Describe where it hurts").input_value() == "charley horse"


def test_the_printed_article_has_no_site_chrome(open_page, library):
    page = open_page("/conditions/calf-cramps/")
    page.emulate_media(media="print")
    screenshot(page, "condition-calf-cramps-print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".book-card").is_visible()
    assert not page.locator(".book-cta").is_visible()
    assert page.locator("#causes").is_visible()
    assert page.locator(".review-line").is_visible()


def test_the_care_cards_come_most_urgent_first_with_their_links(open_page, library):
    page = open_page("/conditions/calf-cramps/", width=360)
    cards = page.get_by_role("region", name="When to get urgent help")
    assert cards.get_by_role("heading", level=3).all_inner_texts() == [
        "Call 911 now",
        "See a doctor today",
        "Book a physical therapist",
    ]
    assert cards.get_by_role("link", name="Call 911").get_attribute("href") == "tel:911"
    book = cards.get_by_role("link", name="Book an appointment")
    assert book.get_attribute("href") == "/book/?condition=calf-cramps"
    assert not has_horizontal_overflow(page)


def test_the_phone_booking_bar_never_covers_the_end_of_the_page(open_page, library):
    page = open_page("/conditions/calf-cramps/", width=360, height=700)
    bar = page.locator(".mobile-book-bar")
    assert bar.is_visible()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    footer_bottom = page.evaluate(
        "document.querySelector('.site-footer').getBoundingClientRect().bottom"
    )
    assert footer_bottom <= bar.bounding_box()["y"] + 1
    page.emulate_media(media="print")
    assert not bar.is_visible()
    wide = open_page("/conditions/calf-cramps/", width=1280)
    assert not wide.locator(".mobile-book-bar").is_visible()


def test_the_sidebar_stays_in_view_down_a_long_article(open_page, library):
    page = open_page("/conditions/calf-cramps/", width=1280, height=800)
    page.evaluate("window.scrollTo(0, 2000)")
    top = page.locator(".aside-sticky").bounding_box()["y"]
    assert 0 <= top < 50
    assert page.locator(".book-card").is_visible()
