from io import StringIO

import pytest
from django.core.management import call_command

from bookings.models import Appointment, BookingRules, Patient, Service, Therapist, WorkingHours

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Service.objects.values_list("slug", "duration_minutes", "buffer_minutes", "price")),
        list(Therapist.objects.values_list("display_name", "user__username", "calendar_token")),
        list(WorkingHours.objects.values_list("therapist__display_name", "weekday", "start_time")),
        BookingRules.objects.count(),
    )


def test_the_demo_loads_twice_without_changing_anything():
    call_command("load_demo", "--allow-production", stdout=StringIO())
    first = snapshot()
    call_command("load_demo", "--allow-production", stdout=StringIO())
    assert snapshot() == first
    assert [slug for slug, *_ in first[0]] == ["initial-assessment", "follow-up", "sports-massage"]
    assert len(first[1]) == 3 and len(first[2]) == 24 and first[3] == 1
    assert all(name.startswith("Demo: ") and user.startswith("demo-") for name, user, _ in first[1])
    # Lunch is a gap: two blocks a working day.
    assert (
        WorkingHours.objects.filter(therapist__display_name="Demo: Alex Rivera", weekday=0).count()
        == 2
    )
    assert Appointment.objects.count() == 0 and Patient.objects.count() == 0
