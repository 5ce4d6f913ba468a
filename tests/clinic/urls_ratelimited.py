"""A URLconf with a rate-limited view, to test the limiter on its own."""

from django.http import HttpResponse
from django.urls import path

from clinic.ratelimit import rate_limit
from clinic.urls import urlpatterns as site_urlpatterns


@rate_limit("test", limit=3, period=60, methods=("GET", "POST"))
def limited(request):
    return HttpResponse("ran")


@rate_limit("test-get", limit=2, period=60, methods=("GET",))
def limited_get(request):
    return HttpResponse("ran")


urlpatterns = [
    path("limited/", limited),
    path("limited-get/", limited_get),
    *site_urlpatterns,  # i18n_patterns cannot be include()d
]
