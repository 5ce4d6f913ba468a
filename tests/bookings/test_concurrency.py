"""Real threads, each with its own database connection, racing for the same therapist's time.

Transactional tests: every thread commits for real, so the exclusion constraint and the unique
email index are what decide, exactly as between two gunicorn workers.
"""

import threading
from datetime import datetime, time, timedelta
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from bookings import services
from bookings.forms import format_start
from bookings.models import Appointment, OutgoingEmail, Patient, TimeOff
from tests.bookings.conftest import LA, confirm_form, local, next_weekday_after
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

NOW = local(2027, 1, 1, 12)
TEN = local(2027, 1, 4, 10)  # a Monday
THREADS = 16


def booking_job(therapist, service, starts_at, email):
    def job():
        return services.book_appointment(
            service=service,
            therapist=therapist,
            starts_at=starts_at,
            patient=services.PatientDetails(name="Racer", email=email, phone="650 555 0100"),
            now=NOW,
            notify=False,
        ).pk

    return job


def test_sixteen_patients_booking_the_same_slot_get_exactly_one_appointment(alex, follow_up):
    outcomes = run_at_once(
        [booking_job(alex, follow_up, TEN, f"racer{i}@example.com") for i in range(THREADS)]
    )
    assert [kind for kind, _ in outcomes].count("ok") == 1
    assert sorted(outcomes)[1:] == [("refused", "slot_taken")] * (THREADS - 1)
    assert Appointment.objects.count() == 1
    # The losers' patient rows rolled back with their bookings.
    assert Patient.objects.count() == 1


def test_when_every_python_check_passes_the_database_still_lets_only_one_in(
    alex, follow_up, monkeypatch
):
    # Worst case: all sixteen read "free" before anyone commits; the exclusion constraint decides.
    monkeypatch.setattr(services.availability, "slot_is_free", lambda **kwargs: True)
    monkeypatch.setattr(services.booking, "_overlaps_active_appointment", lambda **kwargs: False)
    outcomes = run_at_once(
        [booking_job(alex, follow_up, TEN, f"racer{i}@example.com") for i in range(THREADS)]
    )
    assert [kind for kind, _ in outcomes].count("ok") == 1
    assert sorted(outcomes)[1:] == [("refused", "slot_taken")] * (THREADS - 1)
    assert Appointment.objects.count() == 1


def test_overlapping_but_different_times_still_give_one_appointment(alex, massage):
    # A massage holds 60 minutes (45 + 15 buffer): starts 15 minutes apart all overlap.
    starts = [TEN + timedelta(minutes=15 * (i % 4)) for i in range(THREADS)]
    outcomes = run_at_once(
        [
            booking_job(alex, massage, start, f"racer{i}@example.com")
            for i, start in enumerate(starts)
        ]
    )
    assert [kind for kind, _ in outcomes].count("ok") == 1
    assert {outcome for outcome in outcomes if outcome[0] != "ok"} == {("refused", "slot_taken")}
    assert Appointment.objects.count() == 1


def test_first_bookings_by_the_same_new_email_at_once_all_succeed_with_one_patient(alex, follow_up):
    # Different, free times; the same new patient typing in several tabs at once.
    starts = [TEN + timedelta(minutes=30 * i) for i in range(4)] + [
        local(2027, 1, 4, 13) + timedelta(minutes=30 * i) for i in range(8)
    ]
    outcomes = run_at_once(
        [
            booking_job(
                alex,
                follow_up,
                start,
                "New.Patient@Example.com" if i % 2 else "new.patient@example.com",
            )
            for i, start in enumerate(starts)
        ]
    )
    assert [kind for kind, _ in outcomes] == ["ok"] * len(starts), outcomes
    assert Patient.objects.count() == 1
    assert Appointment.objects.count() == len(starts)


