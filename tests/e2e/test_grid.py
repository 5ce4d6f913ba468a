"""The front desk's time grid in headless Chromium: a caller booked from a free gap with the
keyboard only, an appointment moved to another therapist's gap and cancelled, on a phone and a
desktop, with axe on every page of it.

Roles: the front desk (desk); Alex and Sam, two therapists; the patients are callers.
"""

from datetime import datetime, time, timedelta

import pytest

from bookings import services
from bookings.availability import clinic_zone, local_today
from bookings.models import Appointment
from tests.bookings.conftest import make_service, make_therapist, make_user
from tests.conftest import has_horizontal_overflow, screenshot
from tests.e2e.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinic_day():
    follow_up = make_service("follow-up", minutes=30, name="Follow-up")
    alex = make_therapist("Alex Rivera", services_offered=[follow_up])
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    make_user("desk", groups=["Front desk"], staff=True)
    day = local_today() + timedelta(days=7)
    booked = services.book_appointment(
        service=follow_up,
        therapist=alex,
        starts_at=datetime.combine(day, time(10), tzinfo=clinic_zone()),
        patient=services.PatientDetails(
            name="Morgan Early", email="morgan@example.com", phone="650 555 0100"
        ),
        notify=False,
    )
    return day, alex, sam, booked


def log_in(open_page, width):
    page = open_page("/accounts/login/?next=/schedule/clinic/", width=width, bypass_csp=True)
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill("desk-pass-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def tab_to(page, text: str, limit: int = 250) -> None:
    """Press Tab until the focused element's accessible text starts with `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return (e.getAttribute('aria-label') || e.labels?.[0]?.innerText || e.innerText"
            " || e.value || '').trim(); }"
        )
        if " ".join(focused.split()).startswith(text):
            return
    raise AssertionError(f"Tab never reached {text!r}")


@pytest.mark.parametrize("width", [360, 1280])
def test_a_caller_is_booked_from_a_gap_with_the_keyboard_only(
    open_page, live_server, clinic_day, width
):
    day, alex, _sam, _booked = clinic_day
    page = log_in(open_page, width)
    page.goto(f"{live_server.url}/schedule/clinic/?date={day}")
    assert page.get_by_role("heading", name="Clinic day").is_visible()
    assert not has_horizontal_overflow(page)
    screenshot(page, f"grid-clinic-day-{width}")
    assert axe_violations(page) == []
    # The first free time of Alex's day, 9:00-10:00, then the form.
    tab_to(page, "Book Alex Rivera, free 9:00")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Book a caller with Alex Rivera").is_visible()
    assert not has_horizontal_overflow(page)
    assert axe_violations(page) == []
    tab_to(page, "Name, email or phone")
    page.keyboard.type("nobody-like-this")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("No patient matches").is_visible()
    tab_to(page, "Your full name")
    page.keyboard.type("Casey Caller")
    tab_to(page, "Email")
    page.keyboard.type("casey@example.com")
    tab_to(page, "Phone")
    page.keyboard.type("650 555 0123")
    tab_to(page, "Start time")
    page.keyboard.press("ArrowDown")  # 9:15
    tab_to(page, "Reason for the visit")
    page.keyboard.type("Knee pain after running")
    tab_to(page, "Book by phone")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Casey Caller is booked for Follow-up with Alex Rivera").is_visible(), (
        page.locator("main").inner_text()
    )
    screenshot(page, f"grid-booked-{width}")
    appointment = Appointment.objects.get(patient__email="casey@example.com")
    assert appointment.source == Appointment.Source.PHONE
    assert appointment.starts_at.astimezone(clinic_zone()).time() == time(9, 15)
    assert page.locator(".tg-block.tg-appointment", has_text="Casey Caller").is_visible()


def test_an_appointment_is_moved_and_cancelled_from_the_grid(open_page, live_server, clinic_day):
    day, _alex, sam, booked = clinic_day
    page = log_in(open_page, 1280)
    page.goto(f"{live_server.url}/schedule/clinic/?date={day}")
    page.locator(".tg-block.tg-appointment").get_by_role("link", name="Morgan Early").click()
    page.get_by_role("link", name="Move to another time").click()
    assert page.get_by_text("Moving Morgan Early's Follow-up").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Move here Sam Okafor, free 9:00").click()
    page.get_by_label("Start time").select_option(label="11:00 AM")
    page.get_by_role("button", name="Move it here").click()
    assert page.get_by_text("Morgan Early's appointment is moved").is_visible()
    booked.refresh_from_db()
    assert booked.therapist == sam
    assert booked.starts_at.astimezone(clinic_zone()).time() == time(11)
    page.locator(".tg-block.tg-appointment").get_by_role("link", name="Morgan Early").click()
    page.get_by_role("link", name="Cancel the appointment").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Yes, cancel it").click()
    assert page.get_by_text("is cancelled, and they are emailed").is_visible()
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED
    assert page.locator(".tg-block.tg-appointment").count() == 0


@pytest.mark.parametrize("width", [360, 1280])
def test_the_rooms_view_and_a_therapists_week_pass_axe(open_page, live_server, clinic_day, width):
    from bookings.models import Resource

    Resource.objects.create(name="Room 1", kind="room")
    day, alex, _sam, _booked = clinic_day
    page = log_in(open_page, width)
    for path in (
        f"/schedule/clinic/?date={day}&by=rooms",
        f"/schedule/?therapist={alex.pk}&date={day}&view=week",
    ):
        page.goto(live_server.url + path)
        assert not has_horizontal_overflow(page), path
        screenshot(page, f"grid-{'rooms' if 'rooms' in path else 'week'}-{width}")
        assert axe_violations(page) == [], path
