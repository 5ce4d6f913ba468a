"""Rows every request reads and staff rarely change, kept in this process between requests.

The booking rules, the clinic's profile, the policy and footer pages, the opening hours and the
services are read by every step of the booking flow: a query each, and Django's building of it,
on every request. Here the
answer is kept while PostgreSQL's content version (clinic/page_cache.py) is the one it was read
under. Every change to those tables bumps it (their triggers: conditions 0006, clinic 0003,
bookings 0012 and 0021), so the next request that asks reads the row afresh: one small query
for the version instead of one query per row. Not the availability version, which every
booking bumps: under a burst of bookings nothing would stay kept.

Kept only inside a request (between Django's request_started and request_finished), and never
inside a transaction, which may have changed a row without the version showing it yet (its
triggers fire at commit): the outbox's watcher, cron commands, the admin's saves and the test
suite's transactions all read the database as before. Each caller gets its own copy, so a change
made to one never reaches the next request. `forget()` drops everything (a test's flush resets
the versions to numbers an earlier test may have seen).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import TypeVar

from django.core.signals import request_finished, request_started
from django.db import connection

T = TypeVar("T")

_kept: dict[str, tuple[int, object]] = {}
_in_request = threading.local()


def kept_while_unchanged(name: str, load: Callable[[], T]) -> T:
    """`load()`'s answer, as read under the current content version; `name` says what it is.
    Only for rows whose tables bump the content version."""
    if not getattr(_in_request, "active", False) or connection.in_atomic_block:
        return load()
    # Imported here: page_cache imports clinic.models, whose ClinicProfile.load uses this.
    from clinic.page_cache import read_versions

    version = read_versions().content
    if version is None:  # no version row yet (before the first write): nothing to key on
        return load()
    kept = _kept.get(name)
    if kept is None or kept[0] != version:
        kept = (version, load())
        _kept[name] = kept
    return copy.copy(kept[1])


def forget() -> None:
    _kept.clear()


def _started(**kwargs) -> None:
    _in_request.active = True


def _finished(**kwargs) -> None:
    _in_request.active = False


request_started.connect(_started, dispatch_uid="clinic.versioned.started")
request_finished.connect(_finished, dispatch_uid="clinic.versioned.finished")
