"""The therapist's calendar feed (parsed with icalendar) and the page to subscribe to it.

Access tests use five visitors: anonymous; therapist A (Alex, owns the feed); therapist B (Sam,
another therapist); the front desk (may see and regenerate anyone's); a content editor (staff,
but no business with the schedule).
"""

from datetime import UTC, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from bookings import services
from bookings.models import Appointment
from bookings.notifications.calendars import short_patient_name
from tests.bookings.conftest import local, make_therapist

pytestmark = pytest.mark.django_db

NOW = local(2027, 1, 4, 9)  # Monday 9:00, Pacific time
CALENDAR_PAGE = "/schedule/calendar/"


@pytest.fixture
def clock(monkeypatch):
    """The feed view reads timezone.now() and takes no `now`: its window and DTSTAMP follow this.

    Services are given `now=` instead.
    """
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def book(therapist, service, starts_at, *, name="Jane Doe", email="jane@example.com", **kw):
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=services.PatientDetails(name=name, email=email, phone="+1 650 555 0199"),
        reason=kw.pop("reason", "Sore left calf after the marathon"),
        now=starts_at - timedelta(days=2),
        notify=False,
        **kw,
    )


def feed_path(therapist):
    therapist.refresh_from_db()
    return f"/schedule/feed/{therapist.calendar_token}.ics"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


@pytest.fixture
def sam(follow_up):
    return make_therapist("Sam Okafor", services_offered=[follow_up])


@pytest.fixture
def users(django_user_model, alex, sam):
    """Therapist A (Alex), therapist B (Sam), the front desk and a content editor."""
    therapist_a = django_user_model.objects.create_user("alex")
    therapist_b = django_user_model.objects.create_user("sam")
    alex.user, sam.user = therapist_a, therapist_b
    alex.save(update_fields=["user"])
    sam.save(update_fields=["user"])
    front_desk = django_user_model.objects.create_user("desk", is_staff=True)
    front_desk.groups.add(Group.objects.get_or_create(name="Front desk")[0])
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get_or_create(name="Content editors")[0])
    return {"a": therapist_a, "b": therapist_b, "desk": front_desk, "editor": editor}


# --- the feed -----------------------------------------------------------------------------------


def test_the_feed_is_a_calendar_every_app_reads(client, alex):
    response = client.get(feed_path(alex))

    calendar = parse(response)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Clinic//Therapist schedule//EN"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Sports Medicine — Alex Rivera"
    assert calendar.refresh_interval == timedelta(minutes=15)
    body = response.content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT15M" in body
    assert "X-PUBLISHED-TTL:PT15M" in body
    assert calendar.walk("VEVENT") == []
    assert "VTIMEZONE" not in body  # every time is UTC


def test_the_feed_lists_the_therapists_appointments_with_minimal_patient_data(
    client, alex, sam, follow_up, massage, clock
):
    upcoming = book(alex, massage, local(2027, 1, 5, 10))
    attended = book(
        alex, follow_up, local(2026, 12, 28, 14), name="Mary Ann van Dyke", email="m@example.com"
    )
    services.mark_attendance(appointment=attended, attended=True, now=NOW)
    cancelled = book(
        alex, follow_up, local(2027, 1, 6, 10), name="Gone Away", email="g@example.com"
    )
    services.cancel_appointment(appointment=cancelled, by_patient=False, notify=False, now=NOW)
    # More than 30 days back:
    book(alex, follow_up, local(2026, 11, 30, 10), name="Long Ago", email="l@example.com")
    book(sam, follow_up, local(2027, 1, 5, 10), name="Sams Patient", email="s@example.com")

    response = client.get(feed_path(alex))

    calendar = parse(response)
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"{upcoming.calendar_uid}@clinic-bookings",
        f"{attended.calendar_uid}@clinic-bookings",
    }
    event = events[f"{upcoming.calendar_uid}@clinic-bookings"]
    assert str(event["SUMMARY"]) == "Sports massage — Jane D."
    assert event.decoded("DTSTART") == local(2027, 1, 5, 10).astimezone(UTC)
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == local(2027, 1, 5, 10, 45).astimezone(UTC)
    assert event.decoded("DTSTAMP") == NOW.astimezone(UTC)
    assert event["SEQUENCE"] == 0
    assert "LOCATION" not in event  # no address set: a bare name would send maps nowhere
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(events[f"{attended.calendar_uid}@clinic-bookings"]["SUMMARY"]) == (
        "Follow up — Mary D."
    )
    body = response.content.decode()
    assert "DTSTART:20270105T180000Z" in body
    for private in ["jane@example.com", "650 555 0199", "6505550199", "Sore left calf", "Doe"]:
        assert private not in body
    for elsewhere in ["Gone Away", "Long Ago", "Sams Patient", "Gone", "Sams"]:
        assert elsewhere not in body


