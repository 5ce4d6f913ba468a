import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from conditions.models import ClinicProfile

logger = logging.getLogger(__name__)


@require_safe
def home(request):
    return render(request, "clinic/home.html")


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def server_error(request):
    # No database here: the error may be the database. The frame shows the letterhead defaults.
    template = loader.get_template("500.html")
    body = template.render({"clinic": ClinicProfile(**ClinicProfile.DEFAULTS), "request": request})
    return HttpResponse(body, status=500)
