from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bookings import services
from bookings.models import Appointment, Patient, TimeOff
from tests.bookings.conftest import local, make_service, make_therapist

pytestmark = pytest.mark.django_db

NOW = local(2027, 1, 1, 12)
TEN = local(2027, 1, 4, 10)  # a Monday


def book(therapist, service, starts_at, *, email="pat@example.com", now=NOW, **kwargs):
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=services.PatientDetails(name="Pat Example", email=email, phone="650 555 0100"),
        now=now,
        notify=False,
        **kwargs,
    )


def code_of(callable_, *args, **kwargs):
    with pytest.raises(ValidationError) as error:
        callable_(*args, **kwargs)
    return error.value.code


def test_it_books_the_time_with_its_buffer_and_an_unguessable_token(alex, massage):
    appointment = book(alex, massage, TEN, reason="  Calf cramps ")
    assert appointment.ends_at == TEN + timedelta(minutes=45)
    assert appointment.blocked_until == TEN + timedelta(minutes=60)
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.reason == "Calf cramps"
    assert appointment.source == Appointment.Source.ONLINE
    assert len(appointment.manage_token) >= 43  # 32 random bytes, base64
    assert appointment.patient.email == "pat@example.com"


def test_it_finds_the_patient_again_by_email_in_any_case(alex, follow_up):
    first = book(alex, follow_up, TEN, email="Pat@Example.com")
    second = services.book_appointment(
        service=follow_up,
        therapist=alex,
        starts_at=TEN + timedelta(hours=1),
        patient=services.PatientDetails(
            name="Pat Q. Example", email="pat@EXAMPLE.com", phone="650 555 0199"
        ),
        now=NOW,
        notify=False,
    )
    assert first.patient_id == second.patient_id
    assert Patient.objects.count() == 1
    # Each appointment keeps what was typed for it; the patient's row keeps the first.
    assert (second.patient_name, second.patient_phone) == ("Pat Q. Example", "650 555 0199")
    first.refresh_from_db()
    assert (first.patient_name, first.patient_phone) == ("Pat Example", "650 555 0100")
    patient = Patient.objects.get()
    assert patient.name == "Pat Example" and patient.phone == "650 555 0100"


def test_an_online_booking_with_a_known_email_never_rewrites_the_patient(alex, follow_up):
    patient = Patient.objects.create(
        name="Pat Real", email="patient@example.com", phone="+1 650 555 0100"
    )
    stamp = patient.updated_at
    mine = book(alex, follow_up, TEN, email="patient@example.com")
    theirs = services.book_appointment(
        service=follow_up,
        therapist=alex,
        starts_at=TEN + timedelta(hours=1),
        patient=services.PatientDetails(
            name="Someone Else", email="Patient@Example.COM", phone="+1 900 555 0666"
        ),
        now=NOW,
        notify=False,
    )
    assert theirs.patient_id == patient.pk == mine.patient_id
    patient.refresh_from_db()
    assert (patient.name, patient.email, patient.phone) == (
        "Pat Real",
        "patient@example.com",
        "+1 650 555 0100",
    )
    assert patient.updated_at == stamp
    assert (theirs.patient_name, theirs.patient_phone) == ("Someone Else", "+1 900 555 0666")
    mine.refresh_from_db()
    assert (mine.patient_name, mine.patient_phone) == ("Pat Example", "650 555 0100")


def test_a_new_patient_is_created_from_the_typed_details(alex, follow_up):
    appointment = services.book_appointment(
        service=follow_up,
        therapist=alex,
        starts_at=TEN,
        patient=services.PatientDetails(
            name=" New Person ", email=" new@example.com ", phone=" 650 555 0142 "
        ),
        now=NOW,
        notify=False,
    )
    patient = Patient.objects.get()
    assert (patient.name, patient.email, patient.phone) == (
        "New Person",
        "new@example.com",
        "650 555 0142",
    )
    assert (appointment.patient_name, appointment.patient_phone) == ("New Person", "650 555 0142")


def test_the_front_desk_booking_a_patient_keeps_their_name_and_phone_on_it(alex, follow_up):
    patient = Patient.objects.create(name="Walk In", email="walk@example.com", phone="6505550100")
    appointment = services.book_appointment(
        service=follow_up,
        therapist=alex,
        starts_at=TEN,
        patient=patient,
        source=Appointment.Source.FRONT_DESK,
        now=NOW,
        notify=False,
    )
    assert (appointment.patient_name, appointment.patient_phone) == ("Walk In", "6505550100")


def test_the_database_refuses_a_second_patient_with_the_same_email_in_another_case(db):
    Patient.objects.create(name="A", email="same@example.com", phone="1")
    with pytest.raises(IntegrityError):
        Patient.objects.create(name="B", email="SAME@example.com", phone="2")


