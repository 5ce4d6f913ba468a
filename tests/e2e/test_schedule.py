"""A patient books through /book/; their therapist logs in and finds the booking on the schedule.

Headless Chromium, at phone and desktop widths. Roles: the patient (anonymous), Alex (the
therapist booked), the front desk (every schedule, the clinic day).
"""

from datetime import datetime, time, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from bookings import services
from bookings.availability import clinic_zone, local_today
from bookings.models import Appointment, TimeOff
from tests.bookings.conftest import make_service, make_therapist, make_user
from tests.conftest import has_horizontal_overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinic_setup(settings, live_server):
    settings.SITE_URL = live_server.url
    seed = Path(__file__).resolve().parents[1] / "conditions" / "data" / "calf-cramps.txt"
    call_command("import_condition", str(seed), "--publish", stdout=StringIO())
    follow_up = make_service("follow-up", minutes=30, name="Follow-up")
    alex = make_therapist("Alex Rivera", services_offered=[follow_up])
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    alex.user = make_user("alex", groups=["Therapists"])
    alex.save(update_fields=["user"])
    make_user("desk", groups=["Front desk"], staff=True)
    return follow_up, alex, sam


def log_in(page, live_server, username):
    assert page.get_by_role("heading", name="Staff log in").is_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"{username}-pass-123")
    page.get_by_role("button", name="Log in").click()


def check(page, name):
    screenshot(page, f"schedule-{name}")
    assert not has_horizontal_overflow(page), name
    assert page.console_errors == [], name


def test_a_therapist_logs_in_and_sees_the_booking_a_patient_just_made(
    open_page, clinic_setup, live_server
):
    follow_up, alex, sam = clinic_setup
    # The patient, on a phone, books Alex from the calf cramps article.
    page = open_page(
        f"/book/?condition=calf-cramps&service=follow-up&therapist={alex.pk}", width=360
    )
    page.get_by_role("link", name="Next week").click()
    page.locator("a.booking-day").first.click()
    page.locator(".booking-times a").first.click()
    page.get_by_label("Your full name").fill("Riley Booker")
    page.get_by_label("Email").fill("riley@example.com")
    page.get_by_label("Phone").fill("+1 650 555 0123")
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_label("I agree to the clinic").check()
    page.get_by_role("button", name="Confirm booking").click()
    assert page.get_by_role("heading", name="Your appointment is booked").is_visible()
    appointment = Appointment.objects.get()
    day = appointment.starts_at.astimezone(clinic_zone()).date()
    clock = appointment.starts_at.astimezone(clinic_zone()).strftime("%I:%M %p").lstrip("0")

    for width in (1280, 360):
        # Alex, logged out, follows a link to that day: log in first, then straight there.
        page = open_page(f"/schedule/?date={day}", width=width)
        assert "/accounts/login/" in page.url
        log_in(page, live_server, "alex")
        page.wait_for_url(f"{live_server.url}/schedule/?date={day}")
        main = page.locator("main").inner_text()
        assert page.get_by_role("heading", name="My schedule").is_visible()
        assert "Riley Booker" in main
        assert "+1 650-555-0123" in main  # stored E.164, shown formatted
        assert "Calf Cramps" in main
        assert "Follow-up" in main
        assert clock in main
        assert page.locator("a[href='tel:+16505550123']").count() == 1
        check(page, f"therapist-day-{width}")

        page.get_by_role("link", name="Week", exact=True).click()
        assert "Riley Booker" in page.locator("main").inner_text()
        check(page, f"therapist-week-{width}")

        page.get_by_role("link", name="Riley Booker").click()
        assert page.get_by_role("heading", name="History").is_visible()
        assert "Booked online for" in page.locator("main").inner_text()
        check(page, f"appointment-{width}")

    # Sam's schedule is not Alex's: the front desk sees both, Alex's colleague neither.
    page = open_page(f"/schedule/clinic/?date={day}", width=1280)
    log_in(page, live_server, "desk")
    page.wait_for_url(f"{live_server.url}/schedule/clinic/?date={day}")
    assert page.locator(".tg-col").count() == 2
    assert "Riley Booker" in page.locator(".tg-col").first.inner_text()
    check(page, "clinic-1280")


def test_attendance_and_time_off_in_the_browser(open_page, clinic_setup, live_server):
    follow_up, alex, sam = clinic_setup
    today = local_today()
    start = datetime.combine(today, time(9), tzinfo=clinic_zone())
    for offset, name in [(0, "Morgan Early"), (1, "Jamie Later")]:
        services.book_appointment(
            service=follow_up,
            therapist=alex,
            starts_at=start + timedelta(hours=offset),
            patient=services.PatientDetails(
                name=name, email=f"{name.split()[0].lower()}@example.com", phone="650 555 0100"
            ),
            reason="Sore calf after a long run",
            now=start - timedelta(days=3),
            notify=False,
        )
    TimeOff.objects.create(
        therapist=alex,
        starts_at=datetime.combine(today, time(14), tzinfo=clinic_zone()),
        ends_at=datetime.combine(today, time(15), tzinfo=clinic_zone()),
        reason="Team meeting",
    )
    page = open_page("/schedule/", width=360)
    log_in(page, live_server, "alex")
    page.wait_for_url(f"{live_server.url}/schedule/")
    check(page, "today-360")
    page.get_by_role("button", name="Attended: Morgan Early").click()
    assert "Morgan Early marked as attended." in page.locator("main").inner_text()
    page.get_by_role("button", name="Undo attended: Morgan Early").click()
    assert "Morgan Early is back to booked." in page.locator("main").inner_text()
    page.get_by_role("button", name="No-show: Jamie Later").click()
    check(page, "after-attendance-360")
    assert Appointment.objects.get(patient__name="Jamie Later").status == "no_show"

    page.get_by_role("link", name="Block time off").click()
    future = today + timedelta(days=10)
    page.get_by_label("From").fill(f"{future}T09:00")
    page.get_by_label("Until").fill(f"{future}T12:00")
    page.get_by_label("Reason (optional, staff only)").fill("Conference")
    page.get_by_role("button", name="Block this time").click()
    assert "Time off blocked for Alex Rivera" in page.locator("main").inner_text()
    check(page, "time-off-360")
    assert TimeOff.objects.filter(reason="Conference", created_by__username="alex").exists()

    page = open_page("/schedule/day-sheet/", width=1280)
    log_in(page, live_server, "alex")
    page.wait_for_url(f"{live_server.url}/schedule/day-sheet/")
    check(page, "day-sheet-screen")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator("table").is_visible()
    screenshot(page, "schedule-day-sheet-print")
