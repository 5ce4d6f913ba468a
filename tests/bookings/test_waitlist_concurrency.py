"""Real concurrent claims: one offered time, two patients pressing "Book this time" at once, and
a claim racing a new online booking. Exactly one appointment, never a crash."""

from datetime import datetime, time

import pytest

from bookings import services
from bookings.models import Appointment, SlotOffer
from bookings.services import waitlist
from tests.bookings.conftest import LA, make_appointment, make_therapist, next_weekday_after
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

# Real commits run the after-commit offers with the real clock: the dates follow it.
MONDAY = next_weekday_after(7, weekday=0)
NINE = datetime.combine(MONDAY, time(9), tzinfo=LA)


@pytest.fixture
def offers(db, follow_up):
    busy = make_therapist("Busy Bee", services_offered=[follow_up], hours=((time(9), time(9, 30)),))
    held = make_appointment(therapist=busy, service=follow_up, starts_at=NINE)
    for name in ["ann", "bob"]:
        waitlist.join_waitlist(
            service=follow_up,
            therapist=None,
            first_day=MONDAY,
            last_day=MONDAY,
            weekdays=[0],
            times_of_day=["morning"],
            details=services.PatientDetails(
                name=name, email=f"{name}@example.com", phone="+16505550100"
            ),
            language="en",
            notify=False,
        )
    # The cancellation's after-commit step makes the offers.
    services.cancel_appointment(appointment=held, by_patient=False, notify=False)
    return busy, list(SlotOffer.objects.order_by("pk"))


def test_two_patients_claiming_one_time_at_once_get_one_appointment(offers):
    _busy, made = offers
    assert len(made) == 2
    outcomes = run_at_once(
        [lambda offer=offer: waitlist.claim_offer(offer=offer).pk for offer in made]
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"], outcomes
    assert ("refused", "offer_taken") in outcomes
    assert Appointment.objects.active().filter(starts_at=NINE).count() == 1
    assert sorted(SlotOffer.objects.values_list("state", flat=True)) == ["claimed", "taken"]


def test_a_claim_racing_a_new_online_booking_leaves_one_holder(offers, follow_up):
    busy, made = offers

    def book_online():
        return services.book_appointment(
            service=follow_up,
            therapist=busy,
            starts_at=NINE,
            patient=services.PatientDetails(
                name="Quick", email="quick@example.com", phone="+16505550100"
            ),
            notify=False,
        ).pk

    outcomes = run_at_once([lambda: waitlist.claim_offer(offer=made[0]).pk, book_online])
    assert [kind for kind, _ in outcomes].count("ok") == 1
    assert not any(kind == "crashed" for kind, _ in outcomes)
    assert Appointment.objects.active().filter(starts_at=NINE).count() == 1
