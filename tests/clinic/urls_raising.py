"""A URLconf with a view that fails, to see the 500 page a patient would get."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [path("broken/", broken), path("", include("clinic.urls"))]
handler500 = "clinic.views.server_error"
