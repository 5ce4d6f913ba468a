from django.utils.functional import SimpleLazyObject

from clinic.models import ClinicProfile


def clinic(request):
    # Lazy: pages that never show the frame (feeds, health checks) cost no query.
    return {"clinic": SimpleLazyObject(ClinicProfile.load)}