@pytest.mark.parametrize(
    ("starts_at", "now", "code"),
    [
        (local(2027, 1, 4, 10), local(2027, 1, 4, 11), "in_past"),
        (local(2027, 1, 4, 10), local(2027, 1, 4, 8, 30), "too_soon"),
        (local(2027, 4, 5, 10), local(2027, 1, 1), "past_horizon"),
        (local(2027, 1, 4, 12, 15), NOW, "outside_hours"),  # lunch
        (local(2027, 1, 4, 7), NOW, "outside_hours"),
        (local(2027, 1, 4, 10, 5), NOW, "outside_hours"),  # off the slot grid
    ],
)
def test_it_refuses_times_outside_the_rules(alex, follow_up, starts_at, now, code):
    assert code_of(book, alex, follow_up, starts_at, now=now) == code
    assert Appointment.objects.count() == 0 and Patient.objects.count() == 0


def test_it_refuses_time_off(alex, follow_up):
    TimeOff.objects.create(therapist=alex, starts_at=TEN, ends_at=TEN + timedelta(hours=2))
    assert code_of(book, alex, follow_up, TEN) == "outside_hours"


def test_it_refuses_a_service_the_therapist_does_not_offer(follow_up, massage):
    jordan = make_therapist("Jordan Lee", services_offered=[massage])
    assert code_of(book, jordan, follow_up, TEN) == "service_not_offered"


def test_it_refuses_an_inactive_therapist_or_service(alex, follow_up):
    retired = make_service("retired")
    alex.services.add(retired)
    retired.active = False
    retired.save()
    assert code_of(book, alex, retired, TEN) == "inactive_service"
    alex.active = False
    alex.save()
    assert code_of(book, alex, follow_up, TEN) == "inactive_therapist"


def test_a_taken_time_is_slot_taken(alex, follow_up, massage):
    book(alex, massage, TEN)
    assert code_of(book, alex, follow_up, TEN + timedelta(minutes=45)) == "slot_taken"  # buffer
    assert book(alex, follow_up, TEN + timedelta(minutes=60), email="b@example.com")


def test_the_front_desk_may_book_inside_the_minimum_notice(alex, follow_up):
    appointment = book(
        alex, follow_up, TEN, now=TEN - timedelta(minutes=30), source=Appointment.Source.FRONT_DESK
    )
    assert appointment.source == Appointment.Source.FRONT_DESK


