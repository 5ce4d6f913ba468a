"""A course and a single booking racing for one of its visits, with real concurrent connections:
either every visit of the course is booked and the single booking is refused, or the single
booking holds that time and the course books nothing."""

from datetime import date, time

import pytest

from bookings import services
from bookings.models import Appointment, CareCourse
from tests.bookings.conftest import local
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

NOW = local(2027, 1, 1, 12)


@pytest.mark.parametrize("attempt", range(3))
def test_a_course_racing_a_single_booking_is_all_or_nothing(alex, follow_up, attempt):
    starts = services.plan_visits(
        weekdays=[1, 3], time_of_day=time(10), first_day=date(2027, 1, 4), visits=8
    )
    contested = starts[5]

    def course():
        return services.book_course(
            service=follow_up,
            therapist=alex,
            patient=services.PatientDetails(
                name="Course", email="course@example.com", phone="+16505550100"
            ),
            starts=starts,
            weekdays=[1, 3],
            time_of_day=time(10),
            now=NOW,
            notify=False,
        ).pk

    def single():
        return services.book_appointment(
            service=follow_up,
            therapist=alex,
            starts_at=contested,
            patient=services.PatientDetails(
                name="Single", email="single@example.com", phone="+16505550100"
            ),
            now=NOW,
            notify=False,
        ).pk

    outcomes = run_at_once([course, single])
    assert not any(kind == "crashed" for kind, _ in outcomes), outcomes
    assert [kind for kind, _ in outcomes].count("ok") == 1
    holders = Appointment.objects.active().filter(starts_at=contested)
    assert holders.count() == 1
    if outcomes[0][0] == "ok":
        assert CareCourse.objects.get().appointments.count() == 8
        assert outcomes[1] == ("refused", "slot_taken")
    else:
        assert outcomes[0] == ("refused", "slot_taken")
        assert not CareCourse.objects.exists()
        assert Appointment.objects.count() == 1
