"""The whole intake questionnaire in Chromium on a 360 px phone, with axe on every section: a
warning sign's advice shows the moment "yes" is ticked, without JavaScript, and the answers
reach the therapist."""

from datetime import datetime, time

import pytest
from django.utils import timezone

from bookings.intake_questions import ensure_default_questions
from bookings.models import IntakeForm, IntakeQuestion
from bookings.services import intake as intake_services
from tests.bookings.conftest import (
    LA,
    make_appointment,
    make_service,
    make_therapist,
    next_weekday_after,
)
from tests.conftest import has_horizontal_overflow, screenshot
from tests.e2e.test_accessibility import axe_violations


@pytest.fixture(autouse=True)
def questions(db):
    """The built-in questions (a transactional test elsewhere may have flushed the migration's)."""
    ensure_default_questions(IntakeQuestion)


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_fills_the_questionnaire_on_a_phone(browser, live_server):
    service = make_service("initial-assessment", minutes=60, name="Initial assessment")
    service.needs_intake = True
    service.save(update_fields=["needs_intake"])
    therapist = make_therapist("Alex Rivera", services_offered=[service])
    appointment = make_appointment(
        therapist=therapist,
        service=service,
        starts_at=datetime.combine(next_weekday_after(7, weekday=2), time(10), tzinfo=LA),
        now=timezone.now(),
    )
    form = appointment.intake
    context = browser.new_context(viewport={"width": 360, "height": 780}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/intake/{form.token}/")
        assert axe_violations(page) == []
        page.get_by_role("link", name="Start").click()

        assert page.get_by_role("heading", name="Your problem").is_visible()
        page.get_by_label("Your date of birth").fill("1990-04-02")
        page.get_by_label("What is the problem, and how did it start?").fill("Knee pain skiing")
        page.get_by_role("group", name="Where does it hurt most?").get_by_role(
            "radio", name="Knee"
        ).check()
        page.get_by_role("group", name="Your pain now").get_by_role("radio", name="4").check()
        page.get_by_role("group", name="Your pain at its worst in the last week").get_by_text(
            "8", exact=True
        ).click()
        assert not has_horizontal_overflow(page)
        assert axe_violations(page) == []
        screenshot(page, "intake-problem-360")
        page.get_by_role("button", name="Save and continue").click()

        assert page.get_by_role("heading", name="Warning signs").is_visible()
        advice = page.get_by_text("If you have this now: call 911.").first
        assert not advice.is_visible()
        chest = page.get_by_role(
            "group", name="Chest pain, or breathlessness that is new or getting worse"
        )
        chest.get_by_role("radio", name="Yes").check()
        assert advice.is_visible()  # at once, before anything is sent
        for name in [
            "Numbness between the legs",
            "A calf that is swollen",
            "Weight loss you cannot explain",
            "Pain at night that never eases",
        ]:
            page.locator("fieldset", has_text=name).get_by_role("radio", name="No").check()
        assert axe_violations(page) == []
        screenshot(page, "intake-warning-360")
        page.get_by_role("button", name="Save and continue").click()
        assert page.get_by_role("alert").filter(has_text="Call 911 now").is_visible()
        saved = IntakeForm.objects.get(pk=form.pk)
        assert saved.flag == "emergency"
        assert intake_services.decrypt_answers(saved)["problem"] == "Knee pain skiing"
        page.get_by_role("button", name="I understand: continue").click()

        assert page.get_by_role("heading", name="Your health").is_visible()
        page.get_by_role("button", name="Save and continue").click()
        page.get_by_label("What would you like to be able to do again?").fill("Ski again")
        page.get_by_role("button", name="Save and continue").click()
        page.get_by_label("Emergency contact: name and phone").fill("Sam +1 650 555 0101")
        page.get_by_role("button", name="Save and continue").click()

        assert page.get_by_role("heading", name="Consent and finish").is_visible()
        assert axe_violations(page) == []
        page.get_by_label("I agree to be assessed and treated").check()
        page.get_by_role("button", name="Send my form").click()
        assert page.get_by_text("your therapist has your answers").is_visible()
        screenshot(page, "intake-done-360")
        assert IntakeForm.objects.get(pk=form.pk).status == "done"
    finally:
        context.close()
