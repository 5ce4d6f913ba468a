from django.core.exceptions import BadRequest


def reject_nul_bytes(get_response):
    """Refuse a request whose path, query string or form fields contain NUL bytes.

    PostgreSQL cannot store or compare a NUL in text, so such a value would reach the database only
    to fail there; no real form input contains one. The patient sees the 400 page instead.
    """

    def middleware(request):
        if "\x00" in request.path:
            raise BadRequest("NUL byte in the path")
        for values in (request.GET, request.POST):
            for key, items in values.lists():
                if "\x00" in key or any("\x00" in item for item in items):
                    raise BadRequest("NUL byte in request data")
        return get_response(request)

    return middleware
