"""Changes to an appointment that mutation testing (`make mutate`) found unpinned: the history
line each change writes, a started visit's corrections, the edit form's patient, an attendance
correction, a deadlock, who is emailed when a move is refused, and a move's language.

Roles: the front desk (staff, `desk`) edits and moves appointments; the patient moves their own
online (by_patient=True, no actor); Alex and Sam are therapists.
"""

from datetime import UTC, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import translation

from bookings import services
from bookings.models import Appointment, AppointmentEvent, OutgoingEmail, Patient
from conditions.models import Condition
from tests.bookings.conftest import local, make_therapist

pytestmark = pytest.mark.django_db

NOW = local(2021, 1, 1, 12).astimezone(UTC)
TEN = local(2021, 1, 5, 10)  # a Tuesday


def book(therapist, service, starts_at, *, email="pat@example.com", **kwargs):
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=services.PatientDetails(name="Pat Example", email=email, phone="650 555 0100"),
        now=kwargs.pop("now", NOW),
        notify=False,
        **kwargs,
    )


def refusal_of(callable_, **kwargs):
    with pytest.raises(ValidationError) as error:
        callable_(**kwargs)
    return error.value


def last_event(appointment):
    return AppointmentEvent.objects.filter(appointment=appointment).latest("created_at", "pk")


def edit(appointment, *, actor, now=NOW, **changes):
    """The front desk's edit form, posting every field, `changes` replacing some."""
    fields = {
        "therapist": appointment.therapist,
        "service": appointment.service,
        "starts_at": appointment.starts_at,
        "status": appointment.status,
        "reason": appointment.reason,
        "condition": appointment.condition,
        "patient": appointment.patient,
    }
    fields.update(changes)
    return services.update_appointment(appointment=appointment, now=now, actor=actor, **fields)


