"""The intake questionnaire: question types, warning signs, drafts, consent, who may read the
answers (Alex the treating therapist and the front desk; never Sam, another therapist, nor a
content editor), the view log, encryption at rest, retention, export and deletion."""

import logging
from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from bookings.intake_questions import ensure_default_questions
from bookings.models import IntakeForm, IntakeQuestion, IntakeView
from bookings.services import intake as intake_services
from bookings.services import patients as patient_services
from tests.bookings.conftest import LA, make_appointment, make_service, next_weekday_after


@pytest.fixture(autouse=True)
def questions(db):
    """The built-in questions (a transactional test elsewhere may have flushed the migration's)."""
    ensure_default_questions(IntakeQuestion)


pytestmark = pytest.mark.django_db

SECRET = "Twisted my knee skiing at Tahoe"


@pytest.fixture
def assessment_service(db):
    service = make_service("initial-assessment", minutes=60, name="Initial assessment")
    service.needs_intake = True
    service.save(update_fields=["needs_intake"])
    return service


@pytest.fixture
def first_visit(alex, assessment_service):
    alex.services.add(assessment_service)
    day = next_weekday_after(7, weekday=2)
    return make_appointment(
        therapist=alex,
        service=assessment_service,
        starts_at=datetime.combine(day, time(10), tzinfo=LA),
        now=timezone.now(),
        notify=True,
    )


@pytest.fixture
def form(first_visit):
    return first_visit.intake


def url(form, section=""):
    return f"/intake/{form.token}/" + (f"{section}/" if section else "")


PROBLEM = {
    "date-of-birth": "1990-04-02",
    "problem": SECRET,
    "where": "Knee",
    "pain-now": "4",
    "pain-worst": "8",
}
SCREENING_CLEAR = {
    "chest-breathless": "no",
    "saddle-numbness": "no",
    "hot-calf": "no",
    "weight-loss": "no",
    "night-pain": "no",
}


def fill_everything(client, form, **screening):
    client.post(url(form, "problem"), PROBLEM)
    client.post(url(form, "screening"), {**SCREENING_CLEAR, **screening, "seen_advice": "1"})
    client.post(url(form, "history"), {})
    client.post(url(form, "activity"), {"goals": "Ski again"})
    client.post(url(form, "contacts"), {"emergency-contact": "Sam Doe +1 650 555 0101"})


