"""Booking rules that mutation testing (`make mutate`) found unpinned: "no preference", the words
of a refusal, which refusal a clash is, who is emailed about an attempt, and the patient's
language.

Roles: a patient books online (PatientDetails, no actor); the front desk books for a patient
(source FRONT_DESK); Pat already holds an appointment that a stranger typing Pat's email asks
for again.

NOW is in the past on purpose: a rule that read the real clock instead of the `now` it is given
would find these times over and refuse them.
"""

from datetime import UTC, date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from bookings import services
from bookings.models import Appointment, OutgoingEmail, TimeOff
from conditions.models import Condition
from tests.bookings.conftest import local, make_service, make_therapist

pytestmark = pytest.mark.django_db

NOW = local(2021, 1, 1, 12).astimezone(UTC)
TUESDAY = date(2021, 1, 5)
TEN = local(2021, 1, 5, 10)
PAT = services.PatientDetails(name="Pat Example", email="pat@example.com", phone="650 555 0100")


def book(therapist, service, starts_at, *, patient=PAT, **kwargs):
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=patient,
        now=kwargs.pop("now", NOW),
        notify=kwargs.pop("notify", False),
        **kwargs,
    )


def refusal_of(callable_, **kwargs):
    with pytest.raises(ValidationError) as error:
        callable_(**kwargs)
    return error.value


def attempt_emails():
    return list(OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.ATTEMPT))


