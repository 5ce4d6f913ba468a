"""Who did what: each change to an appointment writes one history row, with its actor.

Actors: the patient online (recorded as no one), Alex the therapist, the front desk.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bookings import services
from bookings.availability import local_today
from bookings.models import Appointment, AppointmentEvent, Patient
from tests.bookings.conftest import LA, local, next_weekday_after

pytestmark = pytest.mark.django_db

NOW = local(2026, 11, 25, 12)
TUESDAY = local(2026, 12, 1, 10)


def book(therapist, service, starts_at, *, now=NOW, **kwargs):
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=services.PatientDetails(name="Pat Example", email="pat@example.com", phone="650"),
        now=now,
        notify=False,
        **kwargs,
    )


def history(appointment):
    return list(
        AppointmentEvent.objects.filter(appointment=appointment)
        .order_by("created_at", "pk")
        .values_list("action", "actor__username", "detail")
    )


def test_a_patients_online_booking_cancel_and_move_are_recorded_without_an_actor(alex, follow_up):
    appointment = book(alex, follow_up, TUESDAY)
    services.reschedule_appointment(
        appointment=appointment, starts_at=local(2026, 12, 2, 11, 30), now=NOW, notify=False
    )
    services.cancel_appointment(appointment=appointment, now=NOW, notify=False)
    assert history(appointment) == [
        ("booked", None, "Booked online for Tue 1 Dec 10:00 with Alex Rivera"),
        ("moved", None, "Moved from Tue 1 Dec 10:00 to Wed 2 Dec 11:30"),
        ("cancelled", None, "Cancelled by the patient online (was Wed 2 Dec 11:30)"),
    ]


def test_staff_changes_record_who_made_them(alex, sam, follow_up, alex_user, front_desk_user):
    appointment = book(
        alex, follow_up, TUESDAY, source=Appointment.Source.FRONT_DESK, actor=front_desk_user
    )
    services.reschedule_appointment(
        appointment=appointment,
        starts_at=local(2026, 12, 1, 14),
        therapist=sam,
        by_patient=False,
        now=NOW,
        notify=False,
        actor=front_desk_user,
    )
    services.mark_attendance(appointment=appointment, attended=False, actor=alex_user)
    services.undo_attendance(appointment=appointment, actor=alex_user)
    services.cancel_appointment(
        appointment=appointment, by_patient=False, now=NOW, notify=False, actor=front_desk_user
    )
    assert history(appointment) == [
        ("booked", "desk", "Booked by the front desk for Tue 1 Dec 10:00 with Alex Rivera"),
        (
            "moved",
            "desk",
            "Moved from Tue 1 Dec 10:00 to Tue 1 Dec 14:00, from Alex Rivera to Sam Okafor",
        ),
        ("no_show", "alex", "No-show: Tue 1 Dec 14:00"),
        ("attendance_undone", "alex", "Undid no-show: back to booked"),
        ("cancelled", "desk", "Cancelled by the clinic (was Tue 1 Dec 14:00)"),
    ]


def test_the_schedules_attendance_buttons_record_the_therapist(client, alex_user, alex, follow_up):
    start = datetime.combine(local_today(), time(9), tzinfo=LA).astimezone(UTC)
    appointment = services.book_appointment(
        service=follow_up,
        therapist=alex,
        starts_at=start,
        patient=services.PatientDetails(name="Pat Example", email="pat@example.com", phone="650"),
        now=start - timedelta(days=2),
        notify=False,
    )
    client.force_login(alex_user)
    client.post(f"/schedule/appointments/{appointment.pk}/attendance/", {"outcome": "attended"})
    client.post(f"/schedule/appointments/{appointment.pk}/undo/")
    assert [(action, actor) for action, actor, _ in history(appointment)] == [
        ("booked", None),
        ("attended", "alex"),
        ("attendance_undone", "alex"),
    ]


def test_an_admin_edit_records_the_admin(client, admin_user, alex, follow_up):
    # The admin refuses a time in the past on the real clock: dates from today.
    tuesday = next_weekday_after(7, weekday=1)
    thursday = tuesday + timedelta(days=2)
    starts_at = local(tuesday.year, tuesday.month, tuesday.day, 10)
    appointment = book(alex, follow_up, starts_at, reason="Calf", now=timezone.now())
    client.force_login(admin_user)
    new_start = local(thursday.year, thursday.month, thursday.day, 15)
    response = client.post(
        f"/admin/bookings/appointment/{appointment.pk}/change/",
        {
            "therapist": alex.pk,
            "service": follow_up.pk,
            "patient": appointment.patient.pk,
            "starts_at_0": thursday.isoformat(),
            "starts_at_1": "15:00:00",
            "status": "booked",
            "reason": "Calf and ankle",
            "condition": "",
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == new_start
    moved = (
        f"Moved from Tue {tuesday.day} {tuesday:%b} 10:00 to Thu {thursday.day} {thursday:%b} 15:00"
    )
    assert history(appointment)[1:] == [
        ("moved", "admin", moved),
        ("edited", "admin", "Changed reason"),
    ]
    page = client.get(f"/admin/bookings/appointment/{appointment.pk}/change/").content.decode()
    assert "History: who did what" in page
    assert moved in page
    assert "by admin" in page and "by the patient online" in page
    assert page.index("Booked online") < page.index("Moved from")


def test_the_admins_cancel_action_records_the_admin(client, admin_user, alex, follow_up):
    appointment = book(alex, follow_up, TUESDAY)
    client.force_login(admin_user)
    client.post(
        "/admin/bookings/appointment/",
        {"action": "cancel_selected", "_selected_action": [appointment.pk]},
    )
    assert history(appointment)[-1][:2] == ("cancelled", "admin")


def test_an_admin_correcting_attendance_back_to_booked_is_recorded(admin_user, alex, follow_up):
    appointment = book(alex, follow_up, TUESDAY)
    services.mark_attendance(appointment=appointment, attended=True)
    services.update_appointment(
        appointment=appointment,
        therapist=alex,
        service=follow_up,
        starts_at=appointment.starts_at,
        status="booked",
        reason="",
        condition=None,
        patient=Patient.objects.get(),
        actor=admin_user,
    )
    assert history(appointment)[-1] == (
        "attendance_undone",
        "admin",
        "Changed from attended back to booked",
    )


def test_a_failed_change_writes_no_history(alex, follow_up):
    appointment = book(alex, follow_up, TUESDAY)
    services.cancel_appointment(appointment=appointment, now=NOW, notify=False)
    with pytest.raises(ValidationError):
        services.cancel_appointment(appointment=appointment, now=NOW, notify=False)
    assert [action for action, *_ in history(appointment)] == ["booked", "cancelled"]


def test_the_time_of_day_the_clocks_go_back_is_named(alex, follow_up):
    from bookings.services import describe_moment

    assert describe_moment(local(2027, 11, 7, 1, 30)) == "Sun 7 Nov 01:30 PDT"
    assert describe_moment(local(2027, 11, 7, 1, 30, fold=1)) == "Sun 7 Nov 01:30 PST"
    # Every time of that day says which, as the pages do (clinic/clock.py).
    assert describe_moment(local(2027, 11, 7, 3, 0)) == "Sun 7 Nov 03:00 PST"
    assert describe_moment(local(2027, 11, 8, 3, 0)) == "Mon 8 Nov 03:00"
