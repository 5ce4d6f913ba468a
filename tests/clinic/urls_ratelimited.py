"""A URLconf with a rate-limited view, to test the limiter on its own."""

from django.http import HttpResponse
from django.urls import include, path

from clinic.ratelimit import rate_limit


@rate_limit("test", limit=3, period=60, methods=("GET", "POST"))
def limited(request):
    return HttpResponse("ran")


@rate_limit("test-get", limit=2, period=60, methods=("GET",))
def limited_get(request):
    return HttpResponse("ran")


urlpatterns = [
    path("limited/", limited),
    path("limited-get/", limited_get),
    path("", include("clinic.urls")),
]
