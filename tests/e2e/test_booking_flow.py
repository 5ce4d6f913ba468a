"""The whole booking flow in headless Chromium at phone width, then cancelling from the email."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar

from bookings.models import Appointment
from conditions.models import Condition
from tests.bookings.conftest import make_service, make_therapist
from tests.conftest import has_horizontal_overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinic_setup(settings, live_server):
    settings.SITE_URL = live_server.url
    seed = Path(__file__).resolve().parents[1] / "conditions" / "data" / "calf-cramps.txt"
    call_command("import_condition", str(seed), "--publish", stdout=StringIO())
    condition = Condition.objects.get(slug="calf-cramps")
    follow_up = make_service("follow-up", minutes=30, name="Follow-up")
    make_service("sports-massage", minutes=45, buffer=15, name="Sports massage")
    therapist = make_therapist("Demo: Alex Rivera", services_offered=[follow_up])
    return condition, therapist


def check(page, name):
    screenshot(page, f"booking-{name}")
    assert not has_horizontal_overflow(page), name
    assert page.console_errors == [], name


def test_a_patient_books_from_a_condition_page_on_a_phone_and_cancels_from_the_email(
    open_page, clinic_setup
):
    condition, therapist = clinic_setup
    page = open_page("/conditions/calf-cramps/", width=360, height=800)
    check(page, "0-condition")
    page.get_by_role("link", name="Book an appointment about Calf Cramps").click()
    assert page.locator("h1").inner_text() == "Book an appointment"
    assert "Calf Cramps" in page.locator("main").inner_text()
    check(page, "1-service")

    page.get_by_role("link", name="Choose Follow-up").click()
    assert page.get_by_role("heading", name="Choose a therapist").is_visible()
    check(page, "2-therapist")

    page.get_by_role("link", name="Any therapist").click()
    assert page.get_by_role("heading", name="Choose a day").is_visible()
    check(page, "3-day")

    # Next week: far enough ahead that the patient may still cancel online (24-hour cut-off).
    page.get_by_role("link", name="Next week").click()
    assert page.get_by_role("link", name="Previous week").is_visible()
    page.locator("a.booking-day").first.click()
    assert "Times are Pacific time." in page.locator("main").inner_text()
    check(page, "4-time")
    chosen_time = page.locator(".booking-times a").first.inner_text()
    page.locator(".booking-times a").first.click()

    assert page.get_by_label("What would you like help with? (optional)").input_value() == (
        "Calf Cramps"
    )
    page.get_by_label("Your full name").fill("Pat Example")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Phone").fill("+1 650 555 0100")
    page.get_by_role("button", name="Continue to review").click()
    assert "Enter a valid email address." in page.locator("main").inner_text()
    check(page, "5-details-error")
    page.get_by_label("Email").fill("pat@example.com")
    page.get_by_role("button", name="Continue to review").click()

    assert page.get_by_role("heading", name="Check and confirm").is_visible()
    assert chosen_time in page.locator(".booking-summary").inner_text()
    check(page, "6-review")
    # Going back to the details keeps what was typed.
    page.get_by_role("link", name="Change your details").click()
    assert page.get_by_label("Your full name").input_value() == "Pat Example"
    page.get_by_role("button", name="Continue to review").click()
    # Without the consent tick nothing is booked, and the page says why.
    page.get_by_role("button", name="Confirm booking").click()
    assert "Please tick the box to agree" in page.locator("main").inner_text()
    assert not Appointment.objects.exists()
    check(page, "6-review-consent-error")
    page.get_by_label("I agree to the clinic").check()
    page.get_by_role("button", name="Confirm booking").click()

    assert page.get_by_role("heading", name="Your appointment is booked").is_visible()
    assert "pat@example.com" in page.locator("main").inner_text()
    check(page, "7-confirmed")
    appointment = Appointment.objects.get()
    assert appointment.condition == condition and appointment.therapist == therapist

    (message,) = mail.outbox
    calendar = Calendar.from_ical(message.attachments[0][1])
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART") == appointment.starts_at
    link = re.search(r"http://\S+/appointments/[\w-]+/", message.body).group(0)

    page.goto(link)
    assert page.get_by_role("heading", name="Your appointment").is_visible()
    check(page, "8-manage")
    page.get_by_role("link", name="Cancel this appointment").click()
    check(page, "9-cancel-confirm")
    page.get_by_role("button", name="Yes, cancel it").click()
    assert "This appointment is cancelled." in page.locator("main").inner_text()
    check(page, "10-cancelled")
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert len(mail.outbox) == 2
    cancel = Calendar.from_ical(mail.outbox[1].attachments[0][1])
    assert str(cancel["METHOD"]) == "CANCEL"


def test_the_booking_pages_fit_a_desktop_too(open_page, clinic_setup):
    page = open_page("/book/?service=follow-up&therapist=any", width=1280)
    check(page, "desktop-day")


@pytest.mark.parametrize("width", [360, 1280])
def test_every_booking_page_has_no_wcag_aa_violations(open_page, clinic_setup, live_server, width):
    from tests.e2e.test_accessibility import axe_violations

    page = open_page("/book/?condition=calf-cramps", width=width, bypass_csp=True)
    found = {}

    def audit(name):
        violations = axe_violations(page)
        if violations:
            screenshot(page, f"axe-booking-{width}-{name}")
            found[name] = violations

    audit("service")
    page.get_by_role("link", name="Choose Follow-up").click()
    audit("therapist")
    page.get_by_role("link", name="Any therapist").click()
    audit("day")
    page.get_by_role("link", name="Next week").click()
    page.locator("a.booking-day").first.click()
    audit("time")
    page.locator(".booking-times a").first.click()
    page.get_by_role("button", name="Continue to review").click()
    audit("details-errors")
    page.get_by_label("Your full name").fill("Pat Example")
    page.get_by_label("Email").fill("pat@example.com")
    page.get_by_label("Phone").fill("+1 650 555 0100")
    page.get_by_role("button", name="Continue to review").click()
    audit("review")
    page.get_by_label("I agree to the clinic").check()
    page.get_by_role("button", name="Confirm booking").click()
    audit("confirmed")
    page.get_by_role("link", name="manage this appointment").click()
    audit("manage")
    page.get_by_role("link", name="Move to another time").click()
    audit("reschedule-week")
    page.locator("a.booking-day").first.click()
    audit("reschedule-times")
    page.locator(".booking-times a").first.click()
    audit("reschedule-confirm")
    page.get_by_role("button", name="Move my appointment").click()
    assert "Your appointment has moved" in page.locator("main").inner_text()
    audit("moved")
    assert found == {}


@pytest.mark.parametrize("width", [360, 1280])
def test_the_review_and_confirmed_pages_fit_a_phone_and_a_desktop(open_page, clinic_setup, width):
    from datetime import datetime, time

    from bookings.forms import format_start
    from tests.bookings.conftest import LA, next_weekday_after

    _, therapist = clinic_setup
    start = datetime.combine(next_weekday_after(5, weekday=1), time(10), tzinfo=LA)
    page = open_page(
        f"/book/details/?service=follow-up&therapist={therapist.pk}&start={format_start(start)}",
        width=width,
    )
    page.get_by_label("Your full name").fill("Maximiliana Bartholomew-Featherstonehaugh")
    page.get_by_label("Email").fill("maximiliana.featherstonehaugh@example-clinic-patients.com")
    page.get_by_label("Phone").fill("+1 650 555 0100")
    page.get_by_label("What would you like help with? (optional)").fill("Calf cramps at night")
    page.get_by_role("button", name="Continue to review").click()
    assert "10:00 AM–10:30 AM Pacific time" in page.locator(".booking-review").inner_text()
    check(page, f"review-{width}")
    page.get_by_label("I agree to the clinic").check()
    page.get_by_role("button", name="Confirm booking").click()
    assert page.get_by_role("heading", name="Your appointment is booked").is_visible()
    assert page.get_by_role("link", name="manage this appointment").is_visible()
    check(page, f"confirmed-{width}")
