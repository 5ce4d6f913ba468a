"""The front desk's dashboard on the admin index: today's list, the week's utilisation, no-shows.

The figures are checked on a crafted week; the page with three users: a superuser and a
front-desk member see it, a content editor (staff too) does not.
"""

from datetime import time, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import dashboard, services
from bookings.models import Appointment, TimeOff
from tests.bookings.conftest import local, make_therapist

pytestmark = pytest.mark.django_db

NOW = local(2027, 1, 6, 12)  # Wednesday; the week is Mon 4 – Sun 10 January 2027


def book(therapist, service, starts_at, *, name="Pat Example", status=None):
    appointment = services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=services.PatientDetails(
            name=name, email=f"{name.split()[0].lower()}@example.com", phone="650 555 0100"
        ),
        now=starts_at - timedelta(days=2),
        notify=False,
    )
    if status == Appointment.Status.CANCELLED:
        services.cancel_appointment(appointment=appointment, by_patient=False, notify=False)
    elif status is not None:
        Appointment.objects.filter(pk=appointment.pk).update(status=status)
    return appointment


@pytest.fixture
def week(follow_up, massage):
    """Alex: Mon–Fri 9–12 and 13–17 (35 h), Tuesday morning off (3 h), 3.5 h booked.

    Sam: no working hours at all.
    """
    alex = make_therapist("Alex Rivera", services_offered=[follow_up, massage], weekdays=range(5))
    sam = make_therapist("Sam Okafor", services_offered=[follow_up], hours=())
    TimeOff.objects.create(
        therapist=alex, starts_at=local(2027, 1, 5, 9), ends_at=local(2027, 1, 5, 12)
    )
    book(alex, follow_up, local(2027, 1, 4, 9), name="Ann Attended", status="attended")
    book(alex, follow_up, local(2027, 1, 4, 10), name="Nick Noshow", status="no_show")
    book(alex, massage, local(2027, 1, 6, 10), name="Wendy Today")
    book(alex, follow_up, local(2027, 1, 6, 14), name="Carl Cancelled", status="cancelled")
    book(alex, follow_up, local(2027, 1, 6, 15), name="Tina Today")
    book(alex, massage, local(2027, 1, 8, 13), name="Fred Friday")
    book(alex, follow_up, local(2027, 1, 8, 16), name="Fran Friday")
    book(alex, follow_up, local(2027, 1, 1, 10), name="Olga Older", status="attended")
    book(alex, follow_up, local(2026, 12, 4, 10), name="Maud Monthago", status="no_show")
    return alex, sam


def test_utilisation_is_booked_hours_over_working_hours_minus_time_off(week):
    alex, sam = week

    rows = {row.therapist: row for row in dashboard.week_utilisation(now=NOW)}

    # 30+30+45+30+45+30 minutes held (the cancelled one frees its time) = 3.5 h of 35 - 3 = 32 h.
    assert rows[alex].booked == timedelta(hours=3, minutes=30)
    assert rows[alex].working == timedelta(hours=32)
    assert rows[alex].percent == 11  # 10.9 %
    assert rows[alex].bar_width == 11
    assert rows[sam].working == timedelta(0)
    assert rows[sam].percent is None
    assert rows[sam].bar_width == 0


def test_an_inactive_therapist_is_left_out(week):
    alex, sam = week
    sam.active = False
    sam.save(update_fields=["active"])
    assert [row.therapist for row in dashboard.week_utilisation(now=NOW)] == [alex]


def test_the_week_with_the_clock_change_has_the_hours_it_really_has(follow_up):
    # Sunday 14 March 2027: 02:00 becomes 03:00, so a 00:00–06:00 block is five hours long.
    night = make_therapist(
        "Night Owl", services_offered=[follow_up], hours=((time(0), time(6)),), weekdays=[6]
    )
    (row,) = dashboard.week_utilisation(now=local(2027, 3, 10, 12))
    assert row.therapist == night
    assert row.working == timedelta(hours=5)