def test_a_reschedule_racing_a_new_booking_for_the_same_time_leaves_one_holder(alex, follow_up):
    for round_ in range(5):
        target = local(2027, 1, 4, 14) + timedelta(days=round_)
        appointment = services.book_appointment(
            service=follow_up,
            therapist=alex,
            starts_at=TEN + timedelta(days=round_),
            patient=services.PatientDetails(
                name="Mover", email="mover@example.com", phone="6505550100"
            ),
            now=NOW,
            notify=False,
        )

        def move(appointment=appointment, target=target):
            return services.reschedule_appointment(
                appointment=appointment, starts_at=target, now=NOW, notify=False
            ).pk

        outcomes = run_at_once([move, booking_job(alex, follow_up, target, "new@example.com")])
        kinds = [kind for kind, _ in outcomes]
        assert sorted(kinds) == ["ok", "refused"], outcomes
        assert ("refused", "slot_taken") in outcomes
        holders = Appointment.objects.active().filter(starts_at=target)
        assert holders.count() == 1
        appointment.refresh_from_db()
        if kinds[0] == "ok":
            assert appointment.starts_at == target and appointment.sequence == 1
        else:
            # The move lost: the appointment stays at its old time, unchanged.
            assert appointment.starts_at == TEN + timedelta(days=round_)
            assert appointment.sequence == 0