def test_a_moved_appointment_keeps_its_uid_with_a_higher_sequence(client, alex, follow_up, clock):
    appointment = book(alex, follow_up, local(2027, 1, 5, 10))
    services.reschedule_appointment(
        appointment=appointment,
        starts_at=local(2027, 1, 6, 14),
        by_patient=False,
        notify=False,
        now=NOW,
    )

    (event,) = parse(client.get(feed_path(alex))).walk("VEVENT")
    assert str(event["UID"]) == f"{appointment.calendar_uid}@clinic-bookings"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == local(2027, 1, 6, 14).astimezone(UTC)


def test_the_feed_is_never_stored_by_a_cache(client, alex):
    response = client.get(feed_path(alex))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_feed_answers_head_and_refuses_post(client, alex):
    assert client.head(feed_path(alex)).status_code == 200
    assert client.post(feed_path(alex)).status_code == 405


@pytest.mark.parametrize(
    "token",
    [
        "wrong",
        "x" * 64,
        "x" * 65,
        "x" * 3000,
        "%3Cscript%3E",
        "caf%C3%A9",
        "..%2F..%2Fetc",
        "a.b",
        "%20",
        "-1",
    ],
)
def test_a_wrong_token_is_a_plain_404(client, alex, token):
    assert client.get(feed_path(alex)).status_code == 200  # the right one works
    response = client.get(f"/schedule/feed/{token}.ics")
    assert response.status_code == 404
    assert "BEGIN:VCALENDAR" not in response.content.decode()


def test_an_inactive_therapists_feed_is_gone(client, alex):
    path = feed_path(alex)
    assert client.get(path).status_code == 200
    alex.active = False
    alex.save(update_fields=["active"])
    assert client.get(path).status_code == 404


def test_a_regenerated_token_replaces_the_old_one_at_once(client, alex, follow_up):
    old = feed_path(alex)
    services.regenerate_calendar_token(therapist=alex, actor=None)
    new = feed_path(alex)

    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_the_feed_takes_the_same_queries_however_many_appointments(
    client, alex, follow_up, massage, clock
):
    book(alex, follow_up, local(2027, 1, 5, 10))
    path = feed_path(alex)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for day in range(6, 16):
        book(alex, massage, local(2027, 1, day, 9), email=f"p{day}@example.com")
        book(alex, follow_up, local(2027, 1, day, 14), email=f"q{day}@example.com")
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)
    assert len(parse(response).walk("VEVENT")) == 21
    assert len(many) == len(few) == 3  # the therapist, the appointments, the clinic's profile


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Jane Doe", "Jane D."),
        ("  Mary Ann  van Dyke ", "Mary D."),
        ("Cher", "Cher"),
        ("Élodie Ōtani", "Élodie Ō."),
        ("", "Patient"),
    ],
)
def test_patients_appear_by_first_name_and_last_initial(name, short):
    assert short_patient_name(name) == short