def test_the_database_refuses_overlaps_whatever_the_python_checks(alex, follow_up, massage):
    first = book(alex, massage, TEN)
    overlapping = Appointment(
        therapist=alex,
        service=follow_up,
        patient=first.patient,
        starts_at=TEN + timedelta(minutes=50),
        ends_at=TEN + timedelta(minutes=80),
        blocked_until=TEN + timedelta(minutes=80),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        overlapping.save()
    # Touching is fine ([start, blocked_until) ranges), and so is another therapist.
    overlapping.starts_at = TEN + timedelta(minutes=60)
    overlapping.save()
    sam = make_therapist("Sam Okafor", services_offered=[massage])
    Appointment.objects.create(
        therapist=sam,
        service=massage,
        patient=Patient.objects.create(name="Other Person", email="other@example.com"),
        starts_at=TEN,
        ends_at=TEN + timedelta(minutes=45),
        blocked_until=TEN + timedelta(minutes=60),
    )


def test_the_database_refuses_one_patient_two_appointments_at_once(alex, follow_up, massage):
    first = book(alex, massage, TEN)
    sam = make_therapist("Sam Okafor", services_offered=[massage, follow_up])
    elsewhere = Appointment(
        therapist=sam,
        service=massage,
        patient=first.patient,
        starts_at=TEN + timedelta(minutes=30),
        ends_at=TEN + timedelta(minutes=75),
        blocked_until=TEN + timedelta(minutes=90),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        elsewhere.save()
    # The buffer is the therapist's, not the patient's: right after the session is fine.
    after = book(sam, follow_up, first.ends_at)
    assert after.patient == first.patient


def test_one_patient_at_two_therapists_at_once_is_patient_busy(alex, follow_up, massage):
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    first = book(alex, follow_up, TEN)
    assert code_of(book, sam, follow_up, TEN, email="PAT@example.com") == "patient_busy"
    assert Appointment.objects.count() == 1
    # A cancelled appointment holds nothing, for the patient either.
    services.cancel_appointment(appointment=first, now=NOW, notify=False)
    assert book(sam, follow_up, TEN).therapist == sam


def test_an_online_booking_refused_for_the_patient_tells_the_emails_owner(alex, follow_up, massage):
    from bookings.models import OutgoingEmail

    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    held = book(alex, massage, TEN)
    assert code_of(book, sam, follow_up, TEN, email="PAT@example.com") == "patient_busy"
    (notice,) = OutgoingEmail.objects.all()
    assert notice.kind == OutgoingEmail.Kind.ATTEMPT
    assert notice.appointment == held and notice.recipient == "pat@example.com"
    # The front desk is told plainly on its form; the patient gets no email about that.
    code = code_of(book, sam, follow_up, TEN, source=Appointment.Source.FRONT_DESK)
    assert code == "patient_busy"
    assert OutgoingEmail.objects.count() == 1


def test_no_preference_never_books_one_patient_with_two_therapists(alex, follow_up):
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    book(alex, follow_up, TEN)
    error = code_of(
        services.book_first_free,
        service=follow_up,
        therapists=[alex, sam],
        starts_at=TEN,
        patient=services.PatientDetails(name="Pat", email="pat@example.com", phone=""),
        now=NOW,
    )
    assert error == "patient_busy"
    assert not Appointment.objects.filter(therapist=sam).exists()


def test_a_second_booking_from_the_same_form_is_already_submitted(alex, follow_up):
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    key = "k" * 32
    book(alex, follow_up, TEN, submission_key=key)
    later = TEN + timedelta(hours=3)
    assert code_of(book, sam, follow_up, later, submission_key=key) == "already_submitted"
    assert Appointment.objects.count() == 1


def test_a_cancelled_appointment_does_not_hold_its_time_in_the_database(alex, follow_up):
    first = book(alex, follow_up, TEN)
    services.cancel_appointment(appointment=first, now=NOW, notify=False)
    assert book(alex, follow_up, TEN, email="other@example.com").status == "booked"


def test_the_database_refuses_an_end_before_the_start(alex, follow_up):
    first = book(alex, follow_up, TEN)
    first.ends_at = first.starts_at - timedelta(minutes=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        first.save()


def test_a_race_lost_in_the_database_is_slot_taken_and_the_transaction_stays_usable(
    alex, follow_up, monkeypatch
):
    book(alex, follow_up, TEN)
    # Pretend the Python check ran before the other booking committed.
    monkeypatch.setattr(services.availability, "slot_is_free", lambda **kwargs: True)
    with transaction.atomic():
        assert code_of(book, alex, follow_up, TEN, email="late@example.com") == "slot_taken"
        assert Appointment.objects.count() == 1  # still usable: no "current transaction aborted"
    assert not Patient.objects.filter(email="late@example.com").exists()


def test_cancel_frees_the_time_and_raises_the_sequence(alex, follow_up):
    appointment = book(alex, follow_up, TEN)
    cancelled = services.cancel_appointment(appointment=appointment, now=NOW, notify=False)
    assert cancelled.status == "cancelled" and cancelled.sequence == 1
    assert cancelled.cancelled_at == NOW
    assert code_of(services.cancel_appointment, appointment=appointment, now=NOW) == (
        "already_cancelled"
    )


def test_patients_cannot_cancel_after_the_cut_off_but_the_front_desk_can(alex, follow_up):
    appointment = book(alex, follow_up, TEN)
    late = TEN - timedelta(hours=23)
    assert code_of(services.cancel_appointment, appointment=appointment, now=late) == (
        "cutoff_passed"
    )
    assert (
        services.cancel_appointment(
            appointment=appointment, now=late, by_patient=False, notify=False
        ).status
        == "cancelled"
    )


def test_reschedule_moves_in_one_step_and_raises_the_sequence(alex, follow_up):
    appointment = book(alex, follow_up, TEN)
    token = appointment.manage_token
    moved = services.reschedule_appointment(
        appointment=appointment, starts_at=TEN + timedelta(minutes=15), now=NOW, notify=False
    )
    # Overlapping its own old time is fine: only other appointments count.
    assert moved.starts_at == TEN + timedelta(minutes=15)
    assert moved.ends_at == TEN + timedelta(minutes=45) and moved.sequence == 1
    assert moved.manage_token == token and Appointment.objects.count() == 1


def test_reschedule_to_a_taken_time_leaves_the_appointment_where_it_was(alex, follow_up):
    appointment = book(alex, follow_up, TEN)
    book(alex, follow_up, TEN + timedelta(hours=3), email="other@example.com")
    code = code_of(
        services.reschedule_appointment,
        appointment=appointment,
        starts_at=TEN + timedelta(hours=3),
        now=NOW,
    )
    assert code == "slot_taken"
    appointment.refresh_from_db()
    assert appointment.starts_at == TEN and appointment.sequence == 0


def test_reschedule_after_the_cut_off_or_when_cancelled_is_refused(alex, follow_up):
    appointment = book(alex, follow_up, TEN)
    late = TEN - timedelta(hours=2)
    assert (
        code_of(
            services.reschedule_appointment,
            appointment=appointment,
            starts_at=TEN + timedelta(days=1),
            now=late,
        )
        == "cutoff_passed"
    )
    services.cancel_appointment(appointment=appointment, now=NOW, notify=False)
    assert (
        code_of(
            services.reschedule_appointment,
            appointment=appointment,
            starts_at=TEN + timedelta(days=1),
            now=NOW,
        )
        == "already_cancelled"
    )


def test_attendance_keeps_the_time_held(alex, follow_up):
    appointment = book(alex, follow_up, TEN)
    assert services.mark_attendance(appointment=appointment, attended=False).status == "no_show"
    assert code_of(book, alex, follow_up, TEN, email="x@example.com") == "slot_taken"


def test_no_preference_books_the_next_therapist_when_the_first_is_taken(alex, follow_up):
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    book(alex, follow_up, TEN, email="first@example.com")
    appointment = services.book_first_free(
        service=follow_up,
        therapists=[alex, sam],
        starts_at=TEN,
        patient=services.PatientDetails(name="B", email="b@example.com", phone="6505550100"),
        now=NOW,
    )
    assert appointment.therapist == sam
