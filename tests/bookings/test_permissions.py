"""Who may see and change which schedule: the access matrix over every /schedule/ URL.

Five visitors with stated roles:
- anonymous: sent to log in;
- Alex (therapist A): their own schedule, patients and time off;
- Sam (therapist B): a colleague; Alex's schedule, appointments and time off are a 404 to them
  that reveals nothing;
- the front desk: everyone's;
- a content editor (staff, no therapist, not front desk): a 404 everywhere under /schedule/.
"""

import re
from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from bookings.models import Appointment, TimeOff
from tests.bookings.conftest import LA

pytestmark = pytest.mark.django_db

PATIENT_NAME = "Quentin Alexpatient"
PATIENT_PHONE = "+1 650 555 0199"
PATIENT_REASON = "Left hamstring strain after sprinting"


@pytest.fixture
def today():
    from bookings.availability import local_today

    return local_today()


@pytest.fixture
def alex_patient_appointment(alex, follow_up, today):
    from bookings import services

    return services.book_appointment(
        service=follow_up,
        therapist=alex,
        starts_at=datetime.combine(today, time(9), tzinfo=LA),
        patient=services.PatientDetails(
            name=PATIENT_NAME, email="quentin@example.com", phone=PATIENT_PHONE
        ),
        reason=PATIENT_REASON,
        now=datetime.combine(today, time(9), tzinfo=LA) - timedelta(days=3),
        notify=False,
    )


@pytest.fixture
def alex_time_off(alex, today):
    start = datetime.combine(today + timedelta(days=3), time(13), tzinfo=LA)
    return TimeOff.objects.create(
        therapist=alex, starts_at=start, ends_at=start + timedelta(hours=2), reason="Dentist"
    )


@pytest.fixture
def people(client, alex_user, sam_user, front_desk_user, editor_user):
    return {
        "anonymous": None,
        "therapist_a": alex_user,
        "therapist_b": sam_user,
        "front_desk": front_desk_user,
        "editor": editor_user,
    }


def urls(appointment, time_off, alex, today):
    day = today.isoformat()
    future = (today + timedelta(days=3)).isoformat()
    return {
        "own schedule": ("get", "/schedule/", {}),
        "alex day": ("get", f"/schedule/?therapist={alex.pk}&date={day}", {}),
        "alex week": ("get", f"/schedule/?therapist={alex.pk}&date={day}&view=week", {}),
        "clinic day": ("get", f"/schedule/clinic/?date={day}", {}),
        "alex day sheet": ("get", f"/schedule/day-sheet/?therapist={alex.pk}&date={day}", {}),
        "alex appointment": ("get", f"/schedule/appointments/{appointment.pk}/", {}),
        "attendance": (
            "post",
            f"/schedule/appointments/{appointment.pk}/attendance/",
            {"outcome": "attended"},
        ),
        "undo": ("post", f"/schedule/appointments/{appointment.pk}/undo/", {}),
        "alex time off page": ("get", f"/schedule/time-off/?therapist={alex.pk}", {}),
        "block alex time off": (
            "post",
            "/schedule/time-off/",
            {
                "therapist": alex.pk,
                "starts_at": f"{future}T07:00",
                "ends_at": f"{future}T08:00",
                "reason": "Course",
            },
        ),
        "remove alex time off": ("post", f"/schedule/time-off/{time_off.pk}/remove/", {}),
    }