# --- the subscription page ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, users):
    response = client.get(CALENDAR_PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={CALENDAR_PAGE}"
    assert client.post(CALENDAR_PAGE).status_code == 302


def test_a_therapist_sees_their_own_feed_link_and_how_to_subscribe(client, users, alex, sam):
    client.force_login(users["a"])
    response = client.get(CALENDAR_PAGE)

    assert response.status_code == 200
    alex.refresh_from_db()
    sam.refresh_from_db()
    page = response.content.decode()
    assert f"/schedule/feed/{alex.calendar_token}.ics" in page
    assert 'href="webcal://' in page
    assert "Google Calendar" in page and "Outlook" in page and "Apple Calendar" in page
    assert sam.calendar_token not in page
    assert "no-store" in response["Cache-Control"]


def test_the_feed_link_uses_the_sites_public_address(client, users, alex, settings):
    settings.SITE_URL = "https://clinic.example"
    client.force_login(users["a"])
    page = client.get(CALENDAR_PAGE).content.decode()
    alex.refresh_from_db()
    assert f'value="https://clinic.example/schedule/feed/{alex.calendar_token}.ics"' in page
    assert f'href="webcal://clinic.example/schedule/feed/{alex.calendar_token}.ics"' in page


def test_a_therapist_cannot_see_or_regenerate_another_therapists_feed(client, users, sam):
    """Owner: Sam; teammate: the front desk; outsider: Alex, another therapist."""
    sam.refresh_from_db()
    before = sam.calendar_token
    client.force_login(users["b"])
    assert before in client.get(CALENDAR_PAGE).content.decode()
    client.force_login(users["desk"])
    assert before in client.get(CALENDAR_PAGE, {"therapist": sam.pk}).content.decode()
    client.force_login(users["a"])

    assert client.get(CALENDAR_PAGE, {"therapist": sam.pk}).status_code == 404
    assert client.post(CALENDAR_PAGE, {"therapist": sam.pk}).status_code == 404
    sam.refresh_from_db()
    assert sam.calendar_token == before


def test_a_therapist_regenerates_their_own_link(client, users, alex):
    old = feed_path(alex)
    client.force_login(users["a"])

    response = client.post(CALENDAR_PAGE, {"therapist": alex.pk})

    assert response.status_code == 302
    assert response["Location"] == CALENDAR_PAGE
    page = client.get(response["Location"]).content.decode()
    assert "There is a new calendar link" in page
    new = feed_path(alex)
    assert new != old and new in page
    assert client.get(old).status_code == 404


def test_the_front_desk_sees_and_regenerates_any_therapists_link(client, users, alex, sam):
    old = feed_path(sam)
    client.force_login(users["desk"])

    chooser = client.get(CALENDAR_PAGE)
    assert chooser.status_code == 200
    assert "Choose a therapist" in chooser.content.decode()
    assert "Sam Okafor" in chooser.content.decode()

    page = client.get(CALENDAR_PAGE, {"therapist": sam.pk})
    assert page.status_code == 200
    assert old in page.content.decode()

    response = client.post(CALENDAR_PAGE, {"therapist": sam.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR_PAGE}?therapist={sam.pk}"
    after = client.get(response["Location"]).content.decode()
    assert "send Sam Okafor the new link" in after
    assert feed_path(sam) in after
    assert client.get(old).status_code == 404


def test_a_superuser_counts_as_front_desk(client, admin_user, users, sam):
    client.force_login(admin_user)
    response = client.get(CALENDAR_PAGE, {"therapist": sam.pk})
    assert response.status_code == 200
    assert feed_path(sam) in response.content.decode()


def test_a_content_editor_has_no_feed_to_see(client, users, alex):
    alex.refresh_from_db()
    client.force_login(users["a"])
    assert alex.calendar_token in client.get(CALENDAR_PAGE).content.decode()
    client.force_login(users["editor"])
    assert client.get(CALENDAR_PAGE).status_code == 404
    assert client.get(CALENDAR_PAGE, {"therapist": alex.pk}).status_code == 404
    assert client.post(CALENDAR_PAGE, {"therapist": alex.pk}).status_code == 404


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1.5", "99999999999999999999999", "١"])
def test_a_malformed_therapist_choice_is_a_404(client, users, sam, value):
    client.force_login(users["desk"])
    assert "Sam Okafor" in client.get(CALENDAR_PAGE, {"therapist": sam.pk}).content.decode()
    assert client.get(CALENDAR_PAGE, {"therapist": value}).status_code == 404
    assert client.post(CALENDAR_PAGE, {"therapist": value}).status_code == 404


def test_an_unknown_therapist_is_a_404_even_for_the_front_desk(client, users, sam):
    client.force_login(users["desk"])
    assert client.get(CALENDAR_PAGE, {"therapist": sam.pk}).status_code == 200
    assert client.get(CALENDAR_PAGE, {"therapist": sam.pk + 1000}).status_code == 404


def test_the_page_says_when_a_therapists_feed_is_switched_off(client, users, alex):
    alex.active = False
    alex.save(update_fields=["active"])
    client.force_login(users["a"])
    assert "this feed is switched off" in client.get(CALENDAR_PAGE).content.decode()


def test_the_page_fits_a_phone_and_has_no_inline_styles_or_scripts(client, users):
    client.force_login(users["a"])
    page = client.get(CALENDAR_PAGE).content.decode()
    assert "style=" not in page
    assert "<script>" not in page
    assert '<label class="form-label" for="feed-url">' in page


def test_appointments_are_still_listed_after_a_token_change(client, alex, follow_up, clock):
    book(alex, follow_up, local(2027, 1, 5, 10))
    services.regenerate_calendar_token(therapist=alex, actor=None)
    assert len(parse(client.get(feed_path(alex))).walk("VEVENT")) == 1
    assert Appointment.objects.count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_calendar_page_on_a_phone(open_page, live_server, django_user_model, alex):
    from tests.conftest import has_horizontal_overflow, screenshot

    user = django_user_model.objects.create_user("alex", password="alex-pass-123")
    alex.user = user
    alex.save(update_fields=["user"])

    page = open_page(f"/accounts/login/?next={CALENDAR_PAGE}", width=360)
    page.fill("#id_username", "alex")
    page.fill("#id_password", "alex-pass-123")
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + CALENDAR_PAGE)

    assert page.input_value("#feed-url").endswith(".ics")
    screenshot(page, "calendar-subscription-360")
    with page.expect_navigation():
        page.click("button:has-text('Make a new link')")
    assert page.locator("text=There is a new calendar link").is_visible()
    assert page.console_errors == []
    assert not has_horizontal_overflow(page)
