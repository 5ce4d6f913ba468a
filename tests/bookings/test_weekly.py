"""A patient makes a booked visit a weekly course from its page, where the service allows it."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bookings.models import Appointment, CareCourse, OutgoingEmail
from tests.bookings.conftest import LA, make_appointment, next_weekday_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def first(alex, massage):
    massage.online_course_max_visits = 4
    massage.save(update_fields=["online_course_max_visits"])
    day = next_weekday_after(3, weekday=1)
    return make_appointment(
        therapist=alex,
        service=massage,
        starts_at=datetime.combine(day, time(10), tzinfo=LA),
        now=timezone.now(),
    )


def url(appointment):
    return f"/appointments/{appointment.manage_token}/weekly/"


def test_the_preview_shows_each_weekly_visit(client, first):
    page = client.get(url(first) + "?visits=4").content.decode()
    assert "3 of 3 weekly times are free" in page
    assert len(re.findall(r'name="visit-\d+" value="', page)) == 3


def test_booking_makes_one_course_with_the_first_visit_in_it(
    client, first, django_capture_on_commit_callbacks
):
    page = client.get(url(first) + "?visits=3").content.decode()
    chosen = dict(re.findall(r'name="(visit-\d+)" value="([^"]+)"', page))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(first), {"visits": "3", "action": "book", **chosen})
    assert response.status_code == 302
    course = CareCourse.objects.get()
    assert course.visits_planned == 3 and course.source == "online"
    assert set(course.appointments.values_list("pk", flat=True)) >= {first.pk}
    assert course.appointments.count() == 3
    starts = sorted(course.appointments.values_list("starts_at", flat=True))
    assert starts[1] - starts[0] == timedelta(days=7)
    assert OutgoingEmail.objects.filter(kind="course").count() == 1
    assert any(len(message.attachments) == 1 for message in mail.outbox)


def test_a_taken_week_offers_alternatives_and_a_race_books_nothing(client, first, alex, massage):
    week_two = first.starts_at + timedelta(days=7)
    make_appointment(
        therapist=alex,
        service=massage,
        starts_at=week_two,
        email="o@example.com",
        now=timezone.now(),
    )
    page = client.get(url(first) + "?visits=3").content.decode()
    assert "1 of 2 weekly times are free" in page
    assert "That time has just been booked." in page
    chosen = dict(re.findall(r'name="(visit-\d+)" value="([^"]+)"', page))
    # Someone takes the last free week between the preview and the click.
    make_appointment(
        therapist=alex,
        service=massage,
        starts_at=first.starts_at + timedelta(days=14),
        email="q@example.com",
        now=timezone.now(),
    )
    chosen["visit-0"] = (first.starts_at + timedelta(days=7, hours=1)).isoformat()
    response = client.post(url(first), {"visits": "3", "action": "book", **chosen})
    assert response.status_code == 409
    assert "Nothing was booked" in response.content.decode()
    assert not CareCourse.objects.exists()
    assert Appointment.objects.count() == 3


def test_a_service_without_online_courses_says_to_call(client, alex, follow_up):
    appointment = make_appointment(
        therapist=alex,
        service=follow_up,
        starts_at=datetime.combine(next_weekday_after(3), time(10), tzinfo=LA),
        now=timezone.now(),
    )
    page = client.get(url(appointment))
    assert page.status_code == 200
    assert "cannot be made a weekly course online" in page.content.decode()
    assert client.post(url(appointment), {"action": "book"}).status_code == 200
    assert not CareCourse.objects.exists()


def test_more_visits_than_allowed_are_capped(client, first):
    page = client.get(url(first) + "?visits=40").content.decode()
    assert len(re.findall(r'name="visit-\d+" value="', page)) == 3  # 4 in all