@pytest.fixture(autouse=True)
def english():
    """Refusals in the site's default language, whatever a test of the French pages left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def sam(follow_up, massage):
    return make_therapist("Sam Okafor", services_offered=[follow_up, massage])


# --- a started visit's corrections --------------------------------------------------------------


def test_correcting_a_started_visit_names_both_changes_and_who_made_them(
    alex, sam, follow_up, massage, front_desk_user
):
    appointment = book(alex, follow_up, TEN)
    # Moved once already: the calendar has seen sequence 1.
    appointment = services.reschedule_appointment(
        appointment=appointment, starts_at=TEN + timedelta(hours=1), now=NOW, notify=False
    )
    assert appointment.sequence == 1
    started = TEN + timedelta(hours=1, minutes=5)
    corrected = edit(
        appointment, actor=front_desk_user, now=started, therapist=sam, service=massage
    )
    corrected.refresh_from_db()
    assert (corrected.therapist, corrected.service) == (sam, massage)
    assert corrected.ends_at == TEN + timedelta(hours=1, minutes=45)
    assert corrected.blocked_until == TEN + timedelta(hours=2)
    # Calendars replace their copy only when the sequence goes up, and by one per change.
    assert corrected.sequence == 2
    event = last_event(corrected)
    assert (event.action, event.actor) == (AppointmentEvent.Action.EDITED, front_desk_user)
    assert event.detail == (
        "Corrected therapist Alex Rivera to Sam Okafor and service Follow up to Sports massage"
    )


# --- the history line of a move -----------------------------------------------------------------


def test_a_move_to_another_therapist_at_the_same_time_says_so(alex, sam, follow_up):
    appointment = book(alex, follow_up, TEN)
    services.reschedule_appointment(
        appointment=appointment, starts_at=TEN, therapist=sam, by_patient=False, now=NOW
    )
    assert last_event(appointment).detail == "Moved from Alex Rivera to Sam Okafor"


def test_a_move_that_changes_nothing_says_so(alex, follow_up):
    appointment = book(alex, follow_up, TEN)
    services.reschedule_appointment(appointment=appointment, starts_at=TEN, now=NOW, notify=False)
    assert last_event(appointment).detail == "Moved (no change of time)"


# --- the edit form's details --------------------------------------------------------------------


def test_giving_the_appointment_to_another_patient_takes_their_name_and_phone(
    alex, follow_up, front_desk_user
):
    appointment = book(alex, follow_up, TEN)
    kim = Patient.objects.create(name="Kim Lee", email="kim@example.com", phone="650 555 0199")
    edited = edit(appointment, actor=front_desk_user, patient=kim)
    edited.refresh_from_db()
    assert edited.patient == kim
    assert (edited.patient_name, edited.patient_phone) == ("Kim Lee", "650 555 0199")
    assert last_event(edited).detail == "Changed patient"


def test_editing_the_reason_keeps_the_name_and_phone_the_patient_gave(
    alex, follow_up, front_desk_user
):
    appointment = book(alex, follow_up, TEN)
    Patient.objects.filter(pk=appointment.patient_id).update(name="Patricia", phone="000")
    appointment.refresh_from_db()
    calf = Condition.objects.create(
        title="Calf Cramps", slug="calf-cramps", summary="Cramps", status="published"
    )
    edited = edit(appointment, actor=front_desk_user, reason="Calf", condition=calf)
    edited.refresh_from_db()
    assert (edited.reason, edited.condition) == ("Calf", calf)
    assert (edited.patient_name, edited.patient_phone) == ("Pat Example", "650 555 0100")
    assert last_event(edited).detail == "Changed reason and condition"


def test_correcting_attendance_back_to_booked_changes_only_the_status(
    alex, follow_up, front_desk_user
):
    appointment = book(alex, follow_up, TEN)
    services.mark_attendance(appointment=appointment, attended=True, now=TEN)
    read_earlier = Appointment.objects.get(pk=appointment.pk)  # the form's copy, say
    services.reschedule_appointment(
        appointment=appointment,
        starts_at=TEN + timedelta(hours=1),
        by_patient=False,
        now=NOW,
        notify=False,
    )
    services.correct_attendance(
        appointment=read_earlier, status=Appointment.Status.BOOKED, actor=front_desk_user
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.starts_at == TEN + timedelta(hours=1)  # the move stands


# --- a move's language --------------------------------------------------------------------------


def test_a_patient_moving_it_on_a_french_page_makes_it_french(alex, follow_up):
    appointment = book(alex, follow_up, TEN)
    services.reschedule_appointment(
        appointment=appointment,
        starts_at=TEN + timedelta(hours=1),
        now=NOW,
        notify=False,
        language="fr-CA",
    )
    appointment.refresh_from_db()
    assert appointment.language == "fr"


# --- refusals -----------------------------------------------------------------------------------


def test_the_front_desk_moving_onto_the_patients_other_appointment_emails_no_one(
    alex, sam, follow_up
):
    book(alex, follow_up, TEN + timedelta(minutes=30))
    moving = book(sam, follow_up, TEN)
    error = refusal_of(
        services.reschedule_appointment,
        appointment=moving,
        starts_at=TEN + timedelta(minutes=15),
        by_patient=False,
        now=NOW,
    )
    assert error.code == "patient_busy"
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.ATTEMPT).exists()


class DeadlockDetected(Exception):
    pgcode = "40P01"


class LockNotAvailable(Exception):
    pgcode = "55P03"


def test_a_move_that_loses_a_deadlock_is_told_the_time_was_taken(alex, follow_up, monkeypatch):
    appointment = book(alex, follow_up, TEN)

    def deadlocked(self, *args, **kwargs):
        raise OperationalError("deadlock detected") from DeadlockDetected()

    # Two moves swapping each other's times: PostgreSQL aborts one of them mid-save.
    monkeypatch.setattr(Appointment, "save", deadlocked)
    error = refusal_of(
        services.reschedule_appointment,
        appointment=appointment,
        starts_at=TEN + timedelta(hours=1),
        now=NOW,
        notify=False,
    )
    assert error.code == "slot_taken"
    assert error.messages == ["That time has just been booked."]
    monkeypatch.undo()
    appointment.refresh_from_db()
    assert appointment.starts_at == TEN


def test_a_database_error_other_than_a_deadlock_is_not_disguised(alex, follow_up, monkeypatch):
    appointment = book(alex, follow_up, TEN)

    def refused(self, *args, **kwargs):
        raise OperationalError("lock not available") from LockNotAvailable()

    monkeypatch.setattr(Appointment, "save", refused)
    with pytest.raises(OperationalError):
        services.reschedule_appointment(
            appointment=appointment, starts_at=TEN + timedelta(hours=1), now=NOW, notify=False
        )


# --- the history row ----------------------------------------------------------------------------


def test_a_change_by_a_visitor_who_is_not_logged_in_records_no_actor(alex, follow_up):
    appointment = book(alex, follow_up, TEN, actor=AnonymousUser())
    event = last_event(appointment)
    assert (event.action, event.actor) == (AppointmentEvent.Action.BOOKED, None)


def test_a_history_line_is_cut_to_the_300_characters_it_can_hold(follow_up, massage):
    # Names at their longest (120 characters) make the move's line longer than its column.
    alex = make_therapist("Alexandra " * 11 + "Rivera", services_offered=[follow_up, massage])
    sam = make_therapist("Samuel " * 16 + "Okafor", services_offered=[follow_up, massage])
    appointment = book(alex, follow_up, TEN)
    services.reschedule_appointment(
        appointment=appointment,
        starts_at=TEN + timedelta(hours=1),
        therapist=sam,
        service=massage,
        by_patient=False,
        now=NOW,
        notify=False,
    )
    detail = last_event(appointment).detail
    assert len(detail) == 300
    assert detail.startswith("Moved from Tue 5 Jan 10:00 to Tue 5 Jan 11:00, from Alexandra")