def test_a_first_visit_gets_a_form_and_a_follow_up_does_not(first_visit, alex, follow_up):
    assert IntakeForm.objects.filter(appointment=first_visit).exists()
    other = make_appointment(
        therapist=alex,
        service=follow_up,
        starts_at=first_visit.starts_at + timedelta(hours=3),
        email="other@example.com",
        now=timezone.now(),
    )
    assert not IntakeForm.objects.filter(appointment=other).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pain-now", "11", "Select a valid choice"),
        ("where", "Left ear", "Select a valid choice"),
        ("date-of-birth", "2026-02-30", "Enter a valid date"),
        ("date-of-birth", "1800-01-01", "greater than or equal to"),
        ("problem", "x" * 2001, "at most 2000 characters"),
    ],
)
def test_each_question_type_refuses_bad_answers(client, form, field, value, message):
    response = client.post(url(form, "problem"), {**PROBLEM, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    form.refresh_from_db()
    assert form.sections_saved == []


def test_a_saved_section_survives_a_lost_connection(client, form):
    response = client.post(url(form, "problem"), PROBLEM)
    assert response.status_code == 302 and response["Location"] == url(form, "screening")
    # Another browser (the phone reconnected, the tab was lost) sees the draft.
    page = Client().get(url(form, "problem")).content.decode()
    assert SECRET in page and 'value="8"' in page
    form.refresh_from_db()
    assert form.sections_saved == ["problem"]


def test_an_emergency_sign_shows_what_to_do_and_keeps_the_answers(client, form):
    response = client.post(url(form, "screening"), {**SCREENING_CLEAR, "chest-breathless": "yes"})
    body = response.content.decode()
    assert response.status_code == 200  # the same page, not the next one
    assert "Call 911 now" in body
    form.refresh_from_db()
    assert form.flag == "emergency"
    assert intake_services.decrypt_answers(form)["chest-breathless"] == "yes"
    onward = client.post(
        url(form, "screening"), {**SCREENING_CLEAR, "chest-breathless": "yes", "seen_advice": "1"}
    )
    assert onward.status_code == 302 and onward["Location"] == url(form, "history")


def test_a_same_day_sign_says_see_a_doctor_today(client, form):
    body = client.post(url(form, "screening"), {**SCREENING_CLEAR, "hot-calf": "yes"})
    assert "Please see a doctor today." in body.content.decode()
    form.refresh_from_db()
    assert form.flag == "today"


def test_the_form_needs_every_required_answer_and_the_consent(client, form):
    client.post(url(form, "problem"), PROBLEM)
    missing = client.post(url(form, "done"), {"consent": "on"})
    assert missing.status_code == 400
    assert "Your emergency contact" not in missing.content.decode()
    assert "Emergency contact: name and phone" in missing.content.decode()
    fill_everything(client, form)
    no_consent = client.post(url(form, "done"), {})
    assert no_consent.status_code == 400
    assert "Please tick the consent to treatment" in no_consent.content.decode()
    done = client.post(url(form, "done"), {"consent": "on"})
    assert done.status_code == 302
    form.refresh_from_db()
    assert form.status == "done" and form.consented_at is not None


def test_a_minor_is_asked_for_a_guardian(client, form):
    born = (timezone.now() - timedelta(days=365 * 15)).date().isoformat()
    client.post(url(form, "problem"), {**PROBLEM, "date-of-birth": born})
    assert "Parent or guardian" in client.get(url(form, "contacts")).content.decode()
    client.post(url(form, "problem"), PROBLEM)
    assert "Parent or guardian" not in client.get(url(form, "contacts")).content.decode()


def test_the_database_holds_no_clear_text(client, form):
    client.post(url(form, "problem"), PROBLEM)
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers_encrypted FROM bookings_intakeform WHERE id = %s", [form.pk])
        (stored,) = cursor.fetchone()
    assert SECRET not in stored and "Tahoe" not in stored
    assert stored.startswith("gAAAA")  # a Fernet token


def test_answers_are_never_logged(client, form, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(url(form, "problem"), PROBLEM)
    assert SECRET not in caplog.text


def test_the_treating_therapist_and_front_desk_read_answers_and_each_view_is_recorded(
    client, form, alex_user, front_desk_user
):
    Client().post(url(form, "problem"), PROBLEM)
    staff_url = f"/schedule/appointments/{form.appointment_id}/intake/"
    client.force_login(alex_user)
    page = client.get(staff_url)
    assert page.status_code == 200 and SECRET in page.content.decode()
    client.force_login(front_desk_user)
    assert client.get(staff_url).status_code == 200
    assert list(IntakeView.objects.values_list("viewer__username", flat=True)) == [
        "desk",
        "alex",
    ]
    assert IntakeView.objects.filter(patient_id=form.appointment.patient_id).count() == 2


def test_another_therapist_and_a_content_editor_are_refused(client, form, sam_user, editor_user):
    Client().post(url(form, "problem"), PROBLEM)
    staff_url = f"/schedule/appointments/{form.appointment_id}/intake/"
    for user in (sam_user, editor_user):
        client.force_login(user)
        response = client.get(staff_url)
        assert response.status_code == 404
        assert SECRET not in response.content.decode()
    assert not IntakeView.objects.exists()


def test_warning_signs_come_first_for_the_therapist(client, form, alex_user):
    fill_everything(client, form, **{"night-pain": "yes"})
    client.force_login(alex_user)
    body = client.get(f"/schedule/appointments/{form.appointment_id}/intake/").content.decode()
    assert body.index("Pain at night that never eases") < body.index("Your date of birth")


def test_the_purge_deletes_answers_past_retention_and_counts(client, form, settings):
    Client().post(url(form, "problem"), PROBLEM)
    out = StringIO()
    call_command("purge_expired_health_data", stdout=out)
    assert "Deleted 0 intake forms" in out.getvalue()
    later = form.appointment.starts_at + timedelta(
        days=365 * settings.HEALTH_DATA_RETENTION_YEARS + 3
    )
    assert intake_services.purge_expired_health_data(now=later) == 1
    assert not IntakeForm.objects.exists()


def test_the_export_has_the_answers_and_deleting_the_account_removes_them(client, form):
    Client().post(url(form, "problem"), PROBLEM)
    patient = form.appointment.patient
    data = patient_services.patient_data(patient)
    assert data["intake_answers"][0]["answers"]["problem"] == SECRET
    patient_services.delete_patient_account(patient=patient)
    assert not IntakeForm.objects.exists()


def test_the_form_closes_when_the_visit_starts(client, form):
    form.appointment.starts_at = timezone.now() - timedelta(minutes=5)
    form.appointment.save(update_fields=["starts_at"])
    response = client.post(url(form, "problem"), PROBLEM)
    assert response.status_code == 302 and response["Location"] == url(form)
    assert "can no longer be changed" in client.get(url(form)).content.decode()


def test_the_day_shows_the_flag_and_whether_intake_is_done(
    client, form, alex_user, front_desk_user
):
    Client().post(url(form, "screening"), {**SCREENING_CLEAR, "hot-calf": "yes"})
    day = form.appointment.starts_at.astimezone(LA).date().isoformat()
    client.force_login(front_desk_user)
    page = client.get(f"/schedule/clinic/?date={day}").content.decode()
    assert "Warning sign in the intake form" in page
    assert "Intake: not finished" in page
    assert SECRET not in page
    client.force_login(alex_user)
    appointment_page = client.get(f"/schedule/appointments/{form.appointment_id}/").content.decode()
    assert "Read the answers" in appointment_page
    assert not IntakeView.objects.exists()  # the link is not a view


def test_the_booking_email_links_the_form_never_the_answers(
    first_visit, form, client, django_capture_on_commit_callbacks
):
    from bookings.models import OutgoingEmail
    from bookings.notifications import emails

    booked = OutgoingEmail.objects.get(appointment=first_visit, kind="booked")
    emails.write_queued_email(booked)  # as the first attempt to send it does
    assert f"/intake/{form.token}/" in booked.text and f"/intake/{form.token}/" in booked.html
    client.post(url(form, "problem"), PROBLEM)
    reminder = emails.queue_appointment_email(first_visit, kind=emails.REMINDER)
    assert f"/intake/{form.token}/" in reminder.text
    assert SECRET not in reminder.text and SECRET not in reminder.html
    fill_everything(client, form)
    client.post(url(form, "done"), {"consent": "on"})
    done_reminder = emails.queue_appointment_email(first_visit, kind=emails.REMINDER)
    assert "/intake/" not in done_reminder.text


def test_keys_rotate_and_old_answers_stay_readable(client, form, settings):
    from cryptography.fernet import Fernet

    from clinic.encryption import clear_key_cache

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.HEALTH_DATA_KEYS = [old]
    clear_key_cache()
    try:
        client.post(url(form, "problem"), PROBLEM)
        settings.HEALTH_DATA_KEYS = [new, old]
        clear_key_cache()
        form.refresh_from_db()
        assert intake_services.decrypt_answers(form)["problem"] == SECRET
        out = StringIO()
        call_command("reencrypt_health_data", stdout=out)
        assert "Re-encrypted 1 intake form." in out.getvalue()
        settings.HEALTH_DATA_KEYS = [new]
        clear_key_cache()
        form.refresh_from_db()
        assert intake_services.decrypt_answers(form)["problem"] == SECRET
    finally:
        clear_key_cache()


def test_a_second_upcoming_assessment_does_not_ask_again(first_visit, alex, assessment_service):
    again = make_appointment(
        therapist=alex,
        service=assessment_service,
        starts_at=first_visit.starts_at + timedelta(days=7),
        now=timezone.now(),
    )
    assert not IntakeForm.objects.filter(appointment=again).exists()
    assert IntakeForm.objects.filter(appointment=first_visit).exists()
