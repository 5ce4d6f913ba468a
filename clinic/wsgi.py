import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

application = get_wsgi_application()

from clinic.ratelimit import warn_if_counted_per_process  # noqa: E402 (needs the settings)

warn_if_counted_per_process()
