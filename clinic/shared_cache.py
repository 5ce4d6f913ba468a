"""The default cache (Redis when REDIS_URL is set): nothing the site needs to serve a page.

It holds only the rate limits' counters. When it does not answer, the limiter lets requests
through and the health check names it; the outage is logged once when it starts and once when
the cache answers again, however many requests meet it in between.
"""

import logging
import threading
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

# After a failure, callers skip the cache for this long: a Redis that hangs then costs one
# timeout per process every few seconds instead of one per request.
RETRY_SECONDS = 5


class Outage:
    """Whether the cache failed lately; logs when it stops answering and when it answers again."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        self.since = None  # time.monotonic() of the first failure; None while the cache answers
        self._retry_at = 0.0

    def recently_failed(self) -> bool:
        return self.since is not None and time.monotonic() < self._retry_at

    def failed(self, error: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            self._retry_at = now + RETRY_SECONDS
            if self.since is not None:
                return
            self.since = now
        logger.warning(
            "The cache does not answer (%s: %s); rate limits are not enforced until it does.",
            type(error).__name__,
            error,
        )

    def answered(self) -> None:
        if self.since is None:  # the usual case, without taking the lock
            return
        with self._lock:
            if self.since is None:
                return
            seconds = time.monotonic() - self.since
            self.since = None
        logger.warning("The cache answers again after %.0f s; rate limits apply again.", seconds)


outage = Outage()


def cache_answers() -> bool:
    """Write and read the cache for real (for the health check)."""
    try:
        cache.set("healthz", 1, timeout=30)
        answered = cache.get("healthz") == 1
    # Whatever the backend raises (redis-py's errors, a socket's): the health check reports it.
    except Exception as error:
        outage.failed(error)
        return False
    outage.answered()
    return answered
