from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from clinic.hours import week_hours
from clinic.hours_labels import week_summary
from clinic.json_ld import clinic_json_ld
from clinic.models import ClinicProfile, Page


def clinic(request):
    # Lazy: pages that never show the frame (feeds, health checks) cost no query.
    profile = SimpleLazyObject(ClinicProfile.load)
    return {
        "clinic": profile,
        # The footer's week ("Mon–Fri 8:00 AM–7:00 PM · Sat ..."): no "open now", it is cached.
        "footer_hours": SimpleLazyObject(lambda: week_summary(week_hours())),
        # The clinic as schema.org data (includes/clinic_json_ld.html), for the pages that say it.
        "clinic_json_ld": SimpleLazyObject(
            lambda: clinic_json_ld(profile, request.build_absolute_uri(reverse("home")))
        ),
        "footer_pages": SimpleLazyObject(
            lambda: list(Page.objects.published().filter(in_footer=True).only("slug", "title"))
        ),
    }
