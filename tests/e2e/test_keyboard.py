"""The whole booking flow with the keyboard alone: Tab to move, Enter to follow or press, typing."""

import pytest

from bookings.models import Appointment
from tests.bookings.conftest import make_service, make_therapist
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 80


def focused_text(page) -> str:
    return page.evaluate(
        r"""() => {
            const el = document.activeElement;
            if (!el) return "";
            const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
            const text = label || el.textContent || el.value || el.getAttribute("aria-label");
            return (text || "").replace(/\s+/g, " ").trim();
        }"""
    )


def press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def tab_to(page, text: str) -> None:
    """Press Tab until the focused element's text (or label) starts with `text`."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused_text(page).startswith(text):
            return
    screenshot(page, "keyboard-stuck")
    raise AssertionError(f"Tab never reached {text!r}")


def test_a_patient_books_with_the_keyboard_alone(open_page, settings, live_server):
    settings.SITE_URL = live_server.url
    follow_up = make_service("follow-up", minutes=30, name="Follow-up")
    make_therapist("Demo: Alex Rivera", services_offered=[follow_up])
    page = open_page("/book/", width=1280)

    tab_to(page, "Choose Follow-up")
    press_enter_and_wait(page)
    tab_to(page, "Any therapist")
    press_enter_and_wait(page)
    tab_to(page, "Next week")
    press_enter_and_wait(page)
    page.keyboard.press("Tab")  # into the page again after the navigation
    for _ in range(MAX_TABS):
        if page.evaluate("document.activeElement.classList.contains('booking-day')"):
            break
        page.keyboard.press("Tab")
    press_enter_and_wait(page)
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.booking-times')"):
            break
    press_enter_and_wait(page)

    tab_to(page, "Your full name")
    page.keyboard.type("Kay Board")
    tab_to(page, "Email")
    page.keyboard.type("kay@example.com")
    tab_to(page, "Phone")
    page.keyboard.type("+1 650 555 0142")
    tab_to(page, "Continue to review")
    press_enter_and_wait(page)
    tab_to(page, "I agree to the clinic")
    page.keyboard.press("Space")
    tab_to(page, "Confirm booking")
    press_enter_and_wait(page)

    screenshot(page, "keyboard-confirmed")
    assert page.get_by_role("heading", name="Your appointment is booked").is_visible()
    appointment = Appointment.objects.get()
    assert appointment.patient.name == "Kay Board"
    assert appointment.patient.email == "kay@example.com"


def test_focus_is_always_visible_on_the_booking_links(open_page, settings):
    follow_up = make_service("follow-up", minutes=30, name="Follow-up")
    make_therapist("Demo: Alex Rivera", services_offered=[follow_up])
    page = open_page("/book/")
    tab_to(page, "Choose Follow-up")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none" or shadow != "none"
