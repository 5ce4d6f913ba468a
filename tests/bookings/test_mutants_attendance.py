"""Attendance that mutation testing (`make mutate`) found unpinned: when "Undo" is offered for
attendance marked without a history row (set before the history was kept, or by a data fix).

Roles: Alex (a therapist) marks and undoes attendance on the schedule.
"""

from datetime import UTC

import pytest

from bookings import services
from bookings.models import Appointment, AppointmentEvent
from tests.bookings.conftest import local

pytestmark = pytest.mark.django_db

NOW = local(2021, 1, 1, 12).astimezone(UTC)
TEN = local(2021, 1, 5, 10)


def marked_without_history(alex, follow_up, *, changed_at):
    appointment = services.book_appointment(
        service=follow_up,
        therapist=alex,
        starts_at=TEN,
        patient=services.PatientDetails(name="Pat Example", email="pat@example.com", phone=""),
        now=NOW,
        notify=False,
    )
    Appointment.objects.filter(pk=appointment.pk).update(
        status=Appointment.Status.ATTENDED, updated_at=changed_at
    )
    assert not AppointmentEvent.objects.filter(action="attended").exists()
    return Appointment.objects.get(pk=appointment.pk)


def test_undo_without_a_history_row_is_offered_on_the_day_of_the_last_change(alex, follow_up):
    appointment = marked_without_history(alex, follow_up, changed_at=TEN)
    assert services.may_undo_attendance(appointment, now=local(2021, 1, 5, 23, 59))
    undone = services.undo_attendance(appointment=appointment, now=local(2021, 1, 5, 23, 59))
    assert undone.status == Appointment.Status.BOOKED


def test_undo_without_a_history_row_is_refused_the_day_after_the_last_change(alex, follow_up):
    appointment = marked_without_history(alex, follow_up, changed_at=TEN)
    assert not services.may_undo_attendance(appointment, now=local(2021, 1, 6, 0, 1))