def test_two_moves_of_the_same_appointment_at_once_are_serialised(alex, follow_up):
    appointment = services.book_appointment(
        service=follow_up,
        therapist=alex,
        starts_at=TEN,
        patient=services.PatientDetails(
            name="Mover", email="mover@example.com", phone="6505550100"
        ),
        now=NOW,
        notify=False,
    )
    targets = [local(2027, 1, 4, 14), local(2027, 1, 4, 15)]
    outcomes = run_at_once(
        [
            lambda target=target: (
                services.reschedule_appointment(
                    appointment=appointment, starts_at=target, now=NOW, notify=False
                ).pk
            )
            for target in targets
        ]
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    appointment.refresh_from_db()
    assert appointment.sequence == 2  # each move saw the other's committed row (row lock)
    assert appointment.starts_at in targets


def test_two_moves_swapping_times_never_crash_or_overlap(alex, follow_up, monkeypatch):
    # With the Python checks out of the way, each move targets the other's old row: depending on
    # timing one waits on the other, or both wait (PostgreSQL aborts one as a deadlock). Either way
    # the losers see slot_taken, never an error page, and no two active appointments overlap.
    monkeypatch.setattr(services.availability, "slot_is_free", lambda **kwargs: True)
    monkeypatch.setattr(services.booking, "_overlaps_active_appointment", lambda **kwargs: False)
    patient = services.PatientDetails(name="Swap", email="swap@example.com", phone="6505550100")
    first, second = (
        services.book_appointment(
            service=follow_up,
            therapist=alex,
            starts_at=start,
            patient=patient,
            now=NOW,
            notify=False,
        )
        for start in (TEN, TEN + timedelta(hours=1))
    )
    outcomes = run_at_once(
        [
            lambda: (
                services.reschedule_appointment(
                    appointment=first, starts_at=TEN + timedelta(hours=1), now=NOW, notify=False
                ).pk
            ),
            lambda: (
                services.reschedule_appointment(
                    appointment=second, starts_at=TEN, now=NOW, notify=False
                ).pk
            ),
        ]
    )
    assert all(kind != "crashed" for kind, _ in outcomes), outcomes
    assert ("refused", "slot_taken") in outcomes
    times = list(Appointment.objects.active().values_list("starts_at", flat=True))
    assert len(times) == len(set(times)) == 2


def test_one_patient_booking_two_therapists_at_once_gets_one_appointment(alex, sam, follow_up):
    # The same person in several tabs, each with a different therapist at the same time.
    outcomes = run_at_once(
        [booking_job(alex if i % 2 else sam, follow_up, TEN, "pat@example.com") for i in range(8)]
    )
    assert [kind for kind, _ in outcomes].count("ok") == 1, outcomes
    assert {outcome for outcome in outcomes if outcome[0] != "ok"} <= {
        ("refused", "slot_taken"),
        ("refused", "patient_busy"),
    }
    assert Appointment.objects.count() == 1


def test_a_double_click_on_confirm_with_no_preference_books_once(alex, sam, follow_up):
    # Two POSTs from one browser: the same session, the same form. Both read the patient's
    # details before either clears them; before the patient constraint and the form's key, the
    # second booked the other therapist and the patient was sent to two sessions at once.
    start = datetime.combine(next_weekday_after(5, weekday=1), time(10), tzinfo=LA)
    first_click = Client()
    query = f"?service=follow-up&therapist=any&start={format_start(start)}"
    first_click.post(
        "/book/details/" + query,
        {"name": "Pat Example", "email": "pat@example.com", "phone": "650 555 0100"},
    )
    fields = confirm_form(first_click.get("/book/review/" + query).content.decode())
    second_click = Client()
    second_click.cookies = first_click.cookies
    outcomes = run_at_once(
        [
            lambda: first_click.post("/book/review/" + query, fields),
            lambda: second_click.post("/book/review/" + query, fields),
        ]
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert [response["Location"] for _, response in outcomes] == ["/book/confirmed/"] * 2
    appointment = Appointment.objects.get()
    assert appointment.manage_token in first_click.get("/book/confirmed/").content.decode()
    # The second click clashed with its own first booking: no "someone tried" email for that.
    assert list(OutgoingEmail.objects.values_list("kind", flat=True)) == ["booked"]


class _HeldOpen:
    """A booking of TEN paused inside its transaction, after its row is written, until
    released: what another worker sees while that booking is in progress."""

    def __init__(self, monkeypatch, therapist, service):
        from bookings.services import booking as booking_module

        self.inside, self.release = threading.Event(), threading.Event()
        self.outcome = []
        record = booking_module._record

        def pausing_record(appointment, **kwargs):
            if appointment.starts_at == TEN:
                self.inside.set()
                assert self.release.wait(timeout=30)
            return record(appointment, **kwargs)

        monkeypatch.setattr(booking_module, "_record", pausing_record)
        self.thread = threading.Thread(
            target=self._book, args=(booking_job(therapist, service, TEN, "first@example.com"),)
        )

    def _book(self, job):
        try:
            self.outcome.append(("ok", job()))
        except ValidationError as error:
            self.outcome.append(("refused", error.code))
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.inside.wait(timeout=30), "the first booking never reached its pause"
        return self

    def __exit__(self, *exc_info):
        self.release.set()
        self.thread.join(timeout=30)


def in_a_thread(job, *, seconds):
    """`job()` in a thread with its own connection: its outcome, or None if it had not
    finished within `seconds` (it is then left to finish)."""
    outcome = []

    def run():
        try:
            outcome.append(("ok", job()))
        except ValidationError as error:
            outcome.append(("refused", error.code))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=seconds)
    return (outcome[0] if outcome else None), thread


def test_bookings_with_one_therapist_at_other_times_do_not_queue_behind_each_other(
    alex, follow_up, monkeypatch
):
    # Most patients with no preference book the first therapist listed: under load, each one
    # waiting for the booking before it to commit left the cores idle.
    with _HeldOpen(monkeypatch, alex, follow_up) as first:
        later = booking_job(alex, follow_up, TEN + timedelta(hours=3), "second@example.com")
        second, _thread = in_a_thread(later, seconds=10)
        assert second is not None and second[0] == "ok", "the second booking waited for the first"
        assert first.thread.is_alive()  # still inside its transaction
    assert first.outcome[0][0] == "ok"
    assert Appointment.objects.active().filter(therapist=alex).count() == 2


def test_time_off_waits_for_a_booking_in_progress_and_then_refuses_to_cover_it(
    alex, follow_up, monkeypatch
):
    block = partial(
        services.block_time_off,
        therapist=alex,
        starts_at=TEN - timedelta(hours=1),
        ends_at=TEN + timedelta(hours=2),
        now=NOW,
    )
    with _HeldOpen(monkeypatch, alex, follow_up):
        blocked, thread = in_a_thread(block, seconds=1)
        assert blocked is None  # waiting for the booking's share of the therapist's row
    thread.join(timeout=30)
    assert Appointment.objects.active().filter(therapist=alex, starts_at=TEN).exists()
    assert not TimeOff.objects.filter(therapist=alex).exists()


class _TimeOffHeldOpen:
    """Time off for `therapist` around TEN, paused while it holds their row, until released."""

    def __init__(self, therapist):
        self.therapist = therapist
        self.inside, self.release = threading.Event(), threading.Event()

    def _block(self):
        from bookings.services import time_off as time_off_module

        real_lock = time_off_module._lock_therapist

        def lock_and_pause(therapist):
            locked = real_lock(therapist)
            self.inside.set()
            assert self.release.wait(timeout=30)
            return locked

        time_off_module._lock_therapist = lock_and_pause
        try:
            return services.block_time_off(
                therapist=self.therapist,
                starts_at=TEN - timedelta(hours=1),
                ends_at=TEN + timedelta(hours=2),
                now=NOW,
            ).pk
        finally:
            time_off_module._lock_therapist = real_lock

    def __enter__(self):
        _outcome, self.thread = in_a_thread(self._block, seconds=0)
        assert self.inside.wait(timeout=30), "the time off never reached its pause"
        return self

    def __exit__(self, *exc_info):
        self.release.set()
        self.thread.join(timeout=30)


def test_a_booking_waits_for_time_off_in_progress_and_then_is_refused(alex, follow_up):
    # The other order: time off holding the therapist's row, a booking inside it waits, then
    # sees it.
    with _TimeOffHeldOpen(alex):
        job = booking_job(alex, follow_up, TEN, "p@example.com")
        booked, booking = in_a_thread(job, seconds=1)
        assert booked is None  # waiting for the time off
    booking.join(timeout=30)
    assert TimeOff.objects.filter(therapist=alex).exists()
    assert not Appointment.objects.filter(therapist=alex).exists()


def no_preference_job(service, starts_at, email):
    def job():
        appointment = services.book_first_free(
            service=service,
            starts_at=starts_at,
            patient=services.PatientDetails(name="Racer", email=email, phone="650 555 0100"),
            now=NOW,
        )
        return appointment.therapist.display_name

    return job


def test_patients_with_no_preference_racing_for_one_time_fill_each_therapist_once(
    alex, sam, follow_up
):
    # Each works out who is free once; a therapist someone else booked meanwhile is refused by
    # the exclusion constraint in a savepoint, and the next one is tried.
    outcomes = run_at_once(
        [no_preference_job(follow_up, TEN, f"racer{i}@example.com") for i in range(8)]
    )
    booked = sorted(value for kind, value in outcomes if kind == "ok")
    assert booked == sorted([alex.display_name, sam.display_name]), outcomes
    assert [outcome for outcome in outcomes if outcome[0] != "ok"] == [
        ("refused", "slot_taken")
    ] * 6
    assert Appointment.objects.filter(starts_at=TEN).count() == 2


def test_a_no_preference_booking_waits_for_time_off_in_progress_and_books_who_is_free(
    alex, sam, follow_up
):
    # Alex is listed first. The booking holds every therapist of the service before it works
    # out who is free, so it waits for Alex's time off to commit and then sees it: not Alex
    # found free beforehand and booked into the time off.
    assert alex.display_name < sam.display_name  # Alex first in the "no preference" order
    with _TimeOffHeldOpen(alex):
        job = no_preference_job(follow_up, TEN, "p@example.com")
        booked, booking = in_a_thread(job, seconds=1)
        assert booked is None  # waiting for the time off
    booking.join(timeout=30)
    assert TimeOff.objects.filter(therapist=alex).exists()
    appointment = Appointment.objects.get(starts_at=TEN)
    assert appointment.therapist == sam
