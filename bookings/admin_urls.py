"""The admin index, routed ahead of `admin.site.urls` (clinic/urls.py) so its figures come from a
view, not from template tags: a template tag renders, it does not query."""

from django.contrib import admin
from django.urls import path

from bookings import dashboard


def front_desk_index(request):
    """The admin index with the front desk's figures, each for users who may see them.

    Content editors are staff too, but patients' names are none of their business.
    """
    user = request.user
    context = {
        "undelivered": (
            dashboard.undelivered_emails() if user.has_perm("bookings.view_outgoingemail") else 0
        ),
        "dashboard": (
            dashboard.front_desk_dashboard() if user.has_perm("bookings.view_appointment") else None
        ),
    }
    return admin.site.index(request, extra_context=context)


urlpatterns = [path("", admin.site.admin_view(front_desk_index), name="front_desk_index")]
