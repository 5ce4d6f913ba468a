"""A URLconf with views that fail, to see the 500 and 503 pages a patient would get."""

from django.db import OperationalError
from django.urls import path

from clinic.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("deliberate failure for the 500 page test")


def database_gone(request):
    raise OperationalError("deliberate: connection refused, as when PostgreSQL is stopped")


urlpatterns = [
    path("broken/", broken),
    path("database-gone/", database_gone),
    *site_urlpatterns,  # i18n_patterns cannot be include()d
]
handler500 = "clinic.views.server_error"
