from django.utils.functional import SimpleLazyObject

from clinic.models import ClinicProfile, Page


def clinic(request):
    # Lazy: pages that never show the frame (feeds, health checks) cost no query.
    return {
        "clinic": SimpleLazyObject(ClinicProfile.load),
        "footer_pages": SimpleLazyObject(
            lambda: list(Page.objects.published().filter(in_footer=True).only("slug", "title"))
        ),
    }
