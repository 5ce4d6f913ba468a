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


def test_admin_pages_log_no_csp_violation_and_load(open_page, demo_data, live_server):
    page = open_page("/admin/login/")
    page.fill("#id_username", "demo-admin")
    page.fill("#id_password", "demo-admin-password")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    found = {}
    for path in admin_pages():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        if csp_violations(page):
            found[path] = csp_violations(page)
        page.console_errors.clear()
    assert found == {}
