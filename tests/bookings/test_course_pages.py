"""Staff plan a course of care from an appointment: who may, the preview, booking, the course page.

Three users: Alex (the appointment's therapist), Sam (another therapist, refused) and the front
desk (anyone's)."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from bookings.models import Appointment, CareCourse
from tests.bookings.conftest import LA, make_appointment, next_weekday_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(alex, follow_up):
    day = next_weekday_after(3, weekday=1)  # a Tuesday
    return make_appointment(
        therapist=alex,
        service=follow_up,
        starts_at=datetime.combine(day, time(10), tzinfo=LA),
        now=timezone.now(),
    )


def plan(assessment, **extra):
    first = assessment.starts_at.astimezone(LA).date() + timedelta(days=1)
    return {
        "service": assessment.service_id,
        "weekdays": ["1", "3"],
        "time_of_day": "10:00",
        "first_day": first.isoformat(),
        "visits": "4",
        "until": "",
        **extra,
    }


def url(assessment):
    return f"/schedule/courses/new/?appointment={assessment.pk}"


def test_the_appointments_therapist_previews_then_books_a_course(client, alex_user, assessment):
    client.force_login(alex_user)
    preview = client.post(url(assessment), {**plan(assessment), "action": "preview"})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "4 of 4 planned visits are free" in body
    starts = re.findall(r'name="visit-\d+" value="([^"]+)"', body)
    assert len(starts) == 4
    booked = client.post(
        url(assessment),
        {**plan(assessment), "action": "book", **{f"visit-{i}": s for i, s in enumerate(starts)}},
    )
    course = CareCourse.objects.get()
    assert booked.status_code == 302 and booked["Location"] == f"/schedule/courses/{course.pk}/"
    assert course.appointments.count() == 4
    page = client.get(booked["Location"]).content.decode()
    assert "Upcoming (visits left)" in page and "<dd>4</dd>" in page


def test_another_therapist_may_not_plan_for_alexs_patient(client, sam_user, alex_user, assessment):
    client.force_login(sam_user)
    assert client.get(url(assessment)).status_code == 404
    assert (
        client.post(url(assessment), {**plan(assessment), "action": "preview"}).status_code == 404
    )


def test_the_front_desk_may_plan_for_anyone(client, front_desk_user, assessment):
    client.force_login(front_desk_user)
    assert client.get(url(assessment)).status_code == 200


def test_a_conflict_shows_its_reason_and_alternatives(client, alex_user, assessment, follow_up):
    first = assessment.starts_at.astimezone(LA).date() + timedelta(days=1)
    while first.weekday() != 3:
        first += timedelta(days=1)
    make_appointment(
        therapist=assessment.therapist,
        service=follow_up,
        starts_at=datetime.combine(first, time(10), tzinfo=LA),
        email="other@example.com",
        now=timezone.now(),
    )
    client.force_login(alex_user)
    body = client.post(url(assessment), {**plan(assessment), "action": "preview"}).content.decode()
    assert "3 of 4 planned visits are free" in body
    assert "That time has just been booked." in body
    assert "Leave this visit out" in body


def test_a_visit_taken_meanwhile_books_nothing(client, alex_user, assessment, follow_up):
    client.force_login(alex_user)
    body = client.post(url(assessment), {**plan(assessment), "action": "preview"}).content.decode()
    starts = re.findall(r'name="visit-\d+" value="([^"]+)"', body)
    make_appointment(
        therapist=assessment.therapist,
        service=follow_up,
        starts_at=datetime.fromisoformat(starts[2]),
        email="quick@example.com",
        now=timezone.now(),
    )
    response = client.post(
        url(assessment),
        {**plan(assessment), "action": "book", **{f"visit-{i}": s for i, s in enumerate(starts)}},
    )
    assert response.status_code == 200
    assert "Nothing was booked" in response.content.decode()
    assert "That time has just been booked." in response.content.decode()
    assert not CareCourse.objects.exists()
    assert Appointment.objects.count() == 2


def test_cancelling_the_rest_of_a_course(client, front_desk_user, assessment):
    client.force_login(front_desk_user)
    body = client.post(url(assessment), {**plan(assessment), "action": "preview"}).content.decode()
    starts = re.findall(r'name="visit-\d+" value="([^"]+)"', body)
    client.post(
        url(assessment),
        {**plan(assessment), "action": "book", **{f"visit-{i}": s for i, s in enumerate(starts)}},
    )
    course = CareCourse.objects.get()
    client.post(f"/schedule/courses/{course.pk}/cancel/")
    assert set(course.appointments.values_list("status", flat=True)) == {"cancelled"}
    assert Appointment.objects.get(pk=assessment.pk).status == "booked"
