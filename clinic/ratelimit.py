"""Per-client rate limits for the pages a script could hammer (search, booking submissions).

A fixed window counter in the cache: Redis when REDIS_URL is set, so every web process shares one
count; the local-memory cache otherwise (one process in development). Over the limit, the client
gets the friendly 429 page and the view does not run. While the cache does not answer, requests
go through uncounted (clinic/shared_cache.py).
"""

import functools
import hashlib
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from clinic import shared_cache

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    """The address of the client that sent `request`: what rate limits and django-axes count.

    Behind a proxy, CLIENT_IP_HEADER names the header it sets. Each proxy appends the address it
    received the request from to X-Forwarded-For, so with TRUSTED_PROXY_COUNT proxies in front the
    client is that many entries from the right; anything further left was sent by the client and
    could say anything. X-Real-IP, set (not appended) by one proxy, has a single entry. Without
    the header (the request did not come through the proxy), with fewer entries than proxies or
    with an entry that is not an address, the connection's own address is used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.CLIENT_IP_HEADER
    if header:
        entries = request.META.get(header, "").split(",")
        count = settings.TRUSTED_PROXY_COUNT
        if len(entries) >= count:
            candidate = entries[-count].strip()
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def warn_if_counted_per_process() -> None:
    """At a web process's start: in production, say when the limits are not shared."""
    if not settings.DEBUG and not settings.REDIS_URL:
        logger.warning(
            "REDIS_URL is not set: rate limits are counted in each web process's memory, so "
            "with several processes a client gets each limit once per process. Set REDIS_URL "
            "to share one count."
        )


def current_window(period: int) -> int:
    return int(time.time() // period)


def is_over_limit(scope: str, identity: str, *, limit: int, period: int) -> bool:
    """Count one request by `identity` in `scope`; True once it is over `limit` per `period` s."""
    if settings.RATELIMIT_DISABLED or shared_cache.outage.recently_failed():
        return False
    window = current_window(period)
    # Hashed: an email address or a client's address is not kept in the cache as it is.
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{window}"
    try:
        cache.add(key, 0, timeout=period + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period + 5)
            count = 1
    # A counter never fails a request: whatever the cache raises (redis-py's errors, a
    # socket's), the request goes through uncounted while the cache is down.
    except Exception as error:
        shared_cache.outage.failed(error)
        return False
    shared_cache.outage.answered()
    return count > limit


def too_many_requests(request, period: int):
    """The friendly 429 page, asking to come back after `period` seconds."""
    response = render(request, "429.html", {"retry_after": period}, status=429)
    response["Retry-After"] = str(period)
    return response


def rate_limit(scope: str, *, limit: int, period: int, methods: tuple[str, ...] = ("POST",)):
    """Allow `limit` requests with one of `methods` per client per `period` seconds in `scope`.

    A HEAD counts as a GET: it costs the server the same work, only the body is not sent.
    """
    counted = frozenset(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in counted and is_over_limit(
                scope, client_address(request), limit=limit, period=period
            ):
                return too_many_requests(request, period)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