@pytest.fixture(autouse=True)
def english():
    """Refusals in the site's default language, whatever a test of the French pages left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def sam(follow_up, massage):
    return make_therapist("Sam Okafor", services_offered=[follow_up, massage])


@pytest.fixture
def calf_cramps(db):
    return Condition.objects.create(
        title="Calf Cramps", slug="calf-cramps", summary="Cramps", status="published"
    )


# --- "no preference" ----------------------------------------------------------------------------


def test_no_preference_books_the_first_therapist_free_at_that_time(alex, sam, follow_up):
    # Alex is listed first ("Alex Rivera" < "Sam Okafor") but is busy at ten.
    book(alex, follow_up, TEN, patient=services.PatientDetails("Kim", "kim@example.com", ""))
    appointment = services.book_first_free(service=follow_up, starts_at=TEN, patient=PAT, now=NOW)
    assert appointment.therapist == sam
    assert appointment.starts_at == TEN
    assert appointment.reason == ""
    assert appointment.submission_key == ""
    assert Appointment.objects.filter(patient__email="pat@example.com").count() == 1


def test_no_preference_passes_over_the_first_therapist_away_at_that_time(alex, sam, follow_up):
    TimeOff.objects.create(therapist=alex, starts_at=TEN, ends_at=TEN + timedelta(hours=1))
    appointment = services.book_first_free(service=follow_up, starts_at=TEN, patient=PAT, now=NOW)
    assert appointment.therapist == sam
    assert Appointment.objects.get() == appointment


def test_no_preference_with_everyone_taken_is_slot_taken_and_books_nothing(alex, sam, follow_up):
    for therapist, email in ((alex, "kim@example.com"), (sam, "lee@example.com")):
        book(therapist, follow_up, TEN, patient=services.PatientDetails("X", email, ""))
    error = refusal_of(
        services.book_first_free, service=follow_up, starts_at=TEN, patient=PAT, now=NOW
    )
    assert error.code == "slot_taken"
    assert Appointment.objects.count() == 2


def test_no_preference_too_soon_for_everyone_is_slot_taken(alex, sam, follow_up, rules):
    soon = NOW + rules.minimum_notice - timedelta(minutes=15)
    error = refusal_of(
        services.book_first_free, service=follow_up, starts_at=soon, patient=PAT, now=NOW
    )
    assert error.code == "slot_taken"
    assert not Appointment.objects.exists()


def test_no_preference_keeps_the_reason_condition_and_form_key(alex, follow_up, calf_cramps):
    appointment = services.book_first_free(
        service=follow_up,
        starts_at=TEN,
        patient=PAT,
        reason="  Sore calf  ",
        condition=calf_cramps,
        now=NOW,
        submission_key="k" * 32,
    )
    appointment.refresh_from_db()
    assert (appointment.therapist, appointment.reason) == (alex, "Sore calf")
    assert appointment.condition == calf_cramps
    assert appointment.submission_key == "k" * 32


def test_no_preference_bookings_without_a_form_key_never_clash_on_it(alex, follow_up):
    first = services.book_first_free(service=follow_up, starts_at=TEN, patient=PAT, now=NOW)
    other = services.PatientDetails(name="Kim", email="kim@example.com", phone="")
    second = services.book_first_free(
        service=follow_up, starts_at=TEN + timedelta(hours=1), patient=other, now=NOW
    )
    assert first.pk != second.pk
    assert Appointment.objects.count() == 2


def test_no_preference_when_everyone_is_taken_is_slot_taken(alex, sam, follow_up):
    for therapist, email in ((alex, "kim@example.com"), (sam, "lee@example.com")):
        book(therapist, follow_up, TEN, patient=services.PatientDetails("X", email, ""))
    error = refusal_of(
        services.book_first_free,
        service=follow_up,
        therapists=[alex, sam],
        starts_at=TEN,
        patient=PAT,
        now=NOW,
    )
    assert error.code == "slot_taken"
    assert error.messages == ["That time has just been booked."]
    assert not Appointment.objects.filter(patient__email="pat@example.com").exists()


def test_no_preference_with_nobody_free_then_is_slot_taken(alex, follow_up):
    error = refusal_of(
        services.book_first_free,
        service=follow_up,
        starts_at=local(2021, 1, 5, 20),  # after everyone's hours
        patient=PAT,
        now=NOW,
    )
    assert error.code == "slot_taken"
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("listed", [True, False], ids=["therapists listed", "whoever is free"])
def test_pressing_confirm_twice_with_no_preference_books_once_and_tells_nobody(
    alex, sam, follow_up, listed
):
    key = "d" * 32
    first = services.book_first_free(
        service=follow_up, starts_at=TEN, patient=PAT, now=NOW, submission_key=key
    )
    # The second press finds Alex taken (by this very form) and Pat busy with Sam; either the
    # therapists it was given or those it works out itself.
    error = refusal_of(
        services.book_first_free,
        service=follow_up,
        starts_at=TEN,
        therapists=[alex, sam] if listed else None,
        patient=PAT,
        now=NOW,
        submission_key=key,
    )
    assert error.code == "already_submitted"
    assert list(Appointment.objects.all()) == [first]
    assert attempt_emails() == []


# --- the words of a refusal ---------------------------------------------------------------------


def test_a_service_the_therapist_does_not_offer_is_refused_naming_both(alex, follow_up):
    taping = make_service("taping", name="Kinesio taping")
    error = refusal_of(book, therapist=alex, service=taping, starts_at=TEN)
    assert error.code == "service_not_offered"
    assert error.messages == ["Alex Rivera does not offer Kinesio taping."]


def test_a_time_past_the_horizon_is_refused_saying_how_far_ahead(alex, follow_up, rules):
    rules.horizon_days = 30
    rules.save()
    error = refusal_of(book, therapist=alex, service=follow_up, starts_at=TEN + timedelta(days=35))
    assert error.code == "past_horizon"
    assert error.messages == ["Appointments can be booked up to 30 days ahead."]


# --- which refusal a clash is -------------------------------------------------------------------


def test_a_colleagues_appointment_at_that_time_does_not_make_it_taken(alex, follow_up):
    late = make_therapist("Lee Late", services_offered=[follow_up], hours=((time(17), time(21)),))
    book(
        late, follow_up, local(2021, 1, 5, 18), patient=services.PatientDetails("K", "k@x.org", "")
    )
    error = refusal_of(book, therapist=alex, service=follow_up, starts_at=local(2021, 1, 5, 18))
    assert error.code == "outside_hours"


def test_moving_past_the_end_of_the_day_over_its_own_time_is_outside_hours(alex, follow_up):
    appointment = book(alex, follow_up, local(2021, 1, 5, 16, 30))
    error = refusal_of(
        services.reschedule_appointment,
        appointment=appointment,
        starts_at=local(2021, 1, 5, 16, 45),  # would end 17:15, after Alex's hours
        by_patient=False,
        now=NOW,
        notify=False,
    )
    assert error.code == "outside_hours"
    appointment.refresh_from_db()
    assert appointment.starts_at == local(2021, 1, 5, 16, 30)


# --- the owner of an email is told of an attempt only when it is one ----------------------------


def test_an_online_booking_refused_as_taken_emails_no_one(alex, sam, follow_up):
    book(sam, follow_up, TEN)  # Pat's own appointment, with Sam
    book(alex, follow_up, TEN, patient=services.PatientDetails("Kim", "kim@example.com", ""))
    error = refusal_of(book, therapist=alex, service=follow_up, starts_at=TEN)
    assert error.code == "slot_taken"
    assert attempt_emails() == []


def test_the_front_desk_booking_a_busy_patient_emails_no_one(alex, sam, follow_up):
    book(sam, follow_up, TEN)
    error = refusal_of(
        book,
        therapist=alex,
        service=follow_up,
        starts_at=TEN,
        source=Appointment.Source.FRONT_DESK,
    )
    assert error.code == "patient_busy"
    assert attempt_emails() == []


def test_an_online_attempt_on_a_held_time_emails_its_owner(alex, sam, follow_up):
    held = book(sam, follow_up, TEN)
    error = refusal_of(book, therapist=alex, service=follow_up, starts_at=TEN)
    assert error.code == "patient_busy"
    (notice,) = attempt_emails()
    assert (notice.appointment, notice.recipient) == (held, "pat@example.com")


def test_an_online_attempt_with_no_preference_on_a_held_time_emails_its_owner(alex, sam, follow_up):
    # Pat holds Sam at ten; someone typing Pat's email asks for anyone at ten: Alex is free, the
    # patient is not.
    held = book(sam, follow_up, TEN)
    error = refusal_of(
        services.book_first_free, service=follow_up, starts_at=TEN, patient=PAT, now=NOW
    )
    assert error.code == "patient_busy"
    (notice,) = attempt_emails()
    assert (notice.appointment, notice.recipient) == (held, "pat@example.com")
    assert not Appointment.objects.filter(therapist=alex).exists()


def test_a_booking_with_a_chosen_therapist_records_the_privacy_notice_agreed_to(alex, follow_up):
    appointment = book(alex, follow_up, TEN, privacy_version=3, privacy_agreed_at=NOW)
    appointment.refresh_from_db()
    assert (appointment.privacy_version, appointment.privacy_agreed_at) == (3, NOW)


def test_booking_with_a_condition_keeps_it(alex, follow_up, calf_cramps):
    appointment = book(alex, follow_up, TEN, condition=calf_cramps, reason="Cramps at night")
    appointment.refresh_from_db()
    assert appointment.condition == calf_cramps
    assert appointment.reason == "Cramps at night"


# --- the patient's language ---------------------------------------------------------------------


def test_a_booking_from_a_regional_french_page_is_in_french(alex, follow_up):
    # get_language() may name a variant the site has no catalogue of.
    assert book(alex, follow_up, TEN, language="fr-CH").language == "fr"


def test_a_booking_in_a_language_the_site_does_not_have_is_in_english(alex, follow_up):
    assert book(alex, follow_up, TEN, language="de-DE").language == "en"
    other = services.PatientDetails(name="Kim", email="kim@example.com", phone="")
    assert (
        book(alex, follow_up, TEN + timedelta(hours=1), patient=other, language="").language == "en"
    )


def test_no_preference_keeps_the_language_of_the_page(alex, follow_up):
    appointment = services.book_first_free(
        service=follow_up, starts_at=TEN, patient=PAT, now=NOW, language="fr"
    )
    appointment.refresh_from_db()
    assert appointment.language == "fr"


def test_the_front_desk_books_in_the_language_of_the_patients_latest_booking(alex, follow_up):
    french = book(alex, follow_up, TEN, language="fr")
    english = book(alex, follow_up, TEN + timedelta(days=1), language="en")
    # The French one was booked last (a correction of the dates, an import): when it was made
    # decides, not the order of the rows.
    Appointment.objects.filter(pk=french.pk).update(created_at=english.created_at + timedelta(1))
    third = book(
        alex,
        follow_up,
        TEN + timedelta(days=2),
        patient=english.patient,
        source=Appointment.Source.FRONT_DESK,
    )
    assert third.language == "fr"
