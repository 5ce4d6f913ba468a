"""The site frame in real headless Chromium at phone and desktop widths."""

import pytest

from tests.conftest import has_horizontal_overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [360, 1280])
def test_home_page_shows_header_and_footer_without_overflow(open_page, width):
    page = open_page("/", width=width)
    screenshot(page, f"home-{width}")
    assert page.locator("header .site-name").inner_text() == "Sports Medicine"
    assert page.locator("header a[href='tel:+16508156552']").is_visible()
    assert page.locator("header a[href='tel:+33784264352']").is_visible()
    assert page.locator("footer .award-line").is_visible()
    assert not has_horizontal_overflow(page)
    assert page.console_errors == []


def test_skip_link_is_the_first_stop_for_the_keyboard(open_page):
    page = open_page("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
