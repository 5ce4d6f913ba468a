"""axe-core in headless Chromium: no WCAG 2.x A or AA violation on the staff schedule pages.

Logged in as the front desk (every page, the therapist chooser) and as a therapist (today's
attendance buttons), at phone and desktop widths.
"""

from datetime import datetime, time, timedelta

import pytest

from bookings import services
from bookings.availability import clinic_zone, local_today
from bookings.models import Appointment, TimeOff
from tests.bookings.conftest import make_service, make_therapist, make_user
from tests.conftest import has_horizontal_overflow, screenshot
from tests.e2e.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def schedule_data():
    follow_up = make_service("follow-up", minutes=30, name="Follow-up")
    alex = make_therapist("Alex Rivera", services_offered=[follow_up])
    make_therapist("Sam Okafor", services_offered=[follow_up])
    alex.user = make_user("alex", groups=["Therapists"])
    alex.save(update_fields=["user"])
    make_user("desk", groups=["Front desk"], staff=True)
    today = local_today()
    start = datetime.combine(today, time(9), tzinfo=clinic_zone())
    booked = []
    for offset, name in enumerate(["Morgan Early", "Jamie Later", "Casey Gone"]):
        booked.append(
            services.book_appointment(
                service=follow_up,
                therapist=alex,
                starts_at=start + timedelta(hours=offset),
                patient=services.PatientDetails(
                    name=name, email=f"{name.split()[0].lower()}@example.com", phone="650 555 0100"
                ),
                reason="Sore calf",
                now=start - timedelta(days=3),
                notify=False,
            )
        )
    services.mark_attendance(appointment=booked[0], attended=True)
    services.cancel_appointment(appointment=booked[2], by_patient=False, notify=False)
    TimeOff.objects.create(
        therapist=alex,
        starts_at=start + timedelta(hours=5),
        ends_at=start + timedelta(hours=6),
        reason="Team meeting",
    )
    # Always upcoming, whatever the hour the suite runs: the time-off page lists it with its
    # red Remove button, which axe checks.
    TimeOff.objects.create(
        therapist=alex,
        starts_at=start + timedelta(days=2),
        ends_at=start + timedelta(days=2, hours=1),
        reason="Course",
    )
    return alex, booked


def pages_for(alex, appointment: Appointment):
    return [
        "/schedule/",
        "/schedule/?view=week",
        f"/schedule/?therapist={alex.pk}",
        "/schedule/clinic/",
        f"/schedule/day-sheet/?therapist={alex.pk}",
        f"/schedule/appointments/{appointment.pk}/",
        "/schedule/time-off/",
        "/schedule/?date=not-a-date",
    ]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("username", ["desk", "alex"])
def test_schedule_pages_have_no_wcag_aa_violations(
    open_page, live_server, schedule_data, width, username
):
    alex, booked = schedule_data
    page = open_page("/accounts/login/", width=width, bypass_csp=True)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"{username}-pass-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    found = {}
    for path in pages_for(alex, booked[0]):
        if username == "alex" and path.startswith(("/schedule/clinic/", "/schedule/?therapist")):
            continue
        page.goto(live_server.url + path)
        assert not has_horizontal_overflow(page), path
        if width == 360 and username == "desk":
            name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
            screenshot(page, f"schedule-page-360-{name}")
        violations = axe_violations(page)
        if violations:
            screenshot(page, f"axe-schedule-{username}-{width}-{len(found)}")
            found[path] = violations
    assert found == {}