# 200: the page; 302: done, back to a schedule page; "login": redirected to log in; 404.
EXPECTED = {
    "own schedule": {"therapist_a": 200, "therapist_b": 200, "front_desk": 200, "editor": 404},
    "alex day": {"therapist_a": 200, "therapist_b": 404, "front_desk": 200, "editor": 404},
    "alex week": {"therapist_a": 200, "therapist_b": 404, "front_desk": 200, "editor": 404},
    "clinic day": {"therapist_a": 404, "therapist_b": 404, "front_desk": 200, "editor": 404},
    "alex day sheet": {"therapist_a": 200, "therapist_b": 404, "front_desk": 200, "editor": 404},
    "alex appointment": {
        "therapist_a": 200,
        "therapist_b": 404,
        "front_desk": 200,
        "editor": 404,
    },
    "attendance": {"therapist_a": 302, "therapist_b": 404, "front_desk": 302, "editor": 404},
    "undo": {"therapist_a": 302, "therapist_b": 404, "front_desk": 302, "editor": 404},
    "alex time off page": {
        "therapist_a": 200,
        "therapist_b": 404,
        "front_desk": 200,
        "editor": 404,
    },
    "block alex time off": {
        "therapist_a": 302,
        "therapist_b": 404,
        "front_desk": 302,
        "editor": 404,
    },
    "remove alex time off": {
        "therapist_a": 302,
        "therapist_b": 404,
        "front_desk": 302,
        "editor": 404,
    },
}
# What the page shows to a visitor it lets in: it works for them before anyone is refused.
SHOWN = {
    "own schedule": PATIENT_NAME,  # therapist B's own day is empty; see below
    "alex day": PATIENT_NAME,
    "alex week": PATIENT_NAME,
    "clinic day": PATIENT_NAME,
    "alex day sheet": PATIENT_NAME,
    "alex appointment": PATIENT_REASON,
    "alex time off page": "Dentist",
}


def done(name, appointment, time_off) -> bool:
    """Whether the POST `name` took effect."""
    appointment.refresh_from_db()
    return {
        "attendance": appointment.status == Appointment.Status.ATTENDED,
        "undo": appointment.status == Appointment.Status.BOOKED,
        "block alex time off": TimeOff.objects.filter(reason="Course").exists(),
        "remove alex time off": not TimeOff.objects.filter(pk=time_off.pk).exists(),
    }[name]


MATRIX = [
    (name, who)
    for name in EXPECTED
    for who in ["anonymous", "therapist_a", "therapist_b", "front_desk", "editor"]
]


@pytest.mark.parametrize(("name", "who"), MATRIX)
def test_the_access_matrix(
    client, people, alex, alex_patient_appointment, alex_time_off, today, name, who
):
    method, path, data = urls(alex_patient_appointment, alex_time_off, alex, today)[name]
    if name == "undo":
        from bookings import services

        services.mark_attendance(appointment=alex_patient_appointment, attended=True)
    if people[who] is not None:
        client.force_login(people[who])
    response = getattr(client, method)(path, data)

    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/schedule/")
        return
    expected = EXPECTED[name][who]
    assert response.status_code == expected, (name, who)
    body = response.content.decode()
    if expected == 404:
        for secret in (PATIENT_NAME, PATIENT_PHONE, PATIENT_REASON, "Dentist", "Alex Rivera"):
            assert secret not in body, (name, who, secret)
        if method == "post":
            assert not done(name, alex_patient_appointment, alex_time_off), (name, who)
    if expected == 302:
        assert response["Location"].startswith("/schedule/")
        assert done(name, alex_patient_appointment, alex_time_off), (name, who)
    if expected == 200:
        if (name, who) != ("own schedule", "therapist_b"):
            assert SHOWN[name] in body, (name, who)
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_it_changes_nothing_when_another_therapist_posts(
    client, sam_user, alex, alex_patient_appointment, alex_time_off, today
):
    client.force_login(sam_user)
    future = (today + timedelta(days=3)).isoformat()
    client.post(
        f"/schedule/appointments/{alex_patient_appointment.pk}/attendance/", {"outcome": "no_show"}
    )
    client.post(
        "/schedule/time-off/",
        {"therapist": alex.pk, "starts_at": f"{future}T07:00", "ends_at": f"{future}T08:00"},
    )
    client.post(f"/schedule/time-off/{alex_time_off.pk}/remove/")
    alex_patient_appointment.refresh_from_db()
    assert alex_patient_appointment.status == Appointment.Status.BOOKED
    assert list(TimeOff.objects.values_list("pk", flat=True)) == [alex_time_off.pk]
    assert not alex_patient_appointment.events.exclude(action="booked").exists()


