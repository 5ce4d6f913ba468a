"""Per-client rate limits for the pages a script could hammer (search, booking submissions).

A fixed window counter in the cache: Redis when REDIS_URL is set, so every web process shares one
count; the local-memory cache otherwise (one process in development). Over the limit, the client
gets the friendly 429 page and the view does not run.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def client_address(request) -> str:
    # Behind a proxy, CLIENT_IP_HEADER names the header it sets (e.g. HTTP_X_REAL_IP); a client
    # could forge it otherwise, so it is read only when configured.
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def current_window(period: int) -> int:
    return int(time.time() // period)


def rate_limit(scope: str, *, limit: int, period: int, methods: tuple[str, ...] = ("POST",)):
    """Allow `limit` requests with one of `methods` per client per `period` seconds in `scope`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods and not settings.RATELIMIT_DISABLED:
                window = current_window(period)
                client = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
                key = f"ratelimit:{scope}:{client}:{window}"
                cache.add(key, 0, timeout=period + 5)
                try:
                    count = cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.set(key, 1, timeout=period + 5)
                    count = 1
                if count > limit:
                    response = render(request, "429.html", {"retry_after": period}, status=429)
                    response["Retry-After"] = str(period)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
