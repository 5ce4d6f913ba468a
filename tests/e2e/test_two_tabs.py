"""Two tabs of one browser share a session: each tab's "Confirm booking" books what it showed."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail

from bookings.forms import format_start
from bookings.models import Appointment, Patient
from tests.bookings.conftest import LA, make_service, make_therapist, next_weekday_after
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_details(page, *, name, email, phone, reason):
    page.get_by_label("Your full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Phone").fill(phone)
    page.get_by_label("What would you like help with? (optional)").fill(reason)
    page.get_by_role("button", name="Continue to review").click()
    assert page.get_by_role("heading", name="Check and confirm").is_visible()


def test_tab_a_books_patient_a_after_tab_b_typed_patient_bs_details(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    follow_up = make_service("follow-up", minutes=30, name="Follow-up")
    therapist = make_therapist("Alex Rivera", services_offered=[follow_up])
    start_a = datetime.combine(next_weekday_after(5, weekday=1), time(10), tzinfo=LA)
    start_b = start_a + timedelta(hours=1)

    def details_url(start):
        return (
            f"{live_server.url}/book/details/?service=follow-up&therapist={therapist.pk}"
            f"&start={format_start(start)}"
        )

    # One context: one cookie jar, so both tabs share the session, as in a real browser.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        tab_a = context.new_page()
        tab_a.goto(details_url(start_a))
        fill_details(
            tab_a,
            name="Pat Example",
            email="pat@example.com",
            phone="+1 650 555 0100",
            reason="Cramp in the calf at night",
        )
        assert "Pat Example" in tab_a.locator(".booking-review").inner_text()

        tab_b = context.new_page()
        tab_b.goto(details_url(start_b))
        fill_details(
            tab_b,
            name="Bea Other",
            email="bea@example.com",
            phone="+1 415 555 0199",
            reason="Sore knee",
        )
        assert "Bea Other" in tab_b.locator(".booking-review").inner_text()

        tab_a.bring_to_front()
        tab_a.get_by_label("I agree to the clinic").check()
        tab_a.get_by_role("button", name="Confirm booking").click()
        assert tab_a.get_by_role("heading", name="Your appointment is booked").is_visible()
        screenshot(tab_a, "two-tabs-a-confirmed")
        shown = tab_a.locator("main").inner_text()
        assert "pat@example.com" in shown and "Pat Example" in shown
        assert "Bea" not in shown and "bea@example.com" not in shown

        booked = Appointment.objects.select_related("patient").get()
        assert booked.starts_at == start_a
        assert (booked.patient.name, booked.patient.email, booked.patient.phone) == (
            "Pat Example",
            "pat@example.com",
            "+16505550100",  # stored in E.164
        )
        assert booked.reason == "Cramp in the calf at night"
        assert not Patient.objects.filter(email__iexact="bea@example.com").exists()
        (message,) = mail.outbox
        assert message.to == ["pat@example.com"]
        assert "Bea" not in message.body and "Sore knee" not in message.body
    finally:
        context.close()
