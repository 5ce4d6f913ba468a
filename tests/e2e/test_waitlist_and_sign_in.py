"""In Chromium on a 360 px phone: a patient joins the waiting list, is offered a freed time by
email and books it; another signs in to "My appointments" with the emailed link."""

import re
import time as time_module
from datetime import datetime, time

import pytest
from django.core import mail

from bookings import services
from bookings.models import Appointment, SlotOffer, WaitlistEntry
from tests.bookings.conftest import (
    LA,
    make_appointment,
    make_service,
    make_therapist,
    next_weekday_after,
)
from tests.conftest import has_horizontal_overflow, screenshot
from tests.e2e.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def emails_to(address, *, wait=5.0):
    """The emails sent to `address`, waiting a moment: the outbox's courier thread sends them."""
    deadline = time_module.monotonic() + wait
    while True:
        found = [message for message in mail.outbox if message.to == [address]]
        if found or time_module.monotonic() > deadline:
            return found
        time_module.sleep(0.05)


def link_in(message, pattern):
    return re.search(pattern, message.body)[0]


def test_a_patient_joins_the_waiting_list_and_books_the_freed_time(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    follow_up = make_service("follow-up", minutes=30, name="Follow-up")
    alex = make_therapist("Alex Rivera", services_offered=[follow_up], hours=((time(9), time(10)),))
    day = next_weekday_after(5, weekday=1)
    held = [
        make_appointment(
            therapist=alex,
            service=follow_up,
            starts_at=datetime.combine(day, time(9, minute), tzinfo=LA),
            email=f"holder{minute}@example.com",
        )
        for minute in (0, 30)
    ]
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/waitlist/?service=follow-up&day={day.isoformat()}")
        assert page.get_by_role("heading", name="Join the waiting list").is_visible()
        assert not has_horizontal_overflow(page)
        assert axe_violations(page) == []
        # Only that day: the next weeks' Tuesdays are free, and would be offered at once.
        page.get_by_label("Until").fill(day.isoformat())
        page.get_by_label("Your full name").fill("Wen Waiting")
        page.get_by_label("Email").fill("wen@example.com")
        page.get_by_label("Phone").fill("(650) 815-6552")
        page.get_by_role("button", name="Join the waiting list").click()
        assert page.get_by_role("heading", name="Your waiting-list request").is_visible()
        screenshot(page, "waitlist-joined-360")
        entry = WaitlistEntry.objects.get()
        assert entry.phone == "+16508156552" and entry.status == "waiting"
        assert not SlotOffer.objects.exists()
        assert any("waiting list" in message.subject for message in mail.outbox)

        # The 9:00 patient cancels: the time is offered to Wen by email, after commit.
        mail.outbox.clear()
        services.cancel_appointment(appointment=held[0], by_patient=False, notify=False)
        (offer_email,) = emails_to("wen@example.com")
        page.goto(link_in(offer_email, r"http://[^\s]+/waitlist/offers/[^\s/]+/"))
        assert page.get_by_role("heading", name="A time has freed up").is_visible()
        assert axe_violations(page) == []
        screenshot(page, "waitlist-offer-360")
        page.get_by_role("button", name="Book this time").click()
        assert page.get_by_role("heading", name="Your appointment").is_visible()
        booked = Appointment.objects.get(patient__email="wen@example.com")
        assert booked.starts_at == held[0].starts_at and booked.status == "booked"
        assert SlotOffer.objects.get().state == "claimed"
        assert WaitlistEntry.objects.get().status == "booked"
    finally:
        context.close()


def test_a_patient_signs_in_and_sees_their_appointments(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    follow_up = make_service("follow-up", minutes=30, name="Follow-up")
    alex = make_therapist("Alex Rivera", services_offered=[follow_up])
    day = next_weekday_after(5, weekday=1)
    mine = make_appointment(
        therapist=alex,
        service=follow_up,
        starts_at=datetime.combine(day, time(10), tzinfo=LA),
        email="pat@example.com",
    )
    make_appointment(
        therapist=alex,
        service=follow_up,
        starts_at=datetime.combine(day, time(11), tzinfo=LA),
        email="other@example.com",
    )
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/my/")
        assert axe_violations(page) == []
        page.get_by_label("Your email").fill("pat@example.com")
        page.get_by_role("button", name="Email me a sign-in link").click()
        assert page.get_by_role("heading", name="Check your email").is_visible()
        (message,) = emails_to("pat@example.com")
        page.goto(link_in(message, r"http://[^\s]+/my/sign-in/[^\s/]+/"))
        page.get_by_role("button", name="Sign in").click()
        assert page.get_by_role("heading", name="My appointments").is_visible()
        shown = page.locator("main").inner_text()
        assert "Follow-up" in shown and "Signed in as" in shown
        assert page.locator(f'a[href="/appointments/{mine.manage_token}/"]').count() == 1
        assert "other@example.com" not in page.content()
        assert not has_horizontal_overflow(page)
        assert axe_violations(page) == []
        screenshot(page, "my-appointments-360")
        page.get_by_role("button", name="Sign out").click()
        assert page.get_by_role("button", name="Email me a sign-in link").is_visible()
    finally:
        context.close()
