from django.core.exceptions import BadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def reject_nul_bytes(get_response):
    """Refuse a request with a NUL byte in its path, query, form fields, headers or cookies.

    PostgreSQL cannot store or compare a NUL in text, so such a value would reach the database only
    to fail there (a session key looked up, a failed login's User-Agent stored by django-axes); no
    real browser sends one. The patient sees the 400 page instead. Placed before the page cache,
    so the answer is the same whether the page is cached or not.
    """

    def middleware(request):
        if "\x00" in request.path:
            raise BadRequest("NUL byte in the path")
        for name, value in request.META.items():
            if name.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                raise BadRequest("NUL byte in a header")
        # The cookie parser decodes escapes ("\000"), so the parsed values are checked too.
        for name, value in request.COOKIES.items():
            if "\x00" in name or "\x00" in value:
                raise BadRequest("NUL byte in a cookie")
        for values in (request.GET, request.POST):
            for key, items in values.lists():
                if "\x00" in key or any("\x00" in item for item in items):
                    raise BadRequest("NUL byte in request data")
        return get_response(request)

    return middleware


class LanguageFromPath(LocaleMiddleware):
    """Django's LocaleMiddleware for a site whose language is its URL's alone (clinic/urls.py).

    /fr/... is French and every other path English, whatever the browser asks for, so a response
    never varies on Accept-Language: no `Vary: Accept-Language` to split shared caches, and no
    redirects by browser language. Responses say which language they are in.
    """

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
