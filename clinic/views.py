import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from clinic.models import ClinicProfile, Page
from clinic.page_cache import cached_for_visitors
from clinic.shared_cache import cache_answers
from conditions.models import BodyRegion, Condition

logger = logging.getLogger(__name__)


HOME_FEATURED = 6


@require_safe
@cached_for_visitors
def home(request):
    published = Condition.objects.published()
    regions = (
        BodyRegion.objects.annotate(
            published_count=Count(
                "conditions", filter=Q(conditions__status=Condition.Status.PUBLISHED)
            )
        )
        .filter(published_count__gt=0)
        .order_by("order", "name")
    )
    fields = ("title", "slug", "summary", "is_sample")
    featured = list(published.filter(featured=True).only(*fields)[:HOME_FEATURED])
    if not featured:
        featured = list(published.only(*fields).order_by("-published_at", "title")[:HOME_FEATURED])
    # The page says the guides are reviewed only while every published one names its reviewer
    # and date: a claim the data does not back is not made.
    guides = published.aggregate(
        total=Count("pk"),
        reviewed=Count("pk", filter=Q(last_reviewed__isnull=False) & ~Q(reviewed_by="")),
    )
    context = {
        "regions": regions,
        "featured": featured,
        "all_guides_reviewed": guides["total"] > 0 and guides["reviewed"] == guides["total"],
    }
    return render(request, "clinic/home.html", context)


@require_safe
@cached_for_visitors
def page(request, slug):
    """A page staff write (privacy notice, policies, about). Staff who may edit pages also see
    drafts, marked as such, to check them before publishing."""
    if request.user.has_perm("clinic.change_page"):
        found = get_object_or_404(Page, slug=slug)
    else:
        found = get_object_or_404(Page.objects.published(), slug=slug)
    return render(request, "clinic/page.html", {"page": found})


@never_cache
@require_safe
def livez(request):
    # Liveness only: the process answers. No database, no template: also the benchmark's ceiling.
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_safe
def healthz(request):
    """Readiness: a line per dependency, and 503 when the database does not answer.

    Without the cache (Redis) every page still works, only rate limits are off: it is named as
    degraded and the status stays 200, so a load balancer keeps the process in its pool.
    """
    database = _database_answers()
    cache = cache_answers()
    body = "".join(
        f"{name}: {'ok' if answers else 'unavailable'}\n"
        for name, answers in [("database", database), ("cache", cache)]
    )
    return HttpResponse(body, status=200 if database else 503, content_type="text/plain")


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return False
    return True


# How soon a client may try again when the database cannot be reached.
UNAVAILABLE_RETRY_AFTER = 30


def server_error(request):
    """The 500 page; the 503 page when the error is the database being unreachable.

    Django calls this handler inside its `except` block, so the error is sys.exc_info(). An
    OperationalError or InterfaceError is PostgreSQL stopped, restarting or out of connections
    (also a statement timeout or a deadlock): a moment's outage, not a bug.
    """
    unavailable = _is_database_outage(sys.exc_info()[1])
    # No database here: the error may be the database. The frame shows the letterhead defaults.
    template = loader.get_template("503.html" if unavailable else "500.html")
    body = template.render({"clinic": ClinicProfile(**ClinicProfile.DEFAULTS), "request": request})
    if not unavailable:
        return HttpResponse(body, status=500)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    return response


def _is_database_outage(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        error = error.__cause__
    return False


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the designed page, in the visitor's language, saying what to do next
    (Django's own names the token and the Referer header)."""
    return render(request, "403_csrf.html", status=403)