def test_an_overbooked_week_fills_the_bar_and_says_so(follow_up):
    alex = make_therapist("Alex Rivera", services_offered=[follow_up], weekdays=[0])
    book(alex, follow_up, local(2027, 1, 4, 9))
    book(alex, follow_up, local(2027, 1, 4, 10), name="Second Patient")
    # Entered straight into the table, as if by hand: it covers the 10:00 appointment.
    TimeOff.objects.create(
        therapist=alex, starts_at=local(2027, 1, 4, 9, 30), ends_at=local(2027, 1, 4, 17)
    )
    (row,) = dashboard.week_utilisation(now=NOW)
    assert row.working == timedelta(minutes=30)
    assert row.percent == 200
    assert row.bar_width == 100


def test_the_no_show_rate_counts_the_last_30_days(week):
    rate = dashboard.no_show_rate(now=NOW)
    # Attended: Ann (Mon), Olga (1 Jan). No-show: Nick (Mon). Maud's was 33 days ago.
    assert (rate.no_shows, rate.attended) == (1, 2)
    assert rate.percent == 33


def test_the_no_show_rate_is_a_dash_without_attendance(db):
    rate = dashboard.no_show_rate(now=NOW)
    assert rate.rate is None and rate.percent is None


def test_todays_appointments_are_the_clinic_days_in_time_order(week):
    appointments = dashboard.todays_appointments(now=NOW)
    assert [appointment.patient.name for appointment in appointments] == [
        "Wendy Today",
        "Carl Cancelled",
        "Tina Today",
    ]


def test_the_day_follows_the_clinic_clock_not_utc(week):
    # 17:00 Pacific on Wednesday is already Thursday in UTC; it is still Wednesday at the clinic.
    appointments = dashboard.todays_appointments(now=local(2027, 1, 6, 17))
    assert len(appointments) == 3


def test_the_dashboard_takes_the_same_queries_however_much_data(week, follow_up):
    with CaptureQueriesContext(connection) as few:
        dashboard.front_desk_dashboard(now=NOW)
    for index in range(5):
        therapist = make_therapist(f"Extra {index}", services_offered=[follow_up])
        TimeOff.objects.create(
            therapist=therapist, starts_at=local(2027, 1, 7, 9), ends_at=local(2027, 1, 7, 12)
        )
        book(therapist, follow_up, local(2027, 1, 6, 9), name=f"Extra{index} Patient")
    with CaptureQueriesContext(connection) as many:
        figures = dashboard.front_desk_dashboard(now=NOW)
    assert len(figures["utilisation"]) == 7
    assert len(many) == len(few) == 6


# --- the admin index ---------------------------------------------------------------------------


