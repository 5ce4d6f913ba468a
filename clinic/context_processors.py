from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from clinic.hours import week_hours
from clinic.hours_labels import week_summary
from clinic.json_ld import clinic_json_ld
from clinic.models import ClinicProfile, Page
from clinic.versioned import kept_while_unchanged


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
            # Kept between requests while the content version stands (clinic/versioned.py); by
            # language, as the titles read are.
            lambda: kept_while_unchanged(
                f"footer_pages:{get_language()}",
                lambda: list(Page.objects.published().filter(in_footer=True).only("slug", "title")),
            )
        ),
    }