def test_a_therapists_own_schedule_shows_only_their_patients(
    client, alex_user, sam_user, alex_patient_appointment, today
):
    client.force_login(alex_user)
    assert PATIENT_NAME in client.get(f"/schedule/?date={today}").content.decode()
    client.force_login(sam_user)
    body = client.get(f"/schedule/?date={today}").content.decode()
    assert PATIENT_NAME not in body
    assert f"/schedule/appointments/{alex_patient_appointment.pk}/" not in body


def test_an_inactive_therapists_login_sees_no_schedule(client, alex, alex_user):
    client.force_login(alex_user)
    working = client.get("/schedule/")
    assert working.status_code == 200 and "Alex Rivera" in working.content.decode()
    alex.active = False
    alex.save(update_fields=["active"])
    assert client.get("/schedule/").status_code == 404


def test_the_front_desk_chooses_any_therapist(client, front_desk_user, alex, sam, today):
    client.force_login(front_desk_user)
    body = client.get(f"/schedule/?therapist={sam.pk}&date={today}").content.decode()
    assert "Sam Okafor" in body
    assert f'<option value="{alex.pk}"' in body


def test_a_superuser_is_front_desk(client, admin_user, alex):
    client.force_login(admin_user)
    assert client.get("/schedule/clinic/").status_code == 200


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "1.5", ""])
def test_a_malformed_therapist_id_is_a_404_or_the_default(client, front_desk_user, alex, value):
    client.force_login(front_desk_user)
    response = client.get("/schedule/", {"therapist": value})
    assert response.status_code == (200 if value == "" else 404)


def test_a_missing_appointment_is_the_same_404_as_someone_elses(
    client, alex_user, sam_user, alex_patient_appointment
):
    # The owner (Alex) sees it; the colleague (Sam) gets the page a missing one gets.
    client.force_login(alex_user)
    own = client.get(f"/schedule/appointments/{alex_patient_appointment.pk}/")
    assert own.status_code == 200 and PATIENT_NAME in own.content.decode()
    client.force_login(sam_user)
    theirs = client.get(f"/schedule/appointments/{alex_patient_appointment.pk}/")
    missing = client.get("/schedule/appointments/999999/")
    assert theirs.status_code == missing.status_code == 404
    # Byte for byte the same page, but for the per-request CSRF token of the header's log-out form.
    assert without_csrf_tokens(theirs.content) == without_csrf_tokens(missing.content)