@pytest.fixture
def at_noon_wednesday(monkeypatch):
    # The admin index view reads timezone.now() and takes no `now`; the dashboard's functions
    # are given `now=` in the tests above.
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def front_desk_user(django_user_model):
    group = Group.objects.get_or_create(name="Front desk")[0]
    group.permissions.add(
        Permission.objects.get(content_type__app_label="bookings", codename="view_appointment")
    )
    user = django_user_model.objects.create_user("desk", is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def content_editor(django_user_model):
    group = Group.objects.get_or_create(name="Content editors")[0]
    group.permissions.add(
        Permission.objects.get(content_type__app_label="conditions", codename="view_condition")
    )
    user = django_user_model.objects.create_user("editor", is_staff=True)
    user.groups.add(group)
    return user


def test_the_admin_index_shows_the_front_desk_dashboard(
    client, admin_user, week, at_noon_wednesday
):
    today = Appointment.objects.get(patient__name="Wendy Today")
    client.force_login(admin_user)

    response = client.get("/admin/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Today · Wednesday 6 January" in page
    assert f'href="/admin/bookings/appointment/{today.pk}/change/"' in page
    assert "10:00 AM" in page and "Wendy Today" in page and "Sports massage" in page
    assert "Carl Cancelled" in page and "Cancelled" in page
    assert "Fred Friday" not in page
    assert "This week’s utilisation · 4 Jan–10 Jan" in page
    assert "3.5 h" in page and "32 h" in page and "11%" in page
    assert '<rect class="front-desk-bar-fill" x="0" y="0" width="11" height="10">' in page
    assert "33%" in page and "1 no-show out of 3 appointments" in page
    assert "/static/css/dashboard.css" in page
    assert "style=" not in page
    # The stock index is still there below it.
    assert 'id="content-main"' in page and "Recent actions" in page


def test_the_front_desk_sees_the_dashboard(client, front_desk_user, week, at_noon_wednesday):
    client.force_login(front_desk_user)
    page = client.get("/admin/").content.decode()
    assert "Wendy Today" in page and "11%" in page


def test_a_content_editor_sees_the_admin_without_patients(
    client, content_editor, week, at_noon_wednesday
):
    client.force_login(content_editor)
    response = client.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Wendy Today" not in page
    assert 'id="front-desk"' not in page


def test_the_dashboard_shows_dashes_when_there_is_nothing_to_measure(
    client, admin_user, at_noon_wednesday, follow_up
):
    make_therapist("Sam Okafor", services_offered=[follow_up], hours=())
    client.force_login(admin_user)
    page = client.get("/admin/").content.decode()
    assert "No appointments today." in page
    assert "No attendance recorded in the last 30 days." in page
    assert page.count("—</") >= 2  # the rate and Sam's utilisation


def test_the_admin_index_takes_the_same_queries_however_much_data(
    client, admin_user, week, follow_up, at_noon_wednesday
):
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/admin/").status_code == 200
    for index in range(5):
        therapist = make_therapist(f"Extra {index}", services_offered=[follow_up])
        book(therapist, follow_up, local(2027, 1, 6, 9), name=f"Extra{index} Patient")
        book(therapist, follow_up, local(2027, 1, 5, 9), name=f"Extra{index} Other")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/admin/").status_code == 200
    assert len(many) == len(few)


# --- in a browser --------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1280])
def test_the_dashboard_in_chromium_breaks_no_csp_rule_and_fits_the_screen(
    open_page, live_server, django_user_model, follow_up, massage, width
):
    from bookings.availability import local_today
    from tests.conftest import has_horizontal_overflow, screenshot

    django_user_model.objects.create_superuser("boss", "boss@example.com", "boss-pass-123")
    alex = make_therapist("Alex Rivera", services_offered=[follow_up, massage])
    make_therapist("Sam Okafor", services_offered=[follow_up], hours=())
    today = local_today()
    for hour, name in [(9, "Ann Early"), (10, "Bea Middle"), (14, "Cy Late")]:
        starts_at = local(today.year, today.month, today.day, hour)
        book(alex, massage if hour == 10 else follow_up, starts_at, name=name)

    page = open_page("/admin/login/", width=width)
    page.fill("#id_username", "boss")
    page.fill("#id_password", "boss-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    assert page.locator("#front-desk").is_visible()
    assert page.locator("#front-desk tbody tr").count() == 3 + 2  # today's three, two therapists
    assert page.locator(".front-desk-bar-fill").count() == 2
    screenshot(page, f"admin-dashboard-{width}")
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
    assert not has_horizontal_overflow(page)


def test_the_dashboard_names_the_patient_as_typed_for_that_booking(
    client, admin_user, week, at_noon_wednesday
):
    # The stored patient's name is what staff last confirmed; the appointment keeps what was
    # typed when booking, and that is who the front desk expects at the door.
    today = Appointment.objects.get(patient__name="Wendy Today")
    Appointment.objects.filter(pk=today.pk).update(patient_name="Wendy T. (typed)")
    client.force_login(admin_user)

    page = client.get("/admin/").content.decode()

    assert "Wendy T. (typed)" in page
