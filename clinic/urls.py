"""Patients' pages are in English at today's URLs and in French under /fr/ (`i18n_patterns`, with
the default language unprefixed, so every existing link, bookmark and emailed link keeps working).
Staff pages, health checks, the sitemap and robots.txt have one URL each."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from bookings.urls import staff_urlpatterns
from clinic import accounts, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    # Before Django's own: the same page, limited per client and per account.
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Before the admin's own: its index with the front desk's figures.
    path("admin/", include("bookings.admin_urls")),
    path("admin/", admin.site.urls),
    path("", include("conditions.site_urls")),
    *staff_urlpatterns,
    *i18n_patterns(
        path("", views.home, name="home"),
        path("", include("conditions.urls")),
        path("", include("bookings.urls")),
        # Last: any other one-segment address may be a page staff wrote.
        path("<slug:slug>/", views.page, name="page"),
        prefix_default_language=False,
    ),
]

handler500 = "clinic.views.server_error"

admin.site.site_header = "Clinic staff"
admin.site.site_title = "Clinic staff"
admin.site.index_title = "Front desk and content"