def without_csrf_tokens(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


# --- groups and demo accounts -------------------------------------------------------------------


def permission_names(group_name):
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_the_migration_creates_the_three_groups_with_their_permissions():
    front_desk = permission_names("Front desk")
    for model in ["appointment", "therapist", "service", "workinghours", "timeoff", "patient"]:
        for action in ["view", "add", "change"]:
            assert ("bookings", f"{action}_{model}") in front_desk
    assert ("bookings", "change_bookingrules") in front_desk
    assert ("bookings", "view_appointmentevent") in front_desk
    assert ("bookings", "change_appointmentevent") not in front_desk
    assert ("bookings", "delete_appointment") not in front_desk
    assert not any(app == "conditions" and code != "view_condition" for app, code in front_desk)

    editors = permission_names("Content editors")
    for model in ["condition", "riskfactor", "treatment", "bodyregion", "conditionriskfactor"]:
        for action in ["view", "add", "change", "delete"]:
            assert ("conditions", f"{action}_{model}") in editors
    assert ("conditions", "change_searchmiss") in editors
    assert ("clinic", "change_clinicprofile") in editors
    assert ("clinic", "add_clinicprofile") not in editors
    assert ("clinic", "delete_clinicprofile") not in editors
    assert not any(code.endswith("contentversion") for _, code in editors)
    assert not any(app == "bookings" for app, _ in editors)

    assert permission_names("Therapists") == set()


def test_the_front_desk_and_editors_reach_their_admin_pages(
    client, front_desk_user, editor_user, alex_patient_appointment
):
    client.force_login(front_desk_user)
    assert client.get("/admin/bookings/appointment/").status_code == 200
    assert (
        client.get(f"/admin/bookings/appointment/{alex_patient_appointment.pk}/change/").status_code
        == 200
    )
    assert client.get("/admin/conditions/condition/add/").status_code == 403
    client.force_login(editor_user)
    assert client.get("/admin/conditions/condition/").status_code == 200
    assert client.get("/admin/bookings/appointment/").status_code == 403


def test_no_demo_account_exists_unless_the_demo_is_loaded():
    users = get_user_model().objects
    assert not users.filter(username__startswith="demo-").exists()


def log_in(client, username, password):
    # Through the login page: django-axes needs the request a plain client.login() lacks.
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, username


def test_the_demo_creates_one_login_of_each_kind_and_prints_them(client):
    out = StringIO()
    call_command("load_demo", "--allow-production", stdout=out)
    printed = out.getvalue()
    users = get_user_model().objects
    desk = users.get(username="demo-frontdesk")
    editor = users.get(username="demo-editor")
    assert desk.is_staff and desk.groups.filter(name="Front desk").exists()
    assert editor.is_staff and editor.groups.filter(name="Content editors").exists()
    for username in ["demo-therapist-alex", "demo-therapist-sam", "demo-therapist-jordan"]:
        therapist_user = users.get(username=username)
        assert not therapist_user.is_staff
        assert therapist_user.groups.filter(name="Therapists").exists()
        assert therapist_user.therapist.active
    for username in ["demo-frontdesk", "demo-editor", "demo-therapist-alex"]:
        assert f"{username}-password" in printed
        assert username in printed

    log_in(client, "demo-frontdesk", "demo-frontdesk-password")
    assert client.get("/schedule/clinic/").status_code == 200
    log_in(client, "demo-therapist-sam", "demo-therapist-sam-password")
    assert client.get("/schedule/").status_code == 200
    assert client.get("/schedule/clinic/").status_code == 404
    log_in(client, "demo-editor", "demo-editor-password")
    assert client.get("/schedule/").status_code == 404

    call_command("load_demo", "--allow-production", stdout=StringIO())
    assert users.filter(username__startswith="demo-").count() == 6


def test_anonymous_visitors_are_sent_to_log_in_and_come_back(client, alex_user, today):
    response = client.get(f"/schedule/?date={today}")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/schedule/%3Fdate%3D{today}"
    response = client.post(
        response["Location"],
        {"username": "alex", "password": "alex-pass-123", "next": f"/schedule/?date={today}"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/schedule/?date={today}"


def test_patient_data_pages_are_never_cached(client, alex_user, alex_patient_appointment):
    client.force_login(alex_user)
    for path in [
        "/schedule/",
        "/schedule/?view=week",
        "/schedule/day-sheet/",
        f"/schedule/appointments/{alex_patient_appointment.pk}/",
        "/schedule/time-off/",
    ]:
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, path


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("anonymous", "/accounts/login/?next=/schedule/start/"),
        ("therapist_a", "/schedule/"),
        ("front_desk", "/schedule/clinic/"),
        ("editor", "/admin/"),
    ],
)
def test_after_logging_in_each_role_lands_on_its_own_page(client, people, who, target):
    if people[who] is not None:
        client.force_login(people[who])
    response = client.get("/schedule/start/")
    assert response.status_code == 302
    assert response["Location"] == target


def test_a_logged_in_patient_less_user_lands_on_the_home_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("someone", password="x-pass-123"))
    assert client.get("/schedule/start/")["Location"] == "/"


def test_the_front_desk_with_no_therapists_yet_sees_the_clinic_day(client, front_desk_user):
    client.force_login(front_desk_user)
    response = client.get("/schedule/", follow=True)
    assert response.redirect_chain == [("/schedule/clinic/", 302)]
    assert "No active therapists yet" in response.content.decode()
