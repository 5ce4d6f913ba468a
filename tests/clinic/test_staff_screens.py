"""Staff screens that feel finished: the admin lists fit 1280 px, no server-time note on every
time box, search boxes instead of raw ids, and designed 403 and CSRF pages saying what to do."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from bookings import services
from bookings.models import Appointment, Therapist
from clinic import clock

# A browser far from the clinic's zone: Django's admin then notes "You are N hours ahead of
# server time" under each of its own date and time boxes.
FAR_ZONE = "Asia/Tokyo"


def book_demo_appointment() -> Appointment:
    """An appointment at the start of a demo therapist's hours, a few days ahead."""
    therapist = Therapist.objects.filter(working_hours__isnull=False).order_by("pk").first()
    service = therapist.services.order_by("pk").first()
    day = clock.local_today() + timedelta(days=3)
    for offset in range(14):
        hours = therapist.working_hours.filter(weekday=(day + timedelta(offset)).weekday())
        block = hours.order_by("start_time").first()
        if block is None:
            continue
        starts_at = datetime.combine(
            day + timedelta(offset), block.start_time, tzinfo=clock.clinic_zone()
        )
        return services.book_appointment(
            service=service,
            therapist=therapist,
            starts_at=starts_at,
            patient=services.PatientDetails(
                name="Marie-Christine Lefebvre-Dubois",
                email="marie@example.com",
                phone="+1 650 555 0100",
            ),
            notify=False,
        )
    raise AssertionError("no demo working hours in the next fortnight")


@pytest.fixture
def admin_page(browser, live_server, admin_user):
    """admin_page(path) -> a Playwright page 1280x800, logged in as a superuser, in Tokyo."""
    client = Client()
    client.force_login(admin_user)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, timezone_id=FAR_ZONE)
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )

    def open_(path):
        page = context.new_page()
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        return page

    yield open_
    context.close()


@pytest.mark.django_db(transaction=True)
def test_it_shows_no_server_time_note_on_the_working_hours_inline(admin_page, demo_data):
    therapist = Therapist.objects.filter(working_hours__isnull=False).order_by("pk").first()
    page = admin_page(f"/admin/bookings/therapist/{therapist.pk}/change/")
    assert page.locator("input[name$='-start_time'][type=time]").count() >= 2
    assert page.locator(".timezonewarning").count() == 0
    assert "hours ahead of server time" not in page.content()


@pytest.mark.django_db(transaction=True)
def test_it_shows_no_server_time_note_on_appointment_and_time_off_forms(admin_page, demo_data):
    for path in ["/admin/bookings/appointment/add/", "/admin/bookings/timeoff/add/"]:
        page = admin_page(path)
        assert page.locator("input[name='starts_at_0'][type=date]").count() == 1
        assert page.locator(".timezonewarning").count() == 0, path
        assert "On the clinic" in page.locator(".help").first.inner_text()


@pytest.mark.django_db(transaction=True)
def test_it_shows_therapist_service_and_status_in_the_appointment_list_at_1280px(
    admin_page, demo_data
):
    book_demo_appointment()
    page = admin_page("/admin/bookings/appointment/")
    headers = page.locator("#result_list thead th").all_inner_texts()
    columns = [text.strip().lower() for text in headers if text.strip()]
    assert columns[:4] == ["starts", "therapist", "service", "status"]
    # Nothing to scroll sideways for: every column is on screen.
    results = page.locator(".results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth")
    for name in ["therapist", "service", "status"]:
        box = page.locator(f"#result_list th.column-{name}").bounding_box()
        assert box["x"] + box["width"] <= 1280
    assert "Marie-Christine Lefebvre-Dubois" in page.content()


def test_it_lists_appointments_with_therapist_service_and_status(client, admin_user, demo_data):
    appointment = book_demo_appointment()
    client.force_login(admin_user)
    body = client.get("/admin/bookings/appointment/").content.decode()
    for name in ["starts", "therapist", "service", "status"]:
        assert f'class="sortable column-{name}' in body or f'class="column-{name}' in body
    assert appointment.therapist.display_name in body
    assert appointment.service.name in body
    assert "Booked" in body


def test_it_picks_the_therapists_login_with_a_search_box(client, admin_user, demo_data):
    therapist = Therapist.objects.exclude(user=None).order_by("pk").first()
    client.force_login(admin_user)
    body = client.get(f"/admin/bookings/therapist/{therapist.pk}/change/").content.decode()
    assert 'name="user"' in body
    assert "admin-autocomplete" in body
    assert "vForeignKeyRawIdAdminField" not in body
    found = client.get(
        "/admin/autocomplete/",
        {
            "term": therapist.user.username[:8],
            "app_label": "bookings",
            "model_name": "therapist",
            "field_name": "user",
        },
    )
    assert found.status_code == 200
    assert therapist.user.username in found.content.decode()


def test_it_picks_the_appointments_condition_with_a_search_box(client, admin_user, demo_data):
    client.force_login(admin_user)
    body = client.get("/admin/bookings/appointment/add/").content.decode()
    assert "vForeignKeyRawIdAdminField" not in body
    assert body.count("admin-autocomplete") >= 2  # the patient and the condition


def test_it_answers_a_csrf_failure_with_the_designed_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "This form expired" in body
    assert "Go back, reload the page and try again." in body
    assert "CSRF" not in body  # not Django's own page, which names the token


def test_it_answers_a_csrf_failure_in_french_on_a_french_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/fr/book/", {})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Ce formulaire a expiré" in body
    assert "rechargez la page et réessayez" in body


def test_it_shows_the_designed_403_page_to_staff_without_the_permission(
    client, django_user_model, demo_data
):
    therapist_group = Group.objects.get(name="Therapists")
    user = django_user_model.objects.create_user("staff-therapist", password="pass-12345")
    user.is_staff = True
    user.save()
    user.groups.add(therapist_group)
    client.force_login(user)
    response = client.get("/admin/clinic/page/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "This page is not open to this account" in body
    assert 'href="/schedule/start/"' in body
    assert "ask the clinic’s administrator" in body


def test_it_sends_a_therapist_without_admin_access_to_their_schedule(client, demo_data):
    therapist = Therapist.objects.exclude(user=None).order_by("pk").first()
    assert not therapist.user.is_staff
    client.force_login(therapist.user)
    response = client.get("/admin/", follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "You are authenticated as" not in body
    assert "this account does not use the staff admin" in body
    assert 'href="/schedule/start/"' in body


def test_it_tells_an_outsider_on_the_admin_login_nothing_about_accounts(client, db):
    body = client.get("/admin/login/").content.decode()
    assert "does not use the staff admin" not in body
    assert 'id="login-form"' in body


def test_it_serves_valid_html_on_the_designed_error_pages(client, django_user_model, html_errors):
    user = django_user_model.objects.create_user("staff-only", password="pass-12345")
    user.is_staff = True
    user.save()
    client.force_login(user)
    denied = client.get("/admin/clinic/page/")
    expired = Client(enforce_csrf_checks=True).post("/fr/book/", {})
    assert (denied.status_code, expired.status_code) == (403, 403)
    assert html_errors({"403": denied, "403 csrf (fr)": expired}) == []
