from django.contrib import admin
from django.urls import include, path

from clinic import accounts, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    # Before Django's own: the same page, limited per client and per account.
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Before the admin's own: its index with the front desk's figures.
    path("admin/", include("bookings.admin_urls")),
    path("admin/", admin.site.urls),
    path("", include("conditions.urls")),
    path("", include("bookings.urls")),
]

handler500 = "clinic.views.server_error"

admin.site.site_header = "Clinic staff"
admin.site.site_title = "Clinic staff"
admin.site.index_title = "Front desk and content"
