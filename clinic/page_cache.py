"""Whole public pages kept for anonymous visitors, and served before the session middleware.

A view opts in with `@cached_for_visitors`. The middleware (placed right after WhiteNoise) serves a
GET or HEAD of such a page from the "pages" cache (each process's memory) when the visitor has
neither a session nor a flash message waiting, and stores a miss's response, headers included,
once the inner middleware (CSP, X-Frame-Options) has added theirs. SecurityMiddleware stays
outside and adds its own headers to both.

Each page is stored once per URL with the content version (`ContentVersion`, bumped by database
triggers in the same transaction as any write to a table the pages show) it was rendered under,
and served only while the version read for the request is the same: an edit saved in the admin
shows on the next request, in every process, and a page stored under a version always shows
content at least that recent.

Pages of free times (the booking flow's steps) are also keyed by the availability version
(`AvailabilityVersion`, bumped by triggers in the same transaction as any change to appointments,
hours, time off, resources or rules: clinic/availability_version.py): a time just booked is gone
from the next page served, a time just freed is on it. Free times also change as the clock moves
on (a time comes inside the minimum notice): such a view says until when its page holds with
`keep_until()`, and it is not served after that.

While the database cannot be reached (stopped, restarting, out of connections), the version
cannot be read, and the last page stored for the URL is served whatever its version: visitors
keep reading the articles they could read before. A URL that has no stored page fails in its
view, and the visitor gets the 503 page (clinic.views.server_error).
"""

import hashlib
import math
from typing import NamedTuple

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from clinic.models import AvailabilityVersion, ContentVersion

# Both versions in one round trip; a page keyed by content alone ignores the second.
_VERSION_SQL = (
    f"SELECT (SELECT value FROM {ContentVersion._meta.db_table} WHERE id = 1), "
    f"(SELECT value FROM {AvailabilityVersion._meta.db_table} WHERE id = 1)"
)


class Versions(NamedTuple):
    content: int | None
    availability: int | None


class CachePolicy(NamedTuple):
    query: frozenset  # the query parameters a page may be cached with
    availability: bool  # the page shows free times: keyed by the availability version too


def cached_for_visitors(view=None, *, query=(), availability=False):
    """Let anonymous visitors get this view's pages from the page cache.

    `query` names the query parameters a page may be cached with, each given once and already in
    canonical form; a request with any other query string is served uncached. With
    `availability`, the page shows free times: it is kept only while the availability version is
    the one it was rendered under (and until `keep_until()`'s moment, if the view gave one). A
    response passed to `exclude_from_page_cache()` is not stored.
    """

    def mark(view):
        view.page_cache_policy = CachePolicy(frozenset(query), availability)
        return view

    return mark if view is None else mark(view)


def exclude_from_page_cache(response):
    """Do not store this response (it echoes a value from the request, say)."""
    response.page_cache_excluded = True
    return response


def keep_until(response, moment):
    """Serve this response from the cache no later than `moment` (an aware datetime)."""
    response.page_cache_until = moment.timestamp()
    return response


class Page(NamedTuple):
    version: tuple  # the versions it was rendered under (the content's; the availability's)
    expires_at: float  # a POSIX timestamp
    status: int
    headers: dict
    content: bytes

    def response(self) -> HttpResponse:
        return HttpResponse(self.content, status=self.status, headers=self.headers)


def page_cache_middleware(get_response):
    def middleware(request):
        policy = _cache_policy(request)
        if policy is None:
            return get_response(request)
        key = _page_key(request)
        pages = caches["pages"]
        try:
            versions = read_versions()
        except (OperationalError, InterfaceError):
            page = pages.get(key)
            if page is not None:
                return page.response()
            raise  # the 503 page, without a second wait for the database in the view
        version = (
            (versions.content, versions.availability)
            if policy.availability
            else (versions.content,)
        )
        if None in version:  # a row is gone (a test flush before any write): do not cache
            return get_response(request)
        page = pages.get(key)
        # The views' clock (tests move it), which keep_until's moments are read on.
        now = timezone.now().timestamp()
        if page is not None and page.version == version and now < page.expires_at:
            return page.response()
        response = get_response(request)
        if _is_storable(request, response):
            expires_at = min(
                now + settings.PAGE_CACHE_SECONDS, getattr(response, "page_cache_until", math.inf)
            )
            page = Page(
                version, expires_at, response.status_code, dict(response.headers), response.content
            )
            # Kept past PAGE_CACHE_SECONDS (MAX_ENTRIES bounds the memory): the copy served while
            # the database is down.
            pages.set(key, page, None)
        elif request.method == "GET" and response.status_code < 500 and response.status_code != 429:
            # The URL's page is gone (unpublished: 404) or not for keeping: no old copy of it may
            # come back during an outage. A 5xx or one client's rate limit (429) says nothing
            # about the page and keeps the copy.
            pages.delete(key)
        return response

    return middleware


def _cache_policy(request) -> CachePolicy | None:
    """How this request's page is cached; None when it is served uncached."""
    if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return None
    cookies = request.COOKIES
    # Staff see draft previews and their own header; a flash message must reach its visitor.
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    # Before LanguageFromPath: /fr/... resolves only with French active.
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            policy = getattr(resolve(request.path_info).func, "page_cache_policy", None)
    except Resolver404:
        return None
    if policy is None:
        return None
    query_string = request.META.get("QUERY_STRING", "")
    if not query_string:
        return policy
    # Only the page's own parameters, in the one spelling its links use: a hostile URL cannot
    # fill the cache with variants of one page.
    params = request.GET
    canonical = (
        all(name in policy.query and len(params.getlist(name)) == 1 for name in params)
        and params.urlencode() == query_string
    )
    return policy if canonical else None


def content_version() -> int | None:
    """The content version now (None before `migrate` has made its table)."""
    return read_versions().content


def read_versions() -> Versions:
    """The content and availability versions now (None before `migrate` has made a table)."""
    # Raw SQL, on the request's own connection: inside a transaction (a test's) it sees that
    # transaction's writes, as the page's queries would.
    raw = connection.connection
    if raw is not None and not connection.in_atomic_block:
        # The usual case, a worker's open connection in autocommit. Through Django's cursor the
        # first query of a request is preceded by a health check (CONN_HEALTH_CHECKS), a second
        # round trip on every cached page; this query checks the connection just as well. If it
        # fails (the database restarted), Django's cursor below starts on a new connection.
        try:
            with raw.cursor() as cursor:
                cursor.execute(_VERSION_SQL)
                return Versions(*cursor.fetchone())
        except connection.Database.Error:
            connection.close()
    if connection.in_atomic_block:
        return _read_version()
    try:
        return _read_version()
    except (OperationalError, InterfaceError):
        raise  # the database cannot be reached (page_cache_middleware)
    except DatabaseError:
        # New code before `migrate` has made the table: serve pages uncached, not error pages.
        return Versions(None, None)


def _read_version() -> Versions:
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        return Versions(*cursor.fetchone())


def _page_key(request) -> str:
    # The host and scheme are in the key: pages carry canonical URLs built from them.
    url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page:{url}"


def _is_storable(request, response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not getattr(response, "page_cache_excluded", False)
        and not request.user.is_authenticated
    )
