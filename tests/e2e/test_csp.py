"""No page, the admin's included, logs a Content-Security-Policy violation in Chromium."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.pages import PUBLIC_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def admin_pages():
    """The admin index, and each registered model's list, add form and first object's form."""
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        if admin.site._registry[model].has_add_permission(_superuser_request()):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return pages


def _superuser_request():
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    return request


def csp_violations(page):
    return [error for error in page.console_errors if "Content Security Policy" in error]


def test_public_pages_log_no_csp_violation(open_page, demo_data):
    found = {}
    for path in PUBLIC_PAGES:
        page = open_page(path)
        if csp_violations(page):
            found[path] = csp_violations(page)
    assert found == {}


@pytest.fixture
def bookings_data(demo_data):
    """An appointment, time off and an email the front desk must phone about: the demo has none,
    and without a row their change pages (and the admin index's notice) would go unchecked."""
    from datetime import timedelta

    from bookings import services
    from bookings.availability import free_slots, local_today
    from bookings.models import OutgoingEmail, Service, Therapist
    from bookings.notifications import emails

    service = Service.objects.active().first()
    day = local_today() + timedelta(days=7)
    slot = free_slots(service=service, start=day, end=day + timedelta(days=7))[0]
    appointment = services.book_appointment(
        service=service,
        therapist=Therapist.objects.get(pk=slot.therapist_id),
        starts_at=slot.starts_at,
        patient=services.PatientDetails(name="Demo Patient", email="demo@example.com", phone="1"),
        notify=False,
    )
    services.block_time_off(
        therapist=appointment.therapist,
        starts_at=slot.starts_at + timedelta(days=1),
        ends_at=slot.starts_at + timedelta(days=1, hours=1),
        reason="Course",
    )
    email = emails.queue_appointment_email(appointment, kind=emails.BOOKED)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status="failed", next_attempt_at=None, attempts=10, last_error="SMTPServerDisconnected"
    )


def test_admin_pages_log_no_csp_violation_and_load(open_page, bookings_data, live_server):
    page = open_page("/admin/login/")
    page.fill("#id_username", "demo-admin")
    page.fill("#id_password", "demo-admin-password")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    pages = admin_pages()
    for name in ["appointment", "patient", "timeoff", "outgoingemail"]:
        assert any(p.startswith(f"/admin/bookings/{name}/") and "change" in p for p in pages), name
    found = {}
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        if csp_violations(page):
            found[path] = csp_violations(page)
        page.console_errors.clear()
    assert found == {}
