"""Courses of care: planned visits, the preview's conflicts and alternatives, all-or-nothing
booking, and the one email with every visit's event."""

from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from icalendar import Calendar

from bookings import services
from bookings.models import Appointment, CareCourse, OutgoingEmail, TimeOff
from bookings.services.courses import CourseConflict, book_course, plan_visits, preview_course
from clinic.models import Closure
from tests.bookings.conftest import LA, local, make_appointment

pytestmark = pytest.mark.django_db

NOW = local(2027, 1, 1, 12)
TUE, THU = 1, 3
PAT = services.PatientDetails(name="Pat Course", email="pat@example.com", phone="+16505550100")


def at(moment):
    return moment.astimezone(LA).strftime("%a %d %H:%M")


def six_weeks(**kw):
    return plan_visits(weekdays=[TUE, THU], time_of_day=time(10), first_day=date(2027, 1, 4), **kw)


def test_it_plans_visits_on_the_weekdays_until_the_count():
    starts = six_weeks(visits=12)
    assert len(starts) == 12
    assert at(starts[0]) == "Tue 05 10:00" and at(starts[1]) == "Thu 07 10:00"
    assert at(starts[-1]) == "Thu 11 10:00"  # Feb 11, six weeks on


def test_it_plans_visits_up_to_an_end_date_inclusive():
    starts = six_weeks(until=date(2027, 1, 14))
    assert [at(start) for start in starts] == [
        "Tue 05 10:00",
        "Thu 07 10:00",
        "Tue 12 10:00",
        "Thu 14 10:00",
    ]


def test_a_plan_across_the_clock_change_keeps_the_wall_clock_time():
    starts = plan_visits(
        weekdays=[TUE], time_of_day=time(17, 30), first_day=date(2027, 3, 9), visits=2
    )
    # 2027-03-14 the clocks go forward: both visits are 17:30 on the clinic's clock.
    assert [start.astimezone(LA).strftime("%H:%M %Z") for start in starts] == [
        "17:30 PST",
        "17:30 PDT",
    ]


def test_the_preview_marks_each_conflict_with_its_reason(alex, follow_up):
    starts = six_weeks(visits=4)  # Tue 5, Thu 7, Tue 12, Thu 14 at 10:00
    make_appointment(therapist=alex, service=follow_up, starts_at=starts[0], email="o@example.com")
    TimeOff.objects.create(
        therapist=alex, starts_at=local(2027, 1, 7, 9), ends_at=local(2027, 1, 7, 11)
    )
    Closure.objects.create(first_day=date(2027, 1, 12), last_day=date(2027, 1, 12), reason="Hol")
    visits = preview_course(service=follow_up, therapist=alex, starts=starts, now=NOW)
    assert [visit.problem for visit in visits] == ["slot_taken", "time_off", "clinic_closed", None]
    assert visits[2].message == "The clinic is closed then."


def test_alternatives_are_the_nearest_free_times_that_day_or_the_next(alex, follow_up):
    starts = six_weeks(visits=2)
    make_appointment(therapist=alex, service=follow_up, starts_at=starts[0], email="o@example.com")
    [taken, free] = preview_course(service=follow_up, therapist=alex, starts=starts, now=NOW)
    assert free.is_free and free.alternatives == []
    # 10:00 is taken until 10:30: 09:30 and 10:30 are 30 minutes away, 09:15 the next closest.
    assert [at(moment) for moment in taken.alternatives] == [
        "Tue 05 09:15",
        "Tue 05 09:30",
        "Tue 05 10:30",
    ]
    assert all(at(moment).startswith(("Tue 05", "Wed 06")) for moment in taken.alternatives)


def test_an_alternative_never_clashes_with_another_visit_of_the_plan(alex, follow_up):
    # Two visits the same morning, 10:00 taken: 10:30 is the other visit's, never offered.
    starts = [local(2027, 1, 5, 10), local(2027, 1, 5, 10, 30)]
    make_appointment(therapist=alex, service=follow_up, starts_at=starts[0], email="o@example.com")
    taken, _free = preview_course(service=follow_up, therapist=alex, starts=starts, now=NOW)
    assert local(2027, 1, 5, 10, 30) not in taken.alternatives
    assert local(2027, 1, 5, 10, 15) not in taken.alternatives  # would overlap 10:30


def test_booking_a_course_books_every_visit_and_sends_one_email(alex, follow_up):
    starts = six_weeks(visits=6)
    course = book_course(
        service=follow_up,
        therapist=alex,
        patient=PAT,
        starts=starts,
        weekdays=[TUE, THU],
        time_of_day=time(10),
        now=NOW,
    )
    assert course.appointments.count() == 6
    assert set(course.appointments.values_list("status", flat=True)) == {"booked"}
    emails = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.COURSE)
    assert emails.count() == 1
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.BOOKED).exists()
    calendar = Calendar.from_ical(emails.get().ics)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 6
    assert len({str(event["uid"]) for event in events}) == 6
    assert sorted(event.decoded("dtstart") for event in events) == starts


def test_the_course_email_goes_out_after_commit(
    alex, follow_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book_course(
            service=follow_up,
            therapist=alex,
            patient=PAT,
            starts=six_weeks(visits=3),
            weekdays=[TUE, THU],
            time_of_day=time(10),
            now=NOW,
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "3" in message.subject and message.to == ["pat@example.com"]
    assert len(message.attachments) == 1


def test_one_taken_visit_books_nothing_and_names_the_visit(alex, follow_up):
    starts = six_weeks(visits=6)
    make_appointment(therapist=alex, service=follow_up, starts_at=starts[3], email="o@example.com")
    with pytest.raises(CourseConflict) as refused:
        book_course(
            service=follow_up,
            therapist=alex,
            patient=PAT,
            starts=starts,
            weekdays=[TUE, THU],
            time_of_day=time(10),
            now=NOW,
        )
    assert refused.value.code == "slot_taken"
    assert refused.value.starts_at == starts[3]
    assert Appointment.objects.count() == 1  # only the other patient's
    assert not CareCourse.objects.exists()
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.COURSE).exists()


def test_online_a_course_needs_the_service_to_allow_it(alex, massage):
    starts = plan_visits(weekdays=[TUE], time_of_day=time(10), first_day=date(2027, 1, 4), visits=3)
    kwargs = {
        "service": massage,
        "therapist": alex,
        "patient": PAT,
        "starts": starts,
        "weekdays": [TUE],
        "time_of_day": time(10),
        "now": NOW,
        "source": Appointment.Source.ONLINE,
    }
    with pytest.raises(ValidationError) as not_online:
        book_course(**kwargs)
    assert not_online.value.code == "course_not_online"
    massage.online_course_max_visits = 2
    massage.save(update_fields=["online_course_max_visits"])
    with pytest.raises(ValidationError) as too_many:
        book_course(**kwargs)
    assert too_many.value.code == "course_too_long"
    massage.online_course_max_visits = 6
    massage.save(update_fields=["online_course_max_visits"])
    assert book_course(**kwargs).appointments.count() == 3


def test_cancelling_one_visit_leaves_the_rest(alex, follow_up):
    course = book_course(
        service=follow_up,
        therapist=alex,
        patient=PAT,
        starts=six_weeks(visits=4),
        weekdays=[TUE, THU],
        time_of_day=time(10),
        now=NOW,
        notify=False,
    )
    first = course.appointments.order_by("starts_at").first()
    services.cancel_appointment(appointment=first, now=NOW, notify=False)
    assert course.appointments.filter(status="booked").count() == 3
    assert first.starts_at + timedelta(days=2) in set(
        course.appointments.values_list("starts_at", flat=True)
    )
